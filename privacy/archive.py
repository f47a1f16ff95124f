"""The person's download: a ZIP holding everything held about them as JSON, and their files.

Each file is copied from storage into the ZIP a block at a time, and the ZIP is written to a
temporary file that spills to disk past a few megabytes (tempfile.SpooledTemporaryFile), so a
person with many files never has them all in the web worker's memory at once.
"""

import json
import logging
import shutil
import zipfile
from tempfile import SpooledTemporaryFile
from typing import IO

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from help_requests.privacy_files import UNREADABLE

from .services import PersonExport

logger = logging.getLogger("privacy")

JSON_NAME = "psf-helpdesk-my-data.json"
IN_MEMORY_BYTES = 4 * 1024 * 1024  # past this, the ZIP being written goes to a temporary file
BLOCK = 1024 * 1024
# Types that are compressed already (PDF streams, pictures, the office formats' own ZIPs) are
# stored as they are; text is deflated.
DEFLATED_TYPES = ("text/plain", "text/csv")


def person_archive(export: PersonExport) -> IO[bytes]:
    """The ZIP, rewound, ready to stream (the caller closes it: FileResponse does)."""
    spool = SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 (returned open)
    try:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for exported in export.files:
                attachment = exported.attachment
                method = (
                    zipfile.ZIP_DEFLATED
                    if attachment.mime_type in DEFLATED_TYPES
                    else zipfile.ZIP_STORED
                )
                sent = timezone.localtime(attachment.created_at)
                info = zipfile.ZipInfo(exported.path, date_time=sent.timetuple()[:6])
                info.compress_type = method
                info.file_size = attachment.size
                try:
                    with attachment.file.open("rb") as source, archive.open(info, "w") as target:
                        shutil.copyfileobj(source, target, BLOCK)
                except (FileNotFoundError, ValueError):
                    # Written last, so the JSON can say so: the listing tells the person.
                    logger.warning(
                        "privacy.export_file_missing",
                        extra={"event": "privacy.export_file_missing", "file": attachment.pk},
                    )
                    exported.left_out(UNREADABLE)
            body = json.dumps(export.data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            archive.writestr(JSON_NAME, body)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool
