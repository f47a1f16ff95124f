"""Public forms: find a role, raise a hand for it, join the volunteer pool.

Every message names the field and what to do, in the GOV.UK way (no "This field is required.");
fields the server does not require say "(optional)" (see common.forms).
"""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.functional import cached_property

from common.forms import (
    EMAIL_ERRORS,
    NAME_ERRORS,
    HoneypotMixin,
    honeypot_layout,
    privacy_note,
    show_as_required,
    single_line,
    text_errors,
)

from .models import POOL_CONSENT_TEXT, Area, PoolMember, RoleInterest

AREA_ERRORS = {
    "invalid_list": "Choose areas from the list.",
    "invalid_choice": "Choose areas from the list.",
    "invalid_pk_value": "Choose areas from the list.",
}
FREQUENCY_ERRORS = {
    "required": "Choose what you would like to hear about.",
    "invalid_choice": "Choose what you would like to hear about.",
}


class RoleFilterForm(forms.Form):
    """The search box and area filter above the role list (a GET form)."""

    q = forms.CharField(
        label="Search roles",
        required=False,
        max_length=100,
        error_messages=text_errors("A search", 100),
    )
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="All areas",
        error_messages={"invalid_choice": "There is no such area; showing every area instead."},
    )


class RoleInterestForm(HoneypotMixin, forms.ModelForm):
    """“I'm interested”: who you are and when you could help."""

    class Meta:
        model = RoleInterest
        fields = ["name", "email", "availability", "message"]
        labels = {
            "name": "Your name",
            "email": "Your e-mail address",
            "availability": "When could you help?",
            "message": "Anything you would like us to know",
        }
        help_texts = {
            "availability": "For example “2 hours a week, evenings in UTC+1, from March”.",
            "message": "Your experience, questions, or why this role appeals to you.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "name": NAME_ERRORS,
            "email": EMAIL_ERRORS,
            "availability": text_errors("When you could help", 200, "Tell us when you could help."),
            "message": text_errors("Your message", 5_000),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        message = self.fields["message"]
        message.widget.attrs["maxlength"] = "5000"
        message.validators.append(MaxLengthValidator(5_000))

    @cached_property
    def helper(self) -> FormHelper:
        """The crispy layout, built only when the form is drawn (not on a cached drawing)."""
        helper = FormHelper()
        helper.form_id = "interest-form"
        helper.layout = Layout(
            "name",
            "email",
            "availability",
            "message",
            honeypot_layout(),
            privacy_note("interests"),
            Submit("submit", "I'm interested"),
        )
        return helper

    def clean_name(self) -> str:
        return single_line(self.cleaned_data["name"], "Your name")

    def clean_availability(self) -> str:
        return single_line(self.cleaned_data["availability"], "Your availability")


class PoolJoinForm(HoneypotMixin, forms.Form):
    """Join the volunteer pool: who you are, what interests you, and your explicit consent.

    A plain Form, not a ModelForm: model validation would report an address already in the pool.
    """

    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )
    name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages=NAME_ERRORS,
    )
    interests = forms.ModelMultipleChoiceField(
        label="What would you like to help with?",
        queryset=Area.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick any that apply; leave all empty if you are open to anything.",
        error_messages=AREA_ERRORS,
    )
    skills = forms.CharField(
        label="Your skills and experience",
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Languages, tools, things you have done. A few lines is plenty.",
        error_messages=text_errors("Your skills and experience", 2_000),
    )
    frequency = forms.ChoiceField(
        label="What would you like to hear about?",
        choices=PoolMember.Frequency,
        initial=PoolMember.Frequency.WEEKLY,
        required=False,  # the weekly summary, unless another is chosen
        widget=forms.RadioSelect,
        help_text="You can change this, or your areas, from any e-mail we send you.",
        error_messages=FREQUENCY_ERRORS,
    )
    consent = forms.BooleanField(
        label=POOL_CONSENT_TEXT,
        error_messages={"required": "Please tick the box: we only e-mail people who agree to it."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_as_required(self, "frequency")  # one is always chosen: the weekly summary at first

    @cached_property
    def helper(self) -> FormHelper:
        """The crispy layout, built only when the form is drawn (not on a cached drawing)."""
        helper = FormHelper()
        helper.form_id = "pool-join-form"
        helper.layout = Layout(
            "email",
            "name",
            "interests",
            "frequency",
            "skills",
            "consent",
            privacy_note("pool"),
            honeypot_layout(),
            Submit("submit", "Join the volunteer pool"),
        )
        return helper

    def clean_name(self) -> str:
        return single_line(self.cleaned_data["name"], "Your name")

    def clean_frequency(self) -> str:
        return self.cleaned_data["frequency"] or PoolMember.Frequency.WEEKLY


class PoolPreferencesForm(forms.Form):
    """A member's own choices, from the link in every pool e-mail."""

    frequency = forms.ChoiceField(
        label="What would you like to hear about?",
        choices=PoolMember.Frequency,
        widget=forms.RadioSelect,
        error_messages=FREQUENCY_ERRORS,
    )
    interests = forms.ModelMultipleChoiceField(
        label="Your areas",
        queryset=Area.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="New roles in these areas are the ones we tell you about. Leave all empty if "
        "you are open to anything.",
        error_messages=AREA_ERRORS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "pool-preferences-form"
        self.helper.layout = Layout(
            "frequency",
            "interests",
            HTML('<p class="small text-muted" id="preferences-consent">{{ consent_text }}</p>'),
            privacy_note("pool"),
            Submit("submit", "Save my choices"),
        )
