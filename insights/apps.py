from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from django.urls import reverse_lazy

        from funding.admin.report import board_report_link

        # The board's report (funding, a layer below) links here: docs/architecture.md,
        # "Extension points".
        board_report_link(
            label="Charts of help, roles, the pool and funding: the Insights dashboard",
            url=reverse_lazy("admin:insights_dashboard_changelist"),
        )
