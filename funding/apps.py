from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding"

    def ready(self) -> None:
        from common.lookups import lookup_table

        from .models import BudgetCategory, EventKind, ExchangeRate, FundingPolicy, Holiday

        lookup_table(EventKind)
        lookup_table(BudgetCategory)
        # What the form says and offers: the notice rule, its holidays, the currencies.
        lookup_table(FundingPolicy)
        lookup_table(Holiday)
        lookup_table(ExchangeRate)
