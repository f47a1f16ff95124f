"""A person's request with files everywhere a file can be (the request, her reply, staff's
public reply, an internal note, one quarantined), a request her account sent for someone else
with a file, and another person's request with a file; and a look at the storage folder."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from attachments.models import Attachment
from help_requests.models import Comment, HelpRequest
from help_requests.services import help_request_submitter_reply, help_request_triage

from ..attachments.files import PDF, TEXT, image, make_attachment
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


def files_everywhere(user, staff) -> Files:
    asked = HelpRequestFactory(user=user, email=user.email, title="Servers for our sprint")
    help_request_triage(
        help_request=asked,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Here is the agreement to sign.",
        internal_note="Paid; confirmation attached.",
    )
    help_request_submitter_reply(help_request=asked, body="Signed, and a photo of the room.")
    comments = Comment.objects.filter(request=asked)
    staff_reply = comments.get(is_public=True, by_submitter=False)
    note = comments.get(is_public=False)
    her_reply = comments.get(by_submitter=True)
    for_olu = HelpRequestFactory(user=user, email="olu.other@example.org", title="For Olu")
    graces = HelpRequestFactory(email="grace@example.org", title="Grace's own request")
    return Files(
        asked=asked,
        for_olu=for_olu,
        graces=graces,
        budget=make_attachment(asked, name="budget.pdf", content=PDF),
        photo=make_attachment(her_reply, name="room.png", content=image()),
        agreement=make_attachment(staff_reply, name="agreement.txt", content=AGREEMENT, by=staff),
        note=make_attachment(note, name="transfer.txt", content=NOTE, by=staff),
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
