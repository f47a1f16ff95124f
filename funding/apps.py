from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding"

    def ready(self) -> None:
        from common.lookups import lookup_table

        from .hooks import funding_plug_in
        from .models import BudgetCategory, EventKind

        lookup_table(EventKind)
        lookup_table(BudgetCategory)
        funding_plug_in()
