from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding"

    def ready(self) -> None:
        from common.lookups import lookup_table

        from .models import BudgetCategory, EventKind

        lookup_table(EventKind)
        lookup_table(BudgetCategory)
