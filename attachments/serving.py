"""Handing a kept file to the browser: always a download, never a page of our site.

The caller (a view) has already decided that this person may have this file. The response is
streamed from storage, named safely, typed as detected, and sandboxed so that a browser that
shows it anyway runs nothing in our origin.
"""

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import FileResponse, Http404

from .checks import EXTENSIONS
from .models import Attachment


def download_name(attachment: Attachment) -> str:
    """The name as sent, ending in an extension of its detected type (so it opens as that)."""
    name = attachment.name
    extensions = EXTENSIONS.get(attachment.mime_type, ())
    if extensions and PurePosixPath(name).suffix.lower() not in extensions:
        name += extensions[0]
    return name


def ascii_fallback(name: str) -> str:
    """For browsers that ignore filename*: letters without accents, anything else unsafe as _."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._ ()\-]+", "_", plain).strip(" .")
    return plain or "file"


def attachment_response(attachment: Attachment) -> FileResponse:
    """A streamed download of the file (404 if it was quarantined): the caller checks access."""
    if attachment.scan_state == Attachment.ScanState.INFECTED:
        raise Http404("This file was quarantined.")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("This file is no longer kept.") from error
    response = FileResponse(handle, as_attachment=True, content_type=attachment.mime_type)
    name = download_name(attachment)
    # RFC 6266: a plain ASCII filename for old browsers, the real name as RFC 5987 filename*.
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=utf-8''{quote(name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"  # the CSP middleware keeps a view's own
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
