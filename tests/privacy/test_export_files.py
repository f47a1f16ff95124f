"""The download is a ZIP: the JSON, and the files of the person's requests as they sent or got
them (the request's, her replies', staff's public replies'), each in a folder named by its
request, byte for byte; never an internal note's file or another person's; a quarantined file
listed with why it is not there."""

import hashlib
import json
import secrets
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attachments.models import Attachment
from privacy.models import AccessLink

from ..attachments.files import PDF, TEXT, image, make_attachment
from ..factories import HelpRequestFactory
from .files_scene import AGREEMENT, GRACE, NOTE, files_everywhere
from .test_export import JSON_NAME, download_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(user, staff):
    return files_everywhere(user, staff)


def test_the_zip_holds_her_files_byte_for_byte_in_a_folder_per_request(client, user, scene):
    client.force_login(user)

    archive = download_zip(client)

    ref = scene.asked.reference
    assert sorted(archive.namelist()) == sorted(
        [
            JSON_NAME,
            f"{ref}/budget.pdf",
            f"{ref}/room.png",
            f"{ref}/agreement.txt",
            f"{scene.for_olu.reference}/olus-quote.txt",  # her account sent it: she sees it
        ]
    )
    assert archive.read(f"{ref}/budget.pdf") == PDF
    assert archive.read(f"{ref}/agreement.txt") == AGREEMENT
    assert archive.read(f"{ref}/room.png") == scene.photo.file.open("rb").read()
    assert archive.read(f"{scene.for_olu.reference}/olus-quote.txt") == TEXT
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert NOTE not in everything and b"transfer.txt" not in everything  # the internal note's
    assert GRACE not in everything and b"grace.txt" not in everything  # another person's


def test_the_json_lists_each_file_where_it_was_sent_and_says_why_one_is_missing(
    client, user, scene
):
    client.force_login(user)
    archive = download_zip(client)
    data = json.loads(archive.read(JSON_NAME))

    asked = next(r for r in data["help_requests"] if r["reference"] == scene.asked.reference)
    ref = scene.asked.reference
    budget, quarantined = asked["files"]
    assert budget == {
        "name": "budget.pdf",
        "type": "PDF",
        "size_bytes": len(PDF),
        "scan_state": "Not scanned",
        "sent_at": budget["sent_at"],
        "path": f"{ref}/budget.pdf",
    }
    assert quarantined["name"] == "invoice.pdf"
    assert quarantined["scan_state"] == "Quarantined"
    assert quarantined["path"] is None
    assert "virus check found something harmful" in quarantined["not_included"]
    replies = {(r["from"], r["text"]): r["files"] for r in asked["replies"]}
    [agreement] = replies[("PSF staff", "Here is the agreement to sign.")]
    assert (agreement["name"], agreement["type"], agreement["size_bytes"]) == (
        "agreement.txt",
        "plain text",
        len(AGREEMENT),
    )
    assert agreement["path"] == f"{ref}/agreement.txt"
    [photo] = replies[("you", "Signed, and a photo of the room.")]
    assert (photo["name"], photo["type"], photo["path"]) == ("room.png", "PNG", f"{ref}/room.png")
    listed = {f["path"] for r in data["help_requests"] for f in r["files"]} | {
        f["path"] for r in data["help_requests"] for c in r["replies"] for f in c["files"]
    }
    assert listed - {None} == set(archive.namelist()) - {JSON_NAME}
    assert "transfer.txt" not in json.dumps(data)


def test_a_file_still_being_checked_is_listed_and_left_out_until_it_is_checked(client, user):
    asked = HelpRequestFactory(user=user, email=user.email)
    pending = make_attachment(asked, name="quote.pdf", scan_state=Attachment.ScanState.PENDING)
    client.force_login(user)

    archive = download_zip(client)
    [entry] = json.loads(archive.read(JSON_NAME))["help_requests"][0]["files"]
    assert archive.namelist() == [JSON_NAME]
    assert entry["scan_state"] == "Being checked"
    assert "still being checked" in entry["not_included"]

    pending.scan_state = Attachment.ScanState.CLEAN
    pending.save()
    assert f"{asked.reference}/quote.pdf" in download_zip(client).namelist()


def test_files_of_the_same_name_are_both_kept_and_a_name_never_makes_a_folder(client, user):
    asked = HelpRequestFactory(user=user, email=user.email)
    make_attachment(asked, name="budget.pdf", content=PDF)
    make_attachment(asked, name="budget.pdf", content=PDF + b"% second\n")
    make_attachment(asked, name='quote?<1>:"2".txt', content=TEXT)
    client.force_login(user)

    archive = download_zip(client)

    ref = asked.reference
    assert sorted(archive.namelist()) == sorted(
        [JSON_NAME, f"{ref}/budget.pdf", f"{ref}/budget (2).pdf", f"{ref}/quote_1_2_.txt"]
    )
    assert archive.read(f"{ref}/budget (2).pdf").endswith(b"% second\n")


def test_a_file_gone_from_storage_is_listed_with_why_and_the_download_still_works(client, user):
    asked = HelpRequestFactory(user=user, email=user.email)
    gone = make_attachment(asked, name="quote.pdf")
    gone.file.storage.delete(gone.file.name)
    client.force_login(user)

    archive = download_zip(client)

    assert archive.namelist() == [JSON_NAME]
    [entry] = json.loads(archive.read(JSON_NAME))["help_requests"][0]["files"]
    assert entry["path"] is None
    assert "could not be read from our storage" in entry["not_included"]


def test_the_e_mailed_links_download_has_the_files_of_that_address_only(client, scene):
    """The same ZIP from /privacy/data/export.zip (the session an e-mailed link opened)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    AccessLink.objects.create(
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        email="grace@example.org",
        created_at=now,
        expires_at=now + timedelta(hours=1),
    )
    assert client.post(f"/privacy/link/{token}/")["Location"] == "/privacy/data/"

    archive = download_zip(client, "/privacy/data/export.zip")
    assert sorted(archive.namelist()) == sorted([JSON_NAME, f"{scene.graces.reference}/grace.txt"])
    assert archive.read(f"{scene.graces.reference}/grace.txt") == GRACE


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        download_zip(client)
    return len(captured)


def test_the_download_costs_the_same_queries_with_one_file_or_many(client, user, staff):
    asked = HelpRequestFactory(user=user, email=user.email)
    make_attachment(asked, name="one.pdf")
    client.force_login(user)
    few = queries(client)

    for n in range(3):
        more = HelpRequestFactory(user=user, email=user.email)
        make_attachment(more, name=f"quote-{n}.pdf")
        make_attachment(more, name=f"photo-{n}.png", content=image())
    many = queries(client)

    assert many == few
