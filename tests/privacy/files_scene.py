"""A person's request with files everywhere a file can be (the request, her reply, staff's
public reply, an internal note, one quarantined), a request her account sent for someone else
with a file, and another person's request with a file; and a look at the storage folder."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from attachments.checks import check_files
from attachments.models import Attachment
from help_requests.models import Comment, HelpRequest
from help_requests.services import help_request_submitter_reply, help_request_triage

from ..attachments.files import PDF, TEXT, image, make_attachment, upload
from ..factories import HelpRequestFactory

AGREEMENT = b"Grant agreement between the PSF and Ada Lovelace, signed.\n"
NOTE = b"Internal: bank transfer confirmation for HR request, 400 USD.\n"
GRACE = b"Grace's venue quote, 900 USD.\n"


@dataclass
class Files:
    asked: HelpRequest
    for_olu: HelpRequest
    graces: HelpRequest
    budget: Attachment  # sent with her request
    photo: Attachment  # sent with her reply
    agreement: Attachment  # sent with staff's public reply to her
    note: Attachment  # on an internal note about her request
    quarantined: Attachment  # sent with her request, found infected
    olus: Attachment  # sent with the request her account sent for Olu
    grace: Attachment  # another person's


def checked(name: str, content: bytes):
    return check_files([upload(name, content)])


def files_everywhere(user, staff) -> Files:
    """Through the services, as the help form, the admin and the status page send them."""
    asked = HelpRequestFactory(user=user, email=user.email, title="Servers for our sprint")
    help_request_triage(
        help_request=asked,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Here is the agreement to sign.",
        reply_files=checked("agreement.txt", AGREEMENT),
        internal_note="Paid; confirmation attached.",
        note_files=checked("transfer.txt", NOTE),
    )
    help_request_submitter_reply(
        help_request=asked,
        body="Signed, and a photo of the room.",
        files=checked("room.png", image()),
    )
    comments = Comment.objects.filter(request=asked)
    [agreement] = Attachment.objects.filter(
        owner_type__model="comment", owner_id=comments.get(by_submitter=False, is_public=True).pk
    )
    [note] = Attachment.objects.filter(
        owner_type__model="comment", owner_id=comments.get(is_public=False).pk
    )
    [photo] = Attachment.objects.filter(
        owner_type__model="comment", owner_id=comments.get(by_submitter=True).pk
    )
    for_olu = HelpRequestFactory(user=user, email="olu.other@example.org", title="For Olu")
    graces = HelpRequestFactory(email="grace@example.org", title="Grace's own request")
    return Files(
        asked=asked,
        for_olu=for_olu,
        graces=graces,
        budget=make_attachment(asked, name="budget.pdf", content=PDF),
        photo=photo,
        agreement=agreement,
        note=note,
        quarantined=make_attachment(
            asked,
            name="invoice.pdf",
            content=PDF + b"% infected\n",
            scan_state=Attachment.ScanState.INFECTED,
        ),
        olus=make_attachment(for_olu, name="olus-quote.txt", content=TEXT),
        grace=make_attachment(graces, name="grace.txt", content=GRACE),
    )


def stored() -> set[str]:
    """Every file in the attachments storage folder (tests/conftest.py: a folder per test),
    as paths relative to it."""
    root = Path(settings.STORAGES["attachments"]["OPTIONS"]["location"])
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def names(*attachments: Attachment) -> set[str]:
    return {str(attachment.file.name) for attachment in attachments}
