"""The public help-request form and the submitter's reply and correction forms."""

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils import timezone

from common.forms import HoneypotMixin, honeypot_layout, single_line

from .models import HelpKind, HelpRequest

CURRENCIES = [
    ("", "Choose a currency"),
    ("USD", "USD – US dollar"),
    ("EUR", "EUR – Euro"),
    ("GBP", "GBP – Pound sterling"),
    ("CAD", "CAD – Canadian dollar"),
    ("AUD", "AUD – Australian dollar"),
    ("INR", "INR – Indian rupee"),
    ("BRL", "BRL – Brazilian real"),
    ("NGN", "NGN – Nigerian naira"),
    ("KES", "KES – Kenyan shilling"),
    ("JPY", "JPY – Japanese yen"),
]
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


class RequestDetailsForm(forms.ModelForm):
    """Fields and checks shared by the new-request form and the submitter's correction form."""

    currency = forms.ChoiceField(choices=CURRENCIES, required=False)
    needed_by = forms.DateField(
        label="Needed by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty if there is no deadline.",
    )
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
            "amount": "How much funding do you need?",
        }
        help_texts = {
            "organisation": "Optional: the project, conference, user group or team you ask for.",
            "description": "What you are doing, what you need, and what difference it will make.",
            "amount": "Funding helps bootstrap a resource that then sustains itself.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        description = cast(forms.CharField, self.fields["description"])
        description.max_length = 10_000
        description.validators.append(MaxLengthValidator(10_000))
        self.fields["amount"].widget.attrs.update(min="1", step="0.01")

    def clean_organisation(self) -> str:
        return single_line(self.cleaned_data["organisation"], "Organisation")

    def clean_title(self) -> str:
        return single_line(self.cleaned_data["title"], "The title")

    def clean_needed_by(self) -> Any:
        needed_by = self.cleaned_data["needed_by"]
        if needed_by and needed_by < timezone.localdate():
            raise ValidationError("This date is in the past.")
        return needed_by

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise ValidationError("The amount must be more than zero.")
        return amount


class HelpRequestForm(HoneypotMixin, RequestDetailsForm):
    """Ask the PSF for help, or make a suggestion (which needs only a title and text)."""

    type = forms.ChoiceField(
        label="What would you like to do?",
        choices=HelpRequest.Type.choices,
        widget=forms.RadioSelect,
        initial=HelpRequest.Type.HELP,
    )
    kinds = forms.ModelMultipleChoiceField(
        label="What kind of help do you need?",
        queryset=HelpKind.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick every kind that applies.",
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = cast(forms.ChoiceField, self.fields["area"])
        area.choices = [("", "Choose an area"), *HelpRequest.Area.choices]
        self.helper = FormHelper()
        self.helper.form_id = "help-request-form"
        self.helper.layout = Layout(
            Fieldset("Your request", "type", "title", "description"),
            Fieldset("About you", "name", "email", "organisation"),
            Fieldset("What you need", "area", "kinds", "needed_by", "links", data_help_only="true"),
            Div(
                Fieldset(
                    "Funding",
                    HTML(
                        '<p class="form-text">Only if you ticked <strong>Funding</strong> above.'
                        "</p>"
                    ),
                    "amount",
                    "currency",
                ),
                css_id="funding-fields",
            ),
            honeypot_layout(),
            Submit("submit", "Send to the PSF", css_class="btn-lg"),
        )

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
        kinds = data.get("kinds") or []
        wants_funding = any(kind.code == "funding" for kind in kinds)
        if data.get("type") == HelpRequest.Type.HELP and wants_funding:
            if "amount" not in self.errors and data.get("amount") is None:
                self.add_error("amount", "Tell us how much funding you need.")
            if not data.get("currency"):
                self.add_error("currency", "Choose the currency of the amount.")
        else:
            # Funding details only make sense with a funding request.
            data["amount"], data["currency"] = None, ""
            self.errors.pop("amount", None)
        if data.get("type") == HelpRequest.Type.SUGGESTION:
            data["kinds"], data["area"] = [], ""
        return data


class ReplyForm(forms.Form):
    """The submitter's reply on their status page."""

    body = forms.CharField(
        label="Your reply",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "reply-form"
        self.helper.add_input(Submit("submit", "Send reply"))


class CorrectionForm(RequestDetailsForm):
    """While staff wait on the submitter: answer their question and correct the request in place."""

    body = forms.CharField(
        label="Your answer",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
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
