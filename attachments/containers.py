"""Office files are ZIP containers: read their table of contents, never their contents.

A ZIP says in its central directory how big each member unpacks to. That list is all we read
(`zipfile.ZipFile.infolist()`): nothing is decompressed, to memory or to disk. It is enough to
refuse a zip bomb (an absurd unpacked size, ratio or entry count) and a ZIP dressed up as an
office file (libmagic reads only the first members; the rest must fit the format too).
"""

import zipfile
from typing import IO

# The most a real office file unpacks to. A 10 MB spreadsheet of plain cells unpacks to well
# under this; a zip bomb declares gigabytes.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Above this unpacked size the ratio is checked too: office XML compresses 10-20 times, a bomb
# thousands of times. Small files may compress better than 100x without being any danger.
RATIO_CHECKED_ABOVE = 10 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 1000

ODF_TYPES = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
}
# The folder holding an OOXML file's main part: a DOCX that has no word/ is not a DOCX.
OOXML_FOLDERS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/",
}
CONTAINER_TYPES = ODF_TYPES | set(OOXML_FOLDERS)


class ContainerRefused(Exception):
    """Why a container is refused, in words to put after the file's name."""


def check_container(file: IO[bytes], mime_type: str, packed_size: int) -> None:
    """Raise ContainerRefused unless `file` is a modest ZIP laid out as `mime_type` requires."""
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ContainerRefused("is damaged: it cannot be read as a document") from error
    finally:
        file.seek(0)

    if len(entries) > MAX_ENTRIES:
        raise ContainerRefused(
            f"holds {len(entries):,} parts, more than a document has (the most is {MAX_ENTRIES:,})"
        )
    unpacked = sum(entry.file_size for entry in entries)
    too_big = unpacked > MAX_UNPACKED_BYTES
    too_dense = unpacked > RATIO_CHECKED_ABOVE and unpacked > MAX_RATIO * max(packed_size, 1)
    if too_big or too_dense:
        raise ContainerRefused(
            "would unpack to a size no real document has; it may be made to harm the computers "
            "that open it"
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise ContainerRefused("has encrypted parts; send it without a password")
    names = [entry.filename for entry in entries]
    if not _laid_out_as(mime_type, names):
        raise ContainerRefused("is damaged or is not really the kind of document its content says")


def _laid_out_as(mime_type: str, names: list[str]) -> bool:
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return False  # macros: a DOCX or XLSX never holds them (that is DOCM and XLSM)
    if mime_type in ODF_TYPES:
        # OpenDocument: an uncompressed "mimetype" first (libmagic read it), then the content.
        return bool(names) and names[0] == "mimetype" and "content.xml" in names
    folder = OOXML_FOLDERS[mime_type]
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)
