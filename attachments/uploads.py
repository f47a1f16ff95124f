"""The attachment limits, enforced while an upload streams (README, "Attachments' limits").

`UploadLimitsHandler` is first in FILE_UPLOAD_HANDLERS, ahead of Django's own, so it sees each
chunk before Django's handlers keep it (a big file still goes to a temporary file, never to
memory). It refuses, and records on the request which file and why:

- a body whose Content-Length is over ATTACHMENT_MAX_TOTAL_MB plus `FORM_ALLOWANCE`: only the
  form's fields ahead of the first file are read (at most `FORM_ALLOWANCE` bytes), no file is
  kept, and the rest of the body is never read (StopUpload with connection_reset: Django does not
  drain it, and gunicorn answers, then lingers a moment and closes);
- a file over ATTACHMENT_MAX_FILE_MB, a file that would take the request past
  ATTACHMENT_MAX_TOTAL_MB, or a file after the ATTACHMENT_MAX_FILES-th: that file is dropped
  (SkipFile) and the rest of the form is still parsed.

The pages show `refused_uploads(request)` in their error summary; attachments/checks.py checks
the files that were kept (types, sizes) again.
"""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import MultiValueDict

MB = 1024 * 1024
# Room for the form's other fields and the multipart framing on top of the files' total.
# deploy/Caddyfile's request_body limit is ATTACHMENT_MAX_TOTAL_MB plus this.
FORM_ALLOWANCE = 1 * MB

_REFUSALS = "_attachment_refusals"


def refused_uploads(request: HttpRequest) -> list[str]:
    """What the upload limits refused in this request, one message per file (or per body)."""
    return list(getattr(request, _REFUSALS, []))


def body_limit() -> int:
    """The largest request body read in full: the files' total plus the form's allowance."""
    return settings.ATTACHMENT_MAX_TOTAL_MB * MB + FORM_ALLOWANCE


def _refuse(request: HttpRequest | None, message: str) -> None:
    if request is None:
        return
    refusals = getattr(request, _REFUSALS, None)
    if refusals is None:
        refusals = []
        setattr(request, _REFUSALS, refusals)
    if message not in refusals:
        refusals.append(message)


def _total_message() -> str:
    return (
        f"Your files came to more than {settings.ATTACHMENT_MAX_TOTAL_MB} MB together; "
        "send fewer or smaller files."
    )


class _FieldsOnlyHandler(FileUploadHandler):
    """Stops the parse at the first file's first bytes: the fields ahead of it are kept."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        raise StopUpload(connection_reset=True)

    def file_complete(self, file_size: int) -> None:
        return None


class UploadLimitsHandler(FileUploadHandler):
    """Drops a file past its limit as it streams, and cuts off a body far over the total."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.max_file = settings.ATTACHMENT_MAX_FILE_MB * MB
        self.max_total = settings.ATTACHMENT_MAX_TOTAL_MB * MB
        self.max_files = settings.ATTACHMENT_MAX_FILES
        self.kept_files = 0
        self.kept_bytes = 0
        self.file_bytes = 0
        self.refusal = ""  # why the current file is dropped, decided before its first byte

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict] | None:
        if content_length <= body_limit():
            return None
        _refuse(self.request, _total_message())
        # Parse the fields (the CSRF token, what was typed) from the first FORM_ALLOWANCE bytes
        # at most, up to the first file; the rest is never read.
        parser = MultiPartParser(
            META,
            LimitedStream(input_data, FORM_ALLOWANCE),
            [_FieldsOnlyHandler(self.request)],
            encoding,
        )
        post, _none_kept = parser.parse()
        return post, MultiValueDict()

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.file_bytes = 0
        self.refusal = ""
        if self.kept_files >= self.max_files:
            self.refusal = (
                f"{file_name} was not sent: you can send up to {self.max_files} files at a time."
            )
        elif self.content_length is not None and self.content_length > self.max_file:
            self.refusal = self._too_big()
        # The refusal is raised with the first chunk, once Django's handlers have opened this
        # file: SkipFile here would make Django close the previous file, already kept.

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.file_bytes += len(raw_data)
        if not self.refusal:
            if self.file_bytes > self.max_file:
                self.refusal = self._too_big()
            elif self.kept_bytes + self.file_bytes > self.max_total:
                self.refusal = _total_message()
        if self.refusal:
            _refuse(self.request, self.refusal)
            raise SkipFile(self.refusal)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        # Only files that were not skipped get here; Django's handlers return the file itself.
        self.kept_files += 1
        self.kept_bytes += file_size
        return None

    def _too_big(self) -> str:
        return f"{self.file_name} is over {settings.ATTACHMENT_MAX_FILE_MB} MB."
