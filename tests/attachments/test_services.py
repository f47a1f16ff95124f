"""Keeping and deleting files: storage follows the database, whichever way a transaction ends."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import transaction
from PIL import Image

from attachments.checks import check_files
from attachments.models import Attachment
from attachments.services import attachments_add, attachments_delete
from help_requests.models import Comment

from . import files
from .files import upload


def stored(attachment: Attachment) -> bool:
    return attachment.file.storage.exists(attachment.file.name)


def storage_is_empty() -> bool:
    storage = Attachment._meta.get_field("file").storage
    folders, names = storage.listdir("") if storage.exists("") else ([], [])
    return not names and all(not storage.listdir(folder)[1] for folder in folders)


def add(owner, *uploads, by=None):
    return attachments_add(owner=owner, files=check_files(list(uploads)), by=by)


def test_files_are_kept_with_their_owner_under_a_random_name(help_request, staff):
    [quote, budget] = add(
        help_request, upload("quote.pdf", files.PDF), upload("budget.xlsx", files.xlsx()), by=staff
    )

    assert quote.owner == help_request and quote.uploaded_by == staff
    assert (quote.name, quote.mime_type, quote.size) == (
        "quote.pdf",
        "application/pdf",
        len(files.PDF),
    )
    assert quote.file.read() == files.PDF
    assert "quote" not in quote.file.name and quote.file.name.endswith(".pdf")
    assert budget.mime_type == files.XLSX_TYPE and stored(budget)


def test_a_reply_can_have_files(help_request, staff):
    note = Comment.objects.create(request=help_request, author=staff, body="Signed agreement.")

    [agreement] = add(note, upload("agreement.pdf", files.PDF), by=staff)

    assert agreement.owner == note


def test_the_stored_name_follows_the_content_not_the_name(help_request):
    [picture] = add(help_request, upload("page.html", files.image("PNG")))

    assert picture.file.name.endswith(".png")


def test_files_are_not_scanned_without_a_scanner_and_pending_with_one(help_request, settings):
    [unscanned] = add(help_request, upload("a.pdf", files.PDF))
    settings.ATTACHMENT_SCANNER_URL = "tcp://127.0.0.1:3310"
    [pending] = add(help_request, upload("b.pdf", files.PDF))

    assert unscanned.scan_state == Attachment.ScanState.UNSCANNED and unscanned.downloadable
    assert pending.scan_state == Attachment.ScanState.PENDING and not pending.downloadable


def test_gps_and_other_exif_are_gone_from_a_kept_photo(help_request):
    photo = files.image("JPEG", exif_gps=True)
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(files.GPS_IFD)  # there to begin with

    [kept] = add(help_request, upload("venue.jpg", photo))

    with Image.open(kept.file) as picture:
        assert picture.format == "JPEG"
        assert dict(picture.getexif()) == {}
        assert "exif" not in picture.info and "xmp" not in picture.info
    assert kept.size == kept.file.size


def test_a_png_loses_its_text_chunks_and_exif(help_request):
    png = files.image("PNG", exif_gps=True, text="Drawn at 12 Home Street")

    [kept] = add(help_request, upload("map.png", png))

    with Image.open(kept.file) as picture:
        assert dict(picture.getexif()) == {}
        assert "Comment" not in picture.info and "exif" not in picture.info


def test_a_photo_is_turned_upright_as_its_exif_said(help_request):
    # Orientation 6: the camera was on its side; the viewer turns the picture 90° clockwise.
    sideways = files.image("JPEG", size=(40, 30), orientation=6)

    [kept] = add(help_request, upload("venue.jpg", sideways))

    with Image.open(kept.file) as picture:
        assert picture.size == (30, 40)
        assert picture.getexif().get(0x0112) is None
        top, bottom = (picture.convert("RGB").getpixel((15, y)) for y in (2, 37))
    # The left (blue) half of what the camera saw is on top once turned clockwise.
    assert top[2] > 150 > top[0] and bottom[0] > 150 > bottom[2]


def test_a_jpeg_keeps_its_quality(help_request):
    original = Image.open(io.BytesIO(files.image("JPEG")))

    [kept] = add(help_request, upload("venue.jpg", files.image("JPEG")))

    with Image.open(kept.file) as picture:
        assert picture.quantization == original.quantization


def test_a_rolled_back_savepoint_leaves_no_file(help_request):
    with pytest.raises(RuntimeError), transaction.atomic():
        [attachment] = add(help_request, upload("quote.pdf", files.PDF))
        assert stored(attachment)
        raise RuntimeError("the rest of the reply failed")

    assert not stored(attachment)
    assert not Attachment.objects.exists()
    assert storage_is_empty()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_file(help_request):
    with pytest.raises(RuntimeError), transaction.atomic():
        with transaction.atomic():  # the files' own savepoint is released; the outer one fails
            [attachment] = add(help_request, upload("quote.pdf", files.PDF))
        raise RuntimeError("the request could not be saved")

    assert not stored(attachment)
    assert storage_is_empty()


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_keeps_the_files(help_request):
    with transaction.atomic():
        [attachment] = add(help_request, upload("quote.pdf", files.PDF))

    assert stored(attachment)
    assert Attachment.objects.get().file.read() == files.PDF


def test_a_failure_while_keeping_removes_the_files_already_written(help_request, monkeypatch):
    checked = check_files([upload("a.pdf", files.PDF), upload("b.pdf", files.PDF)])
    saves = []
    real_save = Attachment.save

    def second_save_fails(self, *args, **kwargs):
        saves.append(self)
        if len(saves) == 2:
            raise RuntimeError("database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", second_save_fails)
    with pytest.raises(RuntimeError):
        attachments_add(owner=help_request, files=checked, by=None)

    assert storage_is_empty()


def test_deleting_removes_the_rows_now_and_the_files_after_commit(
    help_request, django_capture_on_commit_callbacks
):
    kept, gone_a, gone_b = add(help_request, *(upload(f"{n}.pdf", files.PDF) for n in "abc"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert attachments_delete(attachments=[gone_a, gone_b]) == 2
    assert list(Attachment.objects.all()) == [kept]
    assert stored(gone_a) and stored(gone_b)  # not yet committed: a rollback would need them

    for callback in callbacks:
        callback()
    assert not stored(gone_a) and not stored(gone_b) and stored(kept)


def test_a_rolled_back_deletion_keeps_the_files(help_request):
    [attachment] = add(help_request, upload("quote.pdf", files.PDF))

    with pytest.raises(RuntimeError), transaction.atomic():
        attachments_delete(attachments=[attachment])
        raise RuntimeError("the erasure failed")

    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert stored(attachment)


def test_the_attachment_factory_keeps_a_file(attachment_factory, help_request):
    attachment = attachment_factory(help_request, name="budget.csv", content=files.CSV)

    assert attachment.mime_type == "text/csv" and stored(attachment)


def test_an_upload_spooled_to_disk_is_checked_and_kept_privately(help_request):
    # Django writes uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file.
    spooled = TemporaryUploadedFile("budget.xlsx", "application/pdf", 0, None)
    spooled.write(files.xlsx())
    spooled.size = spooled.tell()
    spooled.seek(0)

    [kept] = add(help_request, spooled)

    assert kept.mime_type == files.XLSX_TYPE
    assert kept.size == Path(kept.file.path).stat().st_size == spooled.size
    assert Path(kept.file.path).stat().st_mode & 0o777 == 0o600
