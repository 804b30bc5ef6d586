"""Production entrypoint: ``python -m services.notifications``."""

from services.notifications.app import definition
from services.notifications.settings import NotificationsSettings
from shared.platform.entrypoint import run_service

if __name__ == "__main__":
    run_service(definition, NotificationsSettings())
