"""Fields of the public help forms that read what people type: links, one a line, and dates
written as people write them."""

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

MAX_LINKS = 10


class LinksField(forms.CharField):
    """One http(s) address per line; each bad line is named in the error."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(f"Please give at most {MAX_LINKS} links.")
        check = URLValidator(schemes=["http", "https"])
        bad = []
        for line in lines:
            try:
                check(line)
            except ValidationError:
                bad.append(line)
        if bad:
            raise ValidationError(
                "These are not web addresses (they should start with https://): %(bad)s",
                params={"bad": ", ".join(bad[:3])},
            )
        return "\n".join(lines)


# Day, month and year, in the orders people write them; a month's name never leaves a doubt.
DATE_INPUT_FORMATS = [
    "%d %B %Y",  # 31 March 2027
    "%d %b %Y",  # 31 Mar 2027
    "%B %d %Y",  # March 31 2027
    "%b %d %Y",  # Mar 31 2027
    "%d/%m/%Y",  # 31/03/2027
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %m %Y",  # 31 3 2027
    "%Y-%m-%d",  # 2027-03-31
]


def date_example(today: date | None = None) -> str:
    """A date to show as an example: 31 March of next year, so it is never in the past."""
    return f"31 March {(today or timezone.localdate()).year + 1}"


class WrittenDateInput(forms.TextInput):
    """A text box that shows a date the way the page writes it: 31 March 2027."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return f"{value.day} {value:%B %Y}"
        return super().format_value(value)


class WrittenDateField(forms.DateField):
    """A date typed as text: "31 March 2027", "31 Mar 2027", "31/03/2027", "2027-03-31", ...

    Commas, ordinals ("31st"), a full stop after a month ("Mar.") and "Sept" are forgiven;
    anything else that is not a real date gets the field's "invalid" message.
    """

    widget = WrittenDateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, str):
            value = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", value, flags=re.IGNORECASE)
            value = re.sub(r"(?<=[a-z])\.", "", value, flags=re.IGNORECASE)  # "Mar. 31"
            value = re.sub(r"\bsept\b", "Sep", value.replace(",", " "), flags=re.IGNORECASE)
            value = " ".join(value.split())
        return super().to_python(value)
