"""The public help-request form and the submitter's reply and correction forms.

Every message names the field and what to do, in the GOV.UK way (no "This field is required.");
fields the server does not always require say "(optional)" (see common.forms).
"""

import functools
import types
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, LayoutObject, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
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

from .extensions import FormSection, SectionFields, form_sections
from .fields import LinksField, WrittenDateField, date_example
from .form_files import AttachFilesMixin, files_field, files_hint
from .models import HelpKind, HelpRequest


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


class HelpRequestFormFields(AttachFilesMixin, HoneypotMixin, forms.ModelForm):
    """Ask the PSF for help, or make a suggestion (which needs only a title and text).

    The help form's own fields and checks (and the honeypot): help_request_form_class() puts
    them together with the sections other apps add (help_requests.extensions: funding adds an
    itemised budget and the PSF's checks) and the request's details.
    """

    sections: tuple[FormSection, ...] = ()

    # The page's order, which the error summary follows (the sections' parts come last).
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
    files = files_field("Choose files to send")  # type: ignore[assignment]  # the field, not BaseForm.files (data)

    FILES_LEAD = "Anything that helps us understand your request, such as a letter or a plan."

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

    def __init__(self, *args: Any, redraw: bool = False, **kwargs: Any) -> None:
        self.redraw = redraw
        super().__init__(*args, **kwargs)
        names = [
            name for s in self.sections for name in s.fields.section_field_names(_as_section(self))
        ]
        # The files come last, after the sections' parts (funding's budget), as on the page.
        self.order_fields([*self.field_order, *names, "files"])
        leads = [self.FILES_LEAD, *(s.fields.files_hint for s in self.sections)]
        self.fields["files"].help_text = files_hint(" ".join(filter(None, leads)))
        area = cast(forms.ChoiceField, self.fields["area"])
        area.choices = [("", "Choose an area"), *HelpRequest.Area.choices]
        # Required for a request (clean() says so), not for a suggestion: their hints say which.
        show_as_required(self, "name", "email", "area", "kinds")
        for section in self.sections:
            section.fields.section_ready(_as_section(self))

    @property
    def section_stylesheets(self) -> list[str]:
        return [s.fields.stylesheet for s in self.sections if s.fields.stylesheet]

    @property
    def section_scripts(self) -> list[str]:
        return [s.fields.script for s in self.sections if s.fields.script]

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
            *self._section_layouts(),
            Fieldset("Files", "files"),
            honeypot_layout(),
            privacy_note("help-requests"),
            Submit("submit", "Send to the PSF", css_class="btn-lg"),
        )
        return helper

    def _section_layouts(self) -> list[LayoutObject]:
        layouts = (s.fields.section_layout(_as_section(self)) for s in self.sections)
        return [layout for layout in layouts if layout is not None]

    @property
    def applying_section(self) -> FormSection | None:
        """The first section that what was sent asks for (it saves the request), if any."""
        return next((s for s in self.sections if s.fields.section_applies(_as_section(self))), None)

    def redraw_only(self) -> None:
        """Draw the form again as typed, without checking it (after a redraw button)."""
        for section in self.sections:
            section.fields.section_redraw(_as_section(self))

    def section_submission(self, section: FormSection) -> dict[str, Any]:
        """What `section`'s submit takes besides help_request_submission(), from a valid form."""
        return section.fields.section_submission(_as_section(self))

    def help_request_submission(self) -> dict[str, Any]:
        """What help_request_submit takes (a section's submit too, with the section's part)."""
        data = self.cleaned_data
        names = ("type", "title", "description", "name", "email", "organisation", "area")
        fields = {name: data.get(name, "") for name in names}
        return {
            **fields,
            "kinds": data.get("kinds") or [],
            "needed_by": data.get("needed_by"),
            "links": data.get("links", ""),
            "files": data.get("files") or [],
        }

    def form_comes_back(self) -> bool:
        return self.redraw or super().form_comes_back()

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
        applying = self.applying_section
        for section in self.sections:
            if section == applying:
                section.fields.section_clean(_as_section(self))
            else:
                # A section's details only make sense when what was sent asks for it.
                section.fields.section_drop(_as_section(self))
        if data.get("type") == HelpRequest.Type.SUGGESTION:
            data["kinds"], data["area"] = [], ""
            # A suggestion has no area, kinds or deadline: what was typed there is ignored.
            for field in ("area", "kinds"):
                self.errors.pop(field, None)
        return data


def help_request_form_class() -> type[HelpRequestFormFields]:
    """The public help form: its own fields and the honeypot, the sections other apps
    registered (help_requests.extensions), then the request's details."""
    return _help_request_form_class(form_sections())


@functools.cache
def _help_request_form_class(sections: tuple[FormSection, ...]) -> type[HelpRequestFormFields]:
    bases = (HelpRequestFormFields, *(section.fields for section in sections), RequestDetailsForm)
    attributes = {"__module__": __name__, "__qualname__": "HelpRequestForm", "sections": sections}
    form_class = types.new_class(
        "HelpRequestForm", bases, exec_body=lambda ns: ns.update(attributes)
    )
    return cast(type[HelpRequestFormFields], form_class)


def _as_section(form: forms.BaseForm) -> SectionFields:
    """The help form as one of its sections: its class has each section's fields as a base."""
    return cast(SectionFields, form)


STATUS_FILES_LEAD = "The document we asked for, or anything else that helps."


class ReplyForm(AttachFilesMixin, forms.Form):
    """The submitter's reply on their status page, with any files."""

    body = forms.CharField(
        label="Your reply",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=text_errors("Your reply", 10_000, "Write your reply."),
    )
    files = files_field()  # type: ignore[assignment]  # the field, not BaseForm.files (data)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = files_hint(STATUS_FILES_LEAD)
        self.helper = FormHelper()
        self.helper.form_id = "reply-form"
        self.helper.add_input(Submit("submit", "Send reply"))


class CorrectionForm(AttachFilesMixin, RequestDetailsForm):
    """While staff wait on the submitter: answer their question and correct the request in place."""

    field_order = ["body", "files"]  # the page's order, which the error summary follows

    body = forms.CharField(
        label="Your answer",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=text_errors("Your answer", 10_000, "Write your answer to our question."),
    )
    files = files_field()  # type: ignore[assignment]  # the field, not BaseForm.files (data)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = files_hint(STATUS_FILES_LEAD)
        self.helper = FormHelper()
        self.helper.form_id = "correction-form"
        self.helper.layout = Layout(
            "body",
            "files",
            Fieldset("Correct your request", *HelpRequest.SUBMITTER_EDITABLE),
            Submit("submit", "Send answer"),
        )
