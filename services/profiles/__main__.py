"""Production entrypoint: ``python -m services.profiles``."""

from services.profiles.app import definition
from services.profiles.settings import ProfilesSettings
from shared.platform.entrypoint import run_service

if __name__ == "__main__":
    run_service(definition, ProfilesSettings())
