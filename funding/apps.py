from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding"

    def ready(self) -> None:
        from common.lookups import lookup_table

        from .hooks import funding_plug_in
        from .models import BudgetCategory, EventKind, ExchangeRate, FundingPolicy, Holiday
        from .selectors import funding_form_facts_forget

        lookup_table(EventKind)
        lookup_table(BudgetCategory)
        funding_plug_in()
        # The public form's currencies and notice rule (kept in each process for a few seconds).
        for model in (ExchangeRate, FundingPolicy, Holiday):
            uid = f"funding-form-facts-{model._meta.model_name}"
            post_save.connect(funding_form_facts_forget, sender=model, dispatch_uid=uid)
            post_delete.connect(funding_form_facts_forget, sender=model, dispatch_uid=uid)
