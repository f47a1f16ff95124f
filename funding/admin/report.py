"""The board's report: one page for staff and a CSV download (Funding → Board report)."""

import csv
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from common.admin import ReadOnlyAdmin
from common.spreadsheet import csv_cell

from ..models import BoardReport, ReviewRound
from ..selectors import Report, ReportRow, funding_report


@dataclass(frozen=True)
class ReportLink:
    label: str
    url: object  # a URL, or a lazy reverse() (apps plug in before the URLconf is loaded)


# Links an app above funding adds to the report (docs/architecture.md, "Extension points"):
# the Insights dashboard registers its own from insights/apps.py; funding names no one.
REPORT_LINKS: list[ReportLink] = []


def board_report_link(*, label: str, url: object) -> None:
    """Show a link on the board's report (once per label, so a second ready() adds nothing)."""
    if all(link.label != label for link in REPORT_LINKS):
        REPORT_LINKS.append(ReportLink(label, url))


CSV_HEADER = [
    "group",
    "value",
    "requests",
    "requested (USD)",
    "requests without a rate",
    "approved",
    "approved (USD)",
    "declined",
    "not decided",
]


def _csv_row(group: str, row: ReportRow) -> list[str]:
    return [
        csv_cell(group),
        csv_cell(row.label),
        str(row.requests),
        f"{row.requested_usd:.2f}",
        str(row.unconverted),
        str(row.approved),
        f"{row.approved_usd:.2f}",
        str(row.declined),
        str(row.undecided),
    ]


def report_csv(report: Report) -> HttpResponse:
    """The report as a CSV file; text cells that a spreadsheet would run as a formula are
    defused (a round's name is staff's text)."""
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="funding-report-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerow(_csv_row("total", report.total))
    for section in report.sections:
        for row in section.rows:
            writer.writerow(_csv_row(section.dimension, row))
    return response


@admin.register(BoardReport)
class BoardReportAdmin(ReadOnlyAdmin):
    """Read only: the list page is the report."""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        rounds = list(ReviewRound.objects.all())
        chosen = next((r for r in rounds if str(r.pk) == request.GET.get("round")), None)
        report = funding_report(review_round=chosen)
        if request.GET.get("format") == "csv":
            return report_csv(report)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Funding: the board's report",
            "report": report,
            "rounds": rounds,
            "chosen": chosen,
            "links": REPORT_LINKS,
        }
        return render(request, "admin/funding/report.html", context)
