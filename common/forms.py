"""What every public form shares: a honeypot for bots, one-line fields, a per-address limit."""

from typing import Any

from crispy_forms.layout import Div
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .logs import security_event


def single_line(value: str, label: str) -> str:
    """Refuse line breaks in a field that ends up on one line (a header, a list row)."""
    if any(ch in value for ch in "\r\n\x00"):
        raise ValidationError(f"{label} must fit on one line.")
    return value.strip()


class HoneypotMixin(forms.Form):
    """A field hidden from people by CSS; a bot that fills it in is thanked and ignored."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def data_without_honeypot(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "website"}


def honeypot_layout() -> Div:
    """The honeypot's place in a crispy layout: off-screen and hidden from screen readers."""
    return Div("website", css_class="hp-field", aria_hidden="true")


def log_honeypot(request: HttpRequest, form_name: str) -> None:
    security_event("spam.honeypot", request, form=form_name)


def form_rate(group: str, request: HttpRequest) -> str:
    """POSTs allowed per address on a public form (shared cache; see RATELIMIT_FORM_RATE)."""
    return settings.RATELIMIT_FORM_RATE
