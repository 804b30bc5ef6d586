"""Production entrypoint: ``python -m services.matching``."""

from services.matching.app import definition
from services.matching.settings import MatchingSettings
from shared.platform.entrypoint import run_service

if __name__ == "__main__":
    run_service(definition, MatchingSettings())
