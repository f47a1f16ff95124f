"""The file input every form with attachments uses: several files, no JavaScript needed."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .checks import CheckedFile, accept_attribute, allowed_types_text, check_files, limits_text


class MultipleFilesInput(forms.ClearableFileInput):
    """<input type="file" multiple>: the browser's own picker takes several files at once."""

    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files, checked by check_files; cleans to a list of CheckedFile ([] when none).

    The accept attribute only helps the browser's picker: the content decides (checks.py).
    The form must be sent as multipart/form-data.
    """

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFilesInput(attrs={"accept": accept_attribute()}))
        kwargs.setdefault("help_text", f"{allowed_types_text()}. {limits_text()}")
        kwargs.setdefault("label", "Files")
        super().__init__(required=required, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:  # type: ignore[override]
        if isinstance(data, (list, tuple)):
            uploads = [item for item in data if isinstance(item, UploadedFile)]
        elif isinstance(data, UploadedFile):
            uploads = [data]
        else:
            uploads = []
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return check_files(uploads)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data)
