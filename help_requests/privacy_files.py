"""The files of a person's requests in their export: how each is listed, where it goes in the
ZIP, and why one is left out (help_requests.privacy lists them; privacy writes the ZIP).

Only what the person's status page shows: files sent with the request and with its public
replies (theirs and staff's), never an internal note's. A file goes in the ZIP only when it may be
downloaded (Attachment.downloadable): a quarantined file, or one still being checked, is listed
with the reason it is not there.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.db.models import Q

from attachments.checks import ALLOWED_TYPES
from attachments.models import Attachment
from attachments.serving import download_name

from .models import Comment, HelpRequest

NOT_INCLUDED: dict[str, str] = {
    Attachment.ScanState.INFECTED: (
        "Not included: our virus check found something harmful in it, so it is quarantined "
        "and never handed out."
    ),
    Attachment.ScanState.PENDING: (
        "Not included yet: it is still being checked for viruses. Download your data again "
        "later to have it."
    ),
}
UNREADABLE = (
    "Not included: it could not be read from our storage. Write to psf@python.org if you need it."
)

# (owner model name, owner pk): how export_files keys the listings it returns.
OwnerRef = tuple[str, int]


@dataclass(frozen=True)
class ExportedFile:
    """One file to put in the ZIP, with its listing in the JSON (a dict of the export)."""

    path: str
    attachment: Attachment
    entry: dict[str, Any]

    def left_out(self, reason: str) -> None:
        """The file could not be read after all: the listing says so instead of a path."""
        self.entry["path"] = None
        self.entry["not_included"] = reason


def zip_segment(name: str) -> str:
    """A name that is one plain path segment in any unzip tool: no folders, no "..", no
    control characters, no characters Windows refuses; at most 120 characters."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "_", name).strip(" .")
    if len(name) > 120:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: 120 - len(suffix)] + suffix
    return name or "file"


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or "name (2).pdf", "name (3).pdf"... when a file of that name is in the folder."""
    path = PurePosixPath(name)
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{path.stem} ({n}){path.suffix}"
    taken.add(candidate.lower())
    return candidate


def _entry(attachment: Attachment, path: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": attachment.name,
        "type": ALLOWED_TYPES.get(attachment.mime_type, attachment.mime_type),
        "size_bytes": attachment.size,
        "scan_state": attachment.get_scan_state_display(),
        "sent_at": attachment.created_at,
        "path": path,
    }
    if path is None:
        entry["not_included"] = NOT_INCLUDED.get(attachment.scan_state, UNREADABLE)
    return entry


def export_files(
    requests: Sequence[HelpRequest], comments: Sequence[Comment]
) -> tuple[dict[OwnerRef, list[dict[str, Any]]], list[ExportedFile]]:
    """The listings of the files of `requests` and of `comments` (their public replies), keyed
    by ("helprequest" | "comment", pk), and the files the ZIP holds, each in a folder named by
    its request's reference. One query."""
    if not requests:
        return {}, []
    owners = Q(
        owner_type__app_label=HelpRequest._meta.app_label,
        owner_type__model=HelpRequest._meta.model_name,
        owner_id__in=[r.pk for r in requests],
    ) | Q(
        owner_type__app_label=Comment._meta.app_label,
        owner_type__model=Comment._meta.model_name,
        owner_id__in=[c.pk for c in comments],
    )
    found = Attachment.objects.filter(owners).select_related("owner_type")
    by_owner: dict[OwnerRef, list[Attachment]] = {}
    for attachment in found.order_by("created_at", "pk"):
        ref = (attachment.owner_type.model, attachment.owner_id)
        by_owner.setdefault(ref, []).append(attachment)

    listings: dict[OwnerRef, list[dict[str, Any]]] = {}
    files: list[ExportedFile] = []
    for request in requests:
        taken: set[str] = set()
        folder = zip_segment(request.reference)
        mine = [c for c in comments if c.request_id == request.pk]
        for ref in [("helprequest", request.pk), *(("comment", c.pk) for c in mine)]:
            for attachment in by_owner.get(ref, []):
                path = None
                if attachment.downloadable:
                    path = f"{folder}/{_unique(zip_segment(download_name(attachment)), taken)}"
                entry = _entry(attachment, path)
                listings.setdefault(ref, []).append(entry)
                if path is not None:
                    files.append(ExportedFile(path=path, attachment=attachment, entry=entry))
    return listings, files
