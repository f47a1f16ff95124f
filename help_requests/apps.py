from django.apps import AppConfig


class HelpRequestsConfig(AppConfig):
    name = "help_requests"
    verbose_name = "Help requests"

    def ready(self) -> None:
        from common.lookups import lookup_table

        from .models import HelpKind

        lookup_table(HelpKind)
