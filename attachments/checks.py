"""What a file must be to be kept: an allowed type (from its content), within the limits.

The type is decided by libmagic (python-magic) from the bytes, never from the name or the
browser's Content-Type. Office files are ZIP containers checked from their table of contents
(containers.py); images are saved again without their metadata (images.py). The limits are the
ATTACHMENT_* settings (docs/architecture.md, "Settings").
"""

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from .containers import CONTAINER_TYPES, ContainerRefused, check_container
from .images import IMAGE_TYPES, ImageRefused, without_metadata

# Detected type -> the word people know it by. The order is the order messages list them in.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "text/plain": "plain text",
    "text/csv": "CSV",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}
# The names each type is saved under; the first is used when the given name has none of them.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
}
MB = 1024 * 1024
# Read into memory for libmagic when the upload is not in a file on disk already. libmagic's
# own rules look at most this far in (its "bytes_max"): more would change nothing.
MAGIC_BYTES = 7 * MB
CHUNK = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, ready for attachments_add to keep."""

    name: str  # as sent, cleaned for display; never a path
    mime_type: str  # decided from the content
    size: int  # of the bytes kept (an image's may differ from the upload)
    sha256: str  # of the bytes kept
    content: File


def allowed_types_text() -> str:
    """'PDF, PNG, ... or XLSX', for messages and help texts."""
    labels = list(ALLOWED_TYPES.values())
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def accept_attribute() -> str:
    """The file input's accept="...": a hint for the browser's picker, never a check."""
    return ",".join(extension for names in EXTENSIONS.values() for extension in names)


def limits_text() -> str:
    return (
        f"Up to {settings.ATTACHMENT_MAX_FILES} files, {settings.ATTACHMENT_MAX_FILE_MB} MB "
        f"each and {settings.ATTACHMENT_MAX_TOTAL_MB} MB in all."
    )


def display_name(name: str | None) -> str:
    """The name as sent, for display: no folders, no control or direction-changing characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    return name.strip()[:255] or "file"


def check_files(files: Sequence[UploadedFile]) -> list[CheckedFile]:
    """The files, checked and ready to keep; ValidationError, one message per refused file.

    Nothing is written anywhere: refusing a file needs no clean-up.
    """
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            f"You can attach up to {settings.ATTACHMENT_MAX_FILES} files; you chose {len(files)}.",
            code="too_many_files",
        )
    errors: list[ValidationError] = []
    checked: list[CheckedFile] = []
    for upload in files:
        try:
            checked.append(_check_one(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    total = sum(upload.size or 0 for upload in files)
    if total > settings.ATTACHMENT_MAX_TOTAL_MB * MB:
        raise ValidationError(
            f"The files come to {filesizeformat(total)} together; you can send up to "
            f"{settings.ATTACHMENT_MAX_TOTAL_MB} MB at a time.",
            code="too_big_in_all",
        )
    return checked


def _check_one(upload: UploadedFile) -> CheckedFile:
    name = display_name(upload.name)
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"{name} is empty.", code="empty")
    if size > settings.ATTACHMENT_MAX_FILE_MB * MB:
        raise ValidationError(
            f"{name} is {filesizeformat(size)}; a file can be up to "
            f"{settings.ATTACHMENT_MAX_FILE_MB} MB.",
            code="too_big",
        )
    mime_type = detected_type(upload)
    if mime_type not in ALLOWED_TYPES:
        raise ValidationError(
            f"{name} is not a file type we accept. Send {allowed_types_text()}.",
            code="type",
        )
    content: File = upload
    try:
        if mime_type in CONTAINER_TYPES:
            check_container(upload, mime_type, size)
        elif mime_type in IMAGE_TYPES:
            content = ContentFile(without_metadata(upload, mime_type))
    except (ContainerRefused, ImageRefused) as why:
        raise ValidationError(f"{name} {why}.", code="refused") from why
    kept_size, sha256 = _size_and_sha256(content)
    return CheckedFile(
        name=name, mime_type=mime_type, size=kept_size, sha256=sha256, content=content
    )


def detected_type(upload: UploadedFile) -> str:
    """The MIME type libmagic reads in the content (the name and Content-Type are ignored)."""
    path = _path_on_disk(upload)
    if path is not None:
        return str(magic.from_file(path, mime=True))
    upload.seek(0)
    head = upload.read(MAGIC_BYTES)
    upload.seek(0)
    return str(magic.from_buffer(head, mime=True))


def _path_on_disk(upload: UploadedFile) -> str | None:
    temporary_file_path = getattr(upload, "temporary_file_path", None)
    return temporary_file_path() if callable(temporary_file_path) else None


def _size_and_sha256(content: File) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    content.seek(0)
    for chunk in content.chunks(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    content.seek(0)
    return size, digest.hexdigest()
