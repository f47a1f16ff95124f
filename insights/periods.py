"""The dashboard's date range: last 4 weeks, last quarter, last year or chosen days, as a GET
form (it changes nothing), and the period of the same length just before it for comparisons."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

MAX_DAYS = 3 * 366  # a wider range draws too many weekly bars to read


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the site's time zone."""

    start: date
    end: date
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def previous(self) -> "Period":
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, "the period before")

    def with_previous(self) -> "Period":
        """This period and the one before it together: one query reads both, and the rows are
        told apart by their day (`in`)."""
        return Period(self.previous().start, self.end, self.label)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches."""
        monday = self.start - timedelta(days=self.start.weekday())
        found = []
        while monday <= self.end:
            found.append(monday)
            monday += timedelta(days=7)
        return found


def last_days(days: int, label: str, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today - timedelta(days=days - 1), today, label)


CHOICES = [
    ("4w", "Last 4 weeks"),
    ("quarter", "Last quarter (13 weeks)"),
    ("year", "Last year (52 weeks)"),
    ("custom", "From and to dates I choose"),
]
LENGTHS = {"4w": 28, "quarter": 91, "year": 364}
LABELS = {"4w": "the last 4 weeks", "quarter": "the last quarter", "year": "the last year"}


class PeriodForm(forms.Form):
    range = forms.ChoiceField(
        label="Show", choices=CHOICES, initial="4w", widget=forms.RadioSelect, required=False
    )
    start = forms.DateField(
        label="From",
        required=False,
        help_text="For example 2026-09-01.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the first day as a date, for example 2026-09-01."},
    )
    end = forms.DateField(
        label="To",
        required=False,
        help_text="For example 2026-11-30.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the last day as a date, for example 2026-11-30."},
    )

    @property
    def date_fields(self) -> list[forms.BoundField]:
        return [self["start"], self["end"]]

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("range") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        today = timezone.localdate()
        if start is None and "start" not in self.errors:
            self.add_error("start", "Enter the first day of the period.")
        if end is None and "end" not in self.errors:
            self.add_error("end", "Enter the last day of the period.")
        if start is None or end is None:
            return data
        if start > today:
            self.add_error("start", "The first day must be today or before it.")
        elif end < start:
            self.add_error("end", "The last day must be the same as or after the first day.")
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("end", "Choose at most three years: the last day is too far on.")
        return data

    def period(self, today: date | None = None) -> Period:
        """The chosen period; the last 4 weeks when the form is not valid."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        choice = data.get("range") or "4w"
        if choice == "custom":
            end = min(data["end"], today)
            label = f"{data['start']:%-d %b %Y} to {end:%-d %b %Y}"
            return Period(data["start"], end, label)
        return last_days(LENGTHS[choice], LABELS[choice], today)

    def query(self) -> str:
        """The chosen range as a query string, for the chart and CSV links."""
        if not self.is_valid():
            return "range=4w"
        data = self.cleaned_data
        choice = data.get("range") or "4w"
        if choice == "custom":
            return f"range=custom&start={data['start']:%Y-%m-%d}&end={data['end']:%Y-%m-%d}"
        return f"range={choice}"
