from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "Attachments"

    def ready(self) -> None:
        from django.core import checks

        # Registers the tasks with Celery in every process: scan_later queues them by name.
        from . import tasks  # noqa: F401
        from .clamd import scanner_url_check

        checks.register(scanner_url_check)
