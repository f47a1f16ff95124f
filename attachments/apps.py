from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "Attachments"

    def ready(self) -> None:
        from django.core import checks

        from .clamd import scanner_url_check

        checks.register(scanner_url_check)
