"""The two forms of the privacy pages: ask for a link to your data, and confirm an erasure."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from common.forms import EMAIL_ERRORS, HoneypotMixin, honeypot_layout


class AccessLinkForm(HoneypotMixin, forms.Form):
    """Someone without an account asks for a link to what is held about an address."""

    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text="We e-mail a link to this address. Only someone who reads its mail can use it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "privacy-link-form"
        self.helper.layout = Layout(
            "email", honeypot_layout(), Submit("submit", "E-mail me a link")
        )


class EraseConfirmForm(forms.Form):
    """The last step before an erasure: the person says they understand what it does."""

    confirm = forms.BooleanField(
        label="I understand that this removes my data for good and cannot be undone.",
        error_messages={"required": "Tick the box to confirm you want your data erased."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "erase-form"
        erase = Submit("submit", "Erase my data")
        erase.field_classes = "btn btn-danger"  # it cannot be undone: not the usual blue
        self.helper.layout = Layout("confirm", erase)
