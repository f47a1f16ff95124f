"""Files on the help form, the submitter's reply and staff's reply and note.

The field is attachments' FilesField (one input that takes several files, a plain
`<input type="file" multiple>` that works without JavaScript); its clean checks each file and
raises a message that names the file and why. What the streaming upload handler refused on the
way in (too big, too many: `attachments.uploads.refused_uploads`) is shown on the same field.

A browser never sends a file twice: whenever the form comes back with a problem, the files
chosen are gone, so the field says which ones to choose again (GOV.UK error pattern: the
summary links to the field, the message names the files).
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from attachments.checks import allowed_types_text, display_name, limits_text
from attachments.forms import FilesField


def files_field(label: str = "Files", hint: str = "") -> FilesField:
    """An optional FilesField (the public forms' template adds "(optional)" to its label)."""
    return FilesField(label=label, required=False, help_text=hint)


def files_hint(lead: str = "") -> str:
    """`lead`, then which files are taken and how many (attachments' own words)."""
    return f"{lead} {allowed_types_text()}. {limits_text()}".strip()


def choose_again(names: Sequence[str]) -> str:
    """The message on a file field of a form that came back: which files to choose again."""
    if len(names) == 1:
        return f"Choose the file again ({names[0]}): files are kept only once the form is sent."
    listed = ", ".join(names)
    return f"Choose the files again ({listed}): files are kept only once the form is sent."


class AttachFilesMixin(forms.Form):
    """A form with file fields (`file_fields`): refusals of the upload handler shown on them,
    and, when the form comes back with any problem, the files to choose again.

    Pass the handler's refusals as `upload_refusals=` (the admin sets the class attribute).
    """

    file_fields: tuple[str, ...] = ("files",)
    upload_refusals: Sequence[Any] = ()

    def __init__(self, *args: Any, upload_refusals: Iterable[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if upload_refusals is not None:
            self.upload_refusals = tuple(upload_refusals)

    def _sent_file_names(self, name: str) -> list[str]:
        files = self.files.getlist(name) if hasattr(self.files, "getlist") else []
        return [display_name(file.name) for file in files if getattr(file, "name", "")]

    def _refusals_for(self, name: str) -> list[str]:
        """The handler's refusals for field `name`: those naming it, and on the first file
        field those naming no file field of this form."""
        messages = []
        for refusal in self.upload_refusals:
            field = getattr(refusal, "field_name", None)
            if field not in self.file_fields:
                field = self.file_fields[0]
            if field == name:
                messages.append(str(getattr(refusal, "message", refusal)))
        return messages

    def full_clean(self) -> None:
        super().full_clean()
        self.files_came_back()

    def form_comes_back(self) -> bool:
        """Whether the page draws this form again (a problem; a redraw or insert button)."""
        return bool(getattr(self, "_errors", None))

    def files_came_back(self) -> None:
        """Show the upload handler's refusals on their fields and, when the form comes back,
        which files to choose again. Run by full_clean; call it after drawing a form again
        without checking it."""
        if not self.is_bound or getattr(self, "_errors", None) is None:
            return
        for name in self.file_fields:
            for message in self._refusals_for(name):
                self.add_error(name, message)
        if not self.form_comes_back():
            return
        for name in self.file_fields:
            # A refused file is not to be chosen again: its message begins with its name
            # (attachments.checks and the upload handler both word them so).
            problems = [str(message) for message in self.errors.get(name, [])]
            sent = [
                file_name
                for file_name in self._sent_file_names(name)
                if not any(problem.startswith(f"{file_name} ") for problem in problems)
            ]
            if sent:
                self.add_error(name, ValidationError(choose_again(sent), code="choose_again"))
