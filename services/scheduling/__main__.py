"""Production entrypoint: ``python -m services.scheduling``."""

from services.scheduling.app import definition
from services.scheduling.settings import SchedulingSettings
from shared.platform.entrypoint import run_service

if __name__ == "__main__":
    run_service(definition, SchedulingSettings())
