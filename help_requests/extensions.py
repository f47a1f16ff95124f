"""Where an app above help requests plugs in, from its own AppConfig.ready().

help_requests imports none of the apps that use these (funding is the one today):

- a form section (`FormSection`): fields, checks and a part of the layout of the public help
  form, as a form mixin (`SectionFields`), with the service that saves a request when the
  section applies (funding_request_submit, which calls help_request_submit in its own
  transaction);
- a status part (`StatusPart`): what the submitter's status page shows of it, above "What
  happens next" and inside "What you sent".
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from crispy_forms.layout import LayoutObject
from django import forms

from .models import HelpRequest


class SectionFields(forms.Form):
    """The fields and checks of a form section: a mixin of the help form's class, placed before
    the request's own details. The help form calls each section's methods through its class,
    so every section keeps its own (several may be mixed in).

    `self.redraw` is set before the sections' __init__ run: True when the form was sent by one
    of the sections' `redraw_button`s, to be drawn again as typed, unchecked.
    """

    redraw: bool
    redraw_button = ""  # the name of a submit button that draws the form again, unchecked
    stylesheet = ""  # a static file the form's page links
    script = ""  # a static file the form's page runs (deferred)
    files_hint = ""  # what to attach for this section, added to the files field's hint

    def section_ready(self) -> None:
        """Last step of the form's __init__, once every field is in place."""

    def section_field_names(self) -> list[str]:
        """The section's fields in the page's order (which the error summary follows)."""
        return []

    def section_layout(self) -> LayoutObject | None:
        """The section's part of the form's crispy layout, after the form's own fieldsets."""
        return None

    def section_applies(self) -> bool:
        """Whether what was sent (cleaned_data) asks for this section."""
        return False

    def section_clean(self) -> None:
        """Check the section, from the form's clean(), when it applies."""

    def section_drop(self) -> None:
        """Forget what was typed in the section, from the form's clean(), when it does not."""

    def section_redraw(self) -> None:
        """Get ready to draw the form again as typed, unchecked (after a redraw button)."""

    def section_submission(self) -> dict[str, Any]:
        """The section's arguments to its submit service, from a valid form."""
        return {}


@dataclass(frozen=True)
class FormSection:
    """A part of the public help form that another app adds."""

    fields: type[SectionFields]
    # Saves the request in place of help_request_submit when the section applies: called with
    # help_request_submit's arguments and the section's submission.
    submit: Callable[..., HelpRequest]


@dataclass(frozen=True)
class StatusPart:
    """A part of the submitter's status page that another app draws.

    `load(help_request=...)` gives the part's data, or None to draw nothing; the page has the
    data under `name` while it draws `template` (above "What happens next") and `sent_template`
    (inside the <dl> of "What you sent", where a request with an amount and no part says what
    was asked).
    """

    name: str
    load: Callable[..., Any]
    template: str
    sent_template: str = ""
    stylesheet: str = ""  # a static file the page links when the part is drawn
    data: Any = None

    def loaded(self, *, help_request: HelpRequest) -> "StatusPart | None":
        data = self.load(help_request=help_request)
        return None if data is None else replace(self, data=data)


_form_sections: list[FormSection] = []
_status_parts: list[StatusPart] = []


def form_section_register(section: FormSection) -> None:
    """Add a section to the help form (once, however often ready() runs)."""
    if section not in _form_sections:
        _form_sections.append(section)


def form_sections() -> tuple[FormSection, ...]:
    return tuple(_form_sections)


def status_part_register(part: StatusPart) -> None:
    """Add a part to the status page (once, however often ready() runs)."""
    if part not in _status_parts:
        _status_parts.append(part)


def status_parts(*, help_request: HelpRequest) -> list[StatusPart]:
    """The parts the status page of `help_request` draws, each with its data."""
    loaded = (part.loaded(help_request=help_request) for part in _status_parts)
    return [part for part in loaded if part is not None]
