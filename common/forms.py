"""What every public form shares: a honeypot for bots, one-line fields, a per-address limit,
and the words for what the form asks.

The forms are drawn by the project's crispy templates (templates/bootstrap5/), the GOV.UK way:
an error summary first, then each field's label, hint, message and input. A field the server
does not require gets "(optional)" after its label, unless `show_as_required` says otherwise
(required only in some cases, such as a request's name but not a suggestion's).
"""

import math
from collections.abc import Callable
from typing import Any

from crispy_forms.layout import HTML, Div
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import _split_rate as split_rate
from django_ratelimit.decorators import ratelimit

from .logs import security_event


def single_line(value: str, label: str) -> str:
    """Refuse line breaks in a field that ends up on one line (a header, a list row)."""
    if any(ch in value for ch in "\r\n\x00"):
        raise ValidationError(f"{label} must fit on one line.")
    return value.strip()


def show_as_required(form: forms.BaseForm, *names: str) -> None:
    """No "(optional)" after these fields' labels: the form requires them in some cases, and
    its clean() says so (their hints say when)."""
    for name in names:
        form.fields[name].shown_as_required = True  # type: ignore[attr-defined]


def text_errors(label: str, limit: int, required: str | None = None) -> dict[str, str]:
    """A text field's messages: `required` when it is empty, and its longest length."""
    messages = {"max_length": f"{label} must be {limit:,} characters or fewer."}
    if required:
        messages["required"] = required
    return messages


EMAIL_ERRORS = {
    "required": "Enter your e-mail address.",
    "invalid": "Enter an e-mail address in the correct format, like name@example.org.",
    "max_length": "Your e-mail address must be 254 characters or fewer.",
}
NAME_ERRORS = text_errors("Your name", 150, "Enter your name.")


class HoneypotMixin(forms.Form):
    """A field hidden from people by CSS; a bot that fills it in is thanked and ignored."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_as_required(self, "website")  # its label is the whole of what it says

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def data_without_honeypot(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "website"}


def honeypot_layout() -> Div:
    """The honeypot's place in a crispy layout: off-screen and hidden from screen readers."""
    return Div("website", css_class="hp-field", aria_hidden="true")


def privacy_note(section: str) -> HTML:
    """Beside a form's consent, or its send button: a link to what /privacy/ says this form
    keeps, why and for how long (`section`: the anchor there, e.g. "pool")."""
    return HTML(
        '<p class="form-text privacy-note">What we keep, why and for how long: '
        f"<a href=\"{{% url 'privacy:index' %}}#{section}\">privacy and your data</a>.</p>"
    )


def log_honeypot(request: HttpRequest, form_name: str) -> None:
    security_event("spam.honeypot", request, form=form_name)


# The per-address limit -----------------------------------------------------------------------
#
# A public form's view is wrapped in `form_ratelimit`, which counts POSTs but blocks none; the
# view asks `sent_too_often(request, form)` before it does anything with a POST and, when it is
# told yes, saves nothing and draws the same form with `render_form`: bound to what was typed,
# the reason at the top of the error summary, status 429 and a Retry-After header.


def form_rate(group: str, request: HttpRequest) -> str:
    """POSTs allowed per address on a public form (shared cache; see RATELIMIT_FORM_RATE)."""
    return settings.RATELIMIT_FORM_RATE


def form_rate_seconds() -> int:
    """How long the limit's window is: 60 for "10/m", 300 for "10/5m", as django-ratelimit
    reads the rate. Its public API (is_ratelimited, get_usage) counts a request and does not
    parse a rate alone, so this asks the parser it counts with (tests/test_public_form_errors.py
    holds the two together)."""
    _count, seconds = split_rate(settings.RATELIMIT_FORM_RATE)
    return seconds


def _wait_words(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        return "a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = math.ceil(minutes / 60)
    if hours < 24:
        return "an hour" if hours == 1 else f"{hours} hours"
    return "a day"


def too_often_message() -> str:
    return (
        "This form has been sent too many times from your connection, so nothing was saved. "
        f"Wait {_wait_words(form_rate_seconds())}, then send it again: what you typed is "
        "still here."
    )


form_ratelimit: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]] = ratelimit(
    key="ip", rate=form_rate, method="POST", block=False
)


def is_limited(request: HttpRequest) -> bool:
    return request.method == "POST" and bool(getattr(request, "limited", False))


def sent_too_often(request: HttpRequest, form: forms.BaseForm) -> bool:
    """Is this POST past the form's limit? If so the form says why (first in its error
    summary) and the hit is logged; the view must then save nothing and `render_form`."""
    if not is_limited(request):
        return False
    security_event("ratelimit.hit", request)
    form.add_error(None, ValidationError(too_often_message(), code="rate_limited"))
    return True


def retry_after(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(form_rate_seconds())
    return response


def render_form(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Draw a public form's page: a 429 with Retry-After when the POST was one too many."""
    if is_limited(request):
        return retry_after(render(request, template, context, status=429))
    return render(request, template, context, status=status)
