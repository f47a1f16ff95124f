"""What the funding admins share: figures read once per page."""

from django.http import HttpRequest

from ..models import ReviewRound
from ..rates import RateTable
from ..selectors import RoundFigures, review_round_figures


def rates(request: HttpRequest) -> RateTable:
    """The rate table, read once per page (one query), however many rows convert."""
    table = getattr(request, "_funding_rates", None)
    if table is None:
        table = RateTable.load()
        request._funding_rates = table  # type: ignore[attr-defined]
    return table


def round_figures(request: HttpRequest) -> dict[int, RoundFigures]:
    """Every round's figures, read once per page (rounds are few: a handful a year)."""
    figures = getattr(request, "_funding_round_figures", None)
    if figures is None:
        figures = review_round_figures(rounds=list(ReviewRound.objects.all()), rates=rates(request))
        request._funding_round_figures = figures  # type: ignore[attr-defined]
    return figures
