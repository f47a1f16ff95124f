"""What people may attach: the type from the content, the limits, one message per file."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from attachments.checks import ALLOWED_TYPES, check_files

from . import files
from .files import upload

ALLOWED = "Send PDF, PNG, JPEG, plain text, CSV, ODT, ODS, DOCX or XLSX."


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


@pytest.mark.parametrize(
    ("name", "make", "mime_type"),
    [
        ("quote.pdf", lambda: files.PDF, "application/pdf"),
        ("venue.png", lambda: files.image("PNG"), "image/png"),
        ("receipt.jpg", lambda: files.image("JPEG"), "image/jpeg"),
        ("notes.txt", lambda: files.TEXT, "text/plain"),
        ("budget.csv", lambda: files.CSV, "text/csv"),
        ("letter.odt", files.odt, files.ODT_TYPE),
        ("budget.ods", files.ods, files.ODS_TYPE),
        ("letter.docx", files.docx, files.DOCX_TYPE),
        ("budget.xlsx", files.xlsx, files.XLSX_TYPE),
    ],
)
def test_each_allowed_type_is_accepted_by_its_content(name, make, mime_type):
    # The browser's Content-Type is a lie here: only the content counts.
    [checked] = check_files([upload(name, make(), "application/x-made-up")])

    assert checked.mime_type == mime_type
    assert checked.name == name
    assert checked.size > 0 and len(checked.sha256) == 64


def test_every_allowed_type_is_covered_above():
    assert len(ALLOWED_TYPES) == 9


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("budget.pdf", files.HTML, "application/pdf"),  # renamed HTML
        ("logo.png", files.SVG, "image/png"),  # an SVG with a script
        ("logo.svg", files.SVG, "image/svg+xml"),
        ("invoice.pdf", files.EXE, "application/pdf"),  # a Windows program
        ("data.json", b'{"a": 1}\n', "text/plain"),
        ("archive.zip", files.zipped({"a.txt": b"hello"}), "application/zip"),
    ],
)
def test_other_types_are_refused_naming_the_file_and_the_allowed_types(name, content, content_type):
    with pytest.raises(ValidationError) as refused:
        check_files([upload(name, content, content_type)])

    assert messages(refused.value) == [f"{name} is not a file type we accept. {ALLOWED}"]


def test_a_zip_bomb_dressed_as_a_spreadsheet_is_refused_without_unpacking_it():
    # 102 MB unpacked from about 1.6 MB: a ratio a real file could have, a size none has.
    bomb = files.xlsx_bomb(entry_mb=51, entries=2, noise_kb=1100)
    assert 1.5 * 1024 * 1024 < len(bomb) < 2 * 1024 * 1024

    with pytest.raises(ValidationError) as refused:
        check_files([upload("budget.xlsx", bomb)])

    [message] = messages(refused.value)
    assert message.startswith("budget.xlsx would unpack to a size no real document has")


def test_a_zip_that_compresses_far_too_well_is_refused_even_under_the_size_cap():
    bomb = files.xlsx_bomb(entry_mb=20, entries=1)  # 20 MB from a few KB: a ratio of thousands

    with pytest.raises(ValidationError) as refused:
        check_files([upload("budget.xlsx", bomb)])

    assert "would unpack to a size no real document has" in messages(refused.value)[0]


def test_a_zip_with_too_many_entries_is_refused(monkeypatch):
    many = files.zipped(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}
        | {f"xl/media/{n}.xml": b"" for n in range(1001)}
    )

    with pytest.raises(ValidationError) as refused:
        check_files([upload("budget.xlsx", many)])

    assert messages(refused.value) == [
        "budget.xlsx holds 1,003 parts, more than a document has (the most is 1,000)."
    ]


def test_a_zip_that_only_starts_like_a_docx_is_refused():
    # libmagic sees [Content_Types].xml first and a word/ member; the rest is an XLSX.
    odd = files.zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/x": b"",
            "xl/workbook.xml": b"<w/>",
            "word/vbaProject.bin": b"macros",
        }
    )

    with pytest.raises(ValidationError) as refused:
        check_files([upload("letter.docx", odd)])

    assert messages(refused.value)[0].startswith("letter.docx is damaged or is not really")


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_files([upload("quote.pdf", b"")])

    assert messages(refused.value) == ["quote.pdf is empty."]


def test_a_file_over_the_limit_is_refused_naming_its_size(settings):
    settings.ATTACHMENT_MAX_FILE_MB = 1
    big = files.TEXT * (1024 * 1024 // len(files.TEXT) + 1)

    with pytest.raises(ValidationError) as refused:
        check_files([upload("notes.txt", big)])

    assert messages(refused.value) == ["notes.txt is 1.0\xa0MB; a file can be up to 1 MB."]


def test_an_eleventh_file_is_refused_with_the_count():
    eleven = [upload(f"quote{n}.pdf", files.PDF) for n in range(11)]

    with pytest.raises(ValidationError) as refused:
        check_files(eleven)

    assert messages(refused.value) == ["You can attach up to 10 files; you chose 11."]
    assert len(check_files(eleven[:10])) == 10


def test_files_over_the_total_limit_are_refused_together(settings):
    settings.ATTACHMENT_MAX_FILE_MB = 1
    settings.ATTACHMENT_MAX_TOTAL_MB = 1
    half = files.TEXT * (600 * 1024 // len(files.TEXT))

    with pytest.raises(ValidationError) as refused:
        check_files([upload("a.txt", half), upload("b.txt", half)])

    [message] = messages(refused.value)
    assert message.startswith("The files come to 1.2")
    assert message.endswith("together; you can send up to 1 MB at a time.")


def test_each_refused_file_has_its_own_message():
    with pytest.raises(ValidationError) as refused:
        check_files(
            [
                upload("budget.pdf", files.HTML),
                upload("quote.pdf", files.PDF),
                upload("empty.txt", b""),
            ]
        )

    assert messages(refused.value) == [
        f"budget.pdf is not a file type we accept. {ALLOWED}",
        "empty.txt is empty.",
    ]


def test_a_picture_pillow_cannot_open_is_refused():
    broken = files.image("PNG")[:60]  # the header libmagic reads, then nothing

    with pytest.raises(ValidationError) as refused:
        check_files([upload("venue.png", broken)])

    assert messages(refused.value) == ["venue.png is damaged: it cannot be opened as an image."]


# Pillow only warns between its limit and twice it; in production warnings are not errors.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("fmt", "size"), [("PNG", (40, 30)), ("JPEG", (40, 30)), ("PNG", (80, 60))]
)
def test_a_picture_with_too_many_pixels_is_refused(monkeypatch, fmt, size):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # a decompression bomb, scaled down
    picture = files.image(fmt, size=size)  # 1,200 pixels warn in Pillow, 4,800 are its error

    with pytest.raises(ValidationError) as refused:
        check_files([upload("venue.img", picture)])

    assert messages(refused.value) == [
        "venue.img has too many pixels (the most is 1,000); send a smaller version."
    ]


def test_names_are_kept_for_display_without_folders_or_control_characters():
    [checked] = check_files([upload("C:\\Users\\ada\\bud\u202eget\x07.pdf", files.PDF)])

    assert checked.name == "budget.pdf"


def test_the_sha256_is_of_the_kept_bytes():
    [checked] = check_files([upload("venue.png", files.image("PNG", exif_gps=True))])

    checked.content.seek(0)
    kept = checked.content.read()
    assert len(kept) == checked.size
    assert Image.open(io.BytesIO(kept)).getexif().get_ifd(0x8825) == {}
