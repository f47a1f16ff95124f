"""Tiny real files of each type, made in the test, as a browser would upload them."""

import io
import random
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from attachments.checks import check_files
from attachments.services import attachments_add

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
TEXT = b"Venue quote: 500 USD for the room, 12 March.\n"
CSV = b"item,amount\nvenue,500\ncatering,200\nprinting,40\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00" * 4

ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    """What the browser sends: the name and Content-Type are the sender's word only."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def zipped(members: dict[str, bytes], *, odf_type: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if odf_type:  # OpenDocument: "mimetype" first and stored, as libmagic looks for it
            archive.writestr("mimetype", odf_type, compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def xlsx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def odt() -> bytes:
    return zipped(
        {"content.xml": b"<office:document-content/>", "META-INF/manifest.xml": b"<m/>"},
        odf_type=ODT_TYPE,
    )


def ods() -> bytes:
    return zipped(
        {"content.xml": b"<office:document-content/>", "META-INF/manifest.xml": b"<m/>"},
        odf_type=ODS_TYPE,
    )


def xlsx_bomb(entry_mb: int = 60, entries: int = 2, *, noise_kb: int = 0) -> bytes:
    """An XLSX in name and first members, whose sheets each unpack to `entry_mb` MB of zeros
    (after `noise_kb` KB that do not compress, to bring the ratio down)."""
    out = io.BytesIO()
    zeros = b"\0" * (1024 * 1024)
    # The fastest deflate level: a bomb still packs ~200 to 1 at it, and is built in a second.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("_rels/.rels", b"<Relationships/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        if noise_kb:
            archive.writestr("xl/media/noise.bin", random.randbytes(noise_kb * 1024))
        for n in range(entries):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as sheet:
                for _ in range(entry_mb):
                    sheet.write(zeros)
    return out.getvalue()


GPS_IFD = 0x8825


def image(
    fmt: str = "PNG",
    *,
    size=(40, 30),
    exif_gps: bool = False,
    orientation: int = 1,
    text: str | None = None,
) -> bytes:
    """A small picture; optionally with a GPS position, an orientation and a PNG text chunk."""
    picture = Image.new("RGB", size, (200, 30, 30))
    picture.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))  # left half blue: shows turns
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    if exif_gps:
        exif[0x010F] = "Phone Maker"  # Make
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    options = {}
    if len(exif):
        options["exif"] = exif.tobytes()
    if fmt == "JPEG":
        options["quality"] = 90
    if text is not None:
        info = PngInfo()
        info.add_text("Comment", text)
        options["pnginfo"] = info
    out = io.BytesIO()
    picture.save(out, format=fmt, **options)
    return out.getvalue()


def make_attachment(owner, *, name="quote.pdf", content=PDF, by=None, scan_state=None):
    """An Attachment of `owner` kept as attachments_add keeps one (file in storage, checked)."""
    [checked] = check_files([upload(name, content)])
    [attachment] = attachments_add(owner=owner, files=[checked], by=by)
    if scan_state is not None:
        attachment.scan_state = scan_state
        attachment.save(update_fields=["scan_state"])
    return attachment
