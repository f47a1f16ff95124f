"""The public help-request form and the submitter's reply and correction forms.

Every message names the field and what to do, in the GOV.UK way (no "This field is required.");
fields the server does not always require say "(optional)" (see common.forms).
"""

import re
from datetime import date
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils import timezone
from django.utils.functional import cached_property

from common.forms import (
    EMAIL_ERRORS,
    HoneypotMixin,
    honeypot_layout,
    privacy_note,
    show_as_required,
    single_line,
    text_errors,
)
from funding.forms import FundingFieldsMixin

from .models import HelpKind, HelpRequest

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


class RequestDetailsForm(forms.ModelForm):
    """Fields and checks shared by the new-request form and the submitter's correction form."""

    needed_by = WrittenDateField(label="Needed by", required=False)
    links = LinksField(
        required=False,
        help_text="Your project, event page or repository: one address per line.",
    )

    class Meta:
        model = HelpRequest
        fields = list(HelpRequest.SUBMITTER_EDITABLE)
        labels = {
            "title": "A short title",
            "description": "Tell us more",
            "organisation": "Organisation or project",
        }
        help_texts = {
            "organisation": "The project, conference, user group or team you ask for.",
            "description": "What you are doing, what you need, and what difference it will make.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }
        error_messages = {
            "title": text_errors("The title", 200, "Enter a short title."),
            "description": text_errors(
                "Tell us more", 10_000, "Tell us more about your request or suggestion."
            ),
            "organisation": text_errors("The organisation or project", 200),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        description = cast(forms.CharField, self.fields["description"])
        description.max_length = 10_000
        description.validators.append(MaxLengthValidator(10_000))
        example = date_example()
        needed_by = self.fields["needed_by"]
        needed_by.help_text = f"For example, {example}. Leave it empty if there is no deadline."
        needed_by.error_messages["invalid"] = (
            f"Enter the date as a day, month and year, like {example}."
        )

    def clean_organisation(self) -> str:
        return single_line(self.cleaned_data["organisation"], "Organisation")

    def clean_title(self) -> str:
        return single_line(self.cleaned_data["title"], "The title")

    def clean_needed_by(self) -> Any:
        needed_by = self.cleaned_data["needed_by"]
        if needed_by and needed_by < timezone.localdate():
            raise ValidationError("This date is in the past.")
        return needed_by


class HelpRequestForm(HoneypotMixin, FundingFieldsMixin, RequestDetailsForm):
    """Ask the PSF for help, or make a suggestion (which needs only a title and text).

    Asking for funding adds an itemised budget and the PSF's checks (funding.forms).
    """

    # The page's order, which the error summary follows (the funding part comes last).
    field_order = [
        "type",
        "title",
        "description",
        "name",
        "email",
        "organisation",
        "area",
        "kinds",
        "needed_by",
        "links",
    ]

    type = forms.ChoiceField(
        label="What would you like to do?",
        choices=HelpRequest.Type.choices,
        widget=forms.RadioSelect,
        initial=HelpRequest.Type.HELP,
        error_messages={
            "required": "Choose whether you need help or have a suggestion.",
            "invalid_choice": "Choose whether you need help or have a suggestion.",
        },
    )
    kinds = forms.ModelMultipleChoiceField(
        label="What kind of help do you need?",
        queryset=HelpKind.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick every kind that applies.",
        error_messages={
            "invalid_list": "Choose kinds of help from the list.",
            "invalid_choice": "Choose kinds of help from the list.",
            "invalid_pk_value": "Choose kinds of help from the list.",
        },
    )

    class Meta(RequestDetailsForm.Meta):
        fields = ["type", "name", "email", "area", "kinds", *HelpRequest.SUBMITTER_EDITABLE]
        labels = {
            **RequestDetailsForm.Meta.labels,
            "name": "Your name",
            "email": "Your e-mail address",
            "area": "Which part of the community is this for?",
        }
        help_texts = {
            **RequestDetailsForm.Meta.help_texts,
            "name": "Required when you ask for help; optional for a suggestion.",
            "email": "We send your receipt and our answers here. Optional for a suggestion.",
        }
        widgets = {
            **RequestDetailsForm.Meta.widgets,
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        }
        error_messages = {
            **RequestDetailsForm.Meta.error_messages,
            "name": text_errors("Your name", 150),
            "email": {k: v for k, v in EMAIL_ERRORS.items() if k != "required"},
            "area": {"invalid_choice": "Choose an area from the list."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields([*self.field_order, *self.funding_field_names()])
        area = cast(forms.ChoiceField, self.fields["area"])
        area.choices = [("", "Choose an area"), *HelpRequest.Area.choices]
        # Required for a request (clean() says so), not for a suggestion: their hints say which.
        show_as_required(self, "name", "email", "area", "kinds", "needed_by")
        self.fields["needed_by"].help_text = (
            f"For example, {date_example()}. Required when you ask for funding: "
            f"{self.notice_hint}. Otherwise leave it empty if there is no deadline."
        )

    @cached_property
    def helper(self) -> FormHelper:
        """The crispy layout, built only when the form is drawn (not on a cached drawing)."""
        helper = FormHelper()
        helper.form_id = "help-request-form"
        helper.layout = Layout(
            # Enter in a text box sends the form (the first submit button), not "Add another
            # line": this copy of "Send to the PSF" comes first, out of sight and of the tab order.
            HTML(
                '<button type="submit" name="submit" value="send" class="default-submit" '
                'tabindex="-1" aria-hidden="true">Send to the PSF</button>'
            ),
            Fieldset("Your request", "type", "title", "description"),
            Fieldset("About you", "name", "email", "organisation"),
            Fieldset("What you need", "area", "kinds", "needed_by", "links", data_help_only="true"),
            self.funding_layout(),
            honeypot_layout(),
            privacy_note("help-requests"),
            Submit("submit", "Send to the PSF", css_class="btn-lg"),
        )
        return helper

    @property
    def wants_funding(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        kinds = data.get("kinds") or []
        return data.get("type") == HelpRequest.Type.HELP and any(
            kind.code == "funding" for kind in kinds
        )

    def help_request_submission(self) -> dict[str, Any]:
        """What help_request_submit takes (funding_request_submit too, with the budget)."""
        data = self.cleaned_data
        names = ("type", "title", "description", "name", "email", "organisation", "area")
        fields = {name: data.get(name, "") for name in names}
        return {
            **fields,
            "kinds": data.get("kinds") or [],
            "needed_by": data.get("needed_by"),
            "links": data.get("links", ""),
        }

    def clean_name(self) -> str:
        return single_line(self.cleaned_data["name"], "Your name")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("type") == HelpRequest.Type.HELP:
            required = {
                "name": "Tell us your name, so we know who to answer.",
                "email": "We need your e-mail address to answer you.",
                "area": "Choose the area your request is about.",
                "kinds": "Tick at least one kind of help.",
            }
            for field, message in required.items():
                if field not in self.errors and not data.get(field):
                    self.add_error(field, message)
        if self.wants_funding:
            self.clean_funding()
        else:
            # Funding details only make sense with a funding request.
            self.drop_funding()
        if data.get("type") == HelpRequest.Type.SUGGESTION:
            data["kinds"], data["area"] = [], ""
            # A suggestion has no area, kinds or deadline: what was typed there is ignored.
            for field in ("area", "kinds"):
                self.errors.pop(field, None)
        return data


class ReplyForm(forms.Form):
    """The submitter's reply on their status page."""

    body = forms.CharField(
        label="Your reply",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=text_errors("Your reply", 10_000, "Write your reply."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "reply-form"
        self.helper.add_input(Submit("submit", "Send reply"))


class CorrectionForm(RequestDetailsForm):
    """While staff wait on the submitter: answer their question and correct the request in place."""

    field_order = ["body"]  # the page's order, which the error summary follows

    body = forms.CharField(
        label="Your answer",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=text_errors("Your answer", 10_000, "Write your answer to our question."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "correction-form"
        self.helper.layout = Layout(
            "body",
            Fieldset("Correct your request", *HelpRequest.SUBMITTER_EDITABLE),
            Submit("submit", "Send answer"),
        )
