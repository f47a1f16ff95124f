"""Every page `make bench` measures costs the same number of queries with 10 rows or 60, and no
more than its stated budget: an N+1 (a query per row) fails here before it slows a page.

The budgets count everything a request runs, the signed-in staff's session, user and
authenticator checks included. The role lists on / and /roles/ are measured drawn afresh (their
cached drawing costs nothing; tests/volunteers/test_query_counts.py checks that).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from attachments.models import Attachment
from help_requests.models import Comment, HelpRequest, HelpRequestEvent
from mail_in.models import InboundMessage, MailboxState
from volunteers.models import Role, RoleInterest

from .factories import (
    CommentFactory,
    HelpKindFactory,
    HelpRequestFactory,
    PoolMemberFactory,
    RoleFactory,
    RoleInterestFactory,
    UserFactory,
)
from .signin import force_sign_in

pytestmark = pytest.mark.django_db

FEW, MANY = 10, 60  # 50 more rows: a query per row would show as 50 more queries
AREAS = ["web", "events", "support", "infrastructure"]


@dataclass
class World:
    """What every page reads, and a way to add `n` of the rows each page lists."""

    client: Client
    staff_client: Client
    person_client: Client
    help_request: HelpRequest
    role: Role
    person_email: str


@pytest.fixture
def world(client, staff, areas, help_kinds) -> World:
    person = UserFactory(email="ada@example.org")
    person_client = Client()
    person_client.force_login(person)
    staff_client = Client()
    force_sign_in(staff_client, staff)
    role = RoleFactory(slug="postmaster", area=areas["infrastructure"])
    help_request = HelpRequestFactory(email=person.email, kinds=["funding", "advice"])
    return World(client, staff_client, person_client, help_request, role, person.email)


def more_roles(world: World, n: int) -> None:
    for i in range(n):
        RoleFactory(area_id=AREAS[i % len(AREAS)], is_vetted=bool(i % 2))


def more_interests(world: World, n: int) -> None:
    statuses = [s for s, _ in RoleInterest.Status.choices]
    for i in range(n):
        RoleInterestFactory(role__area_id="web", status=statuses[i % 4])
        RoleInterestFactory(role=world.role, status=statuses[i % 4])  # the role page's own


def a_file(owner, i: int) -> None:
    """A file's row (nothing in storage: the pages read rows), in each scan state in turn."""
    states = [s for s, _ in Attachment.ScanState.choices]
    Attachment.objects.create(
        owner=owner,
        name=f"receipt-{i}.pdf",
        mime_type="application/pdf",
        size=1000 + i,
        sha256="0" * 64,
        file=f"ab/receipt-{i}.pdf",
        scan_state=states[i % len(states)],
    )


def more_conversation(world: World, n: int) -> None:
    for i in range(n):
        by_submitter = i % 3 == 0  # the submitter's replies are always public
        comment = CommentFactory(
            request=world.help_request, by_submitter=by_submitter, is_public=by_submitter or i % 2
        )
        a_file(comment, i)  # replies' and notes' files
        a_file(world.help_request, i)  # the request's own
        HelpRequestEvent.objects.create(
            request=world.help_request, field="status", old="new", new="triaged"
        )


def more_requests(world: World, n: int) -> None:
    for i in range(n):
        HelpRequestFactory(
            title=f"Community sprint {i}", kinds=["funding"] if i % 2 else ["advice", "people"]
        )


def more_kinds(world: World, n: int) -> None:
    for i in range(n):
        HelpKindFactory(code=f"kind{i}", label=f"Kind {i}")


def more_members(world: World, n: int) -> None:
    for i in range(n):
        PoolMemberFactory(interests=AREAS[: i % 3 + 1])


def more_of_a_person(world: World, n: int) -> None:
    for _ in range(n):
        HelpRequestFactory(email=world.person_email, kinds=["advice"])
        RoleInterestFactory(email=world.person_email, role__area_id="web")


def more_mail(world: World, n: int) -> None:
    """Incoming mail of every outcome: new requests, replies (linked through their request),
    quarantined ones; and a mailbox read."""
    MailboxState.objects.get_or_create(mailbox="psf@imap.example.org/INBOX")
    outcomes = [o for o, _ in InboundMessage.Outcome.choices]
    start = InboundMessage.objects.count()
    for i in range(start, start + n):
        outcome = outcomes[i % len(outcomes)]
        target = None
        if outcome == InboundMessage.Outcome.NEW_REQUEST:
            target = HelpRequestFactory()
        elif outcome == InboundMessage.Outcome.REPLY:
            target = Comment.objects.create(request=world.help_request, body="Thanks")
        InboundMessage.objects.create(
            message_key=f"m{i}@example.org",
            door=InboundMessage.Door.IMAP,
            size=1000 + i,
            sender_email=f"sender{i}@example.org",
            subject=f"Message {i}",
            outcome=outcome,
            reason=InboundMessage.Reason.SPAM if outcome == "quarantined" else "",
            target=target,
            reference=getattr(target, "reference", world.help_request.reference),
        )


HELP_POST = {
    "type": "help",
    "name": "Ada Lovelace",
    "email": "ada@example.org",
    "area": "community",
    "kinds": ["advice"],
    "title": "Advice on our first meetup",
    "description": "We are starting a user group and would like some advice.",
}


@dataclass
class Page:
    name: str
    budget: int
    more: Callable[[World, int], None]
    get: Callable[[World], object]


def admin_change(world: World):
    return world.staff_client.get(
        f"/admin/help_requests/helprequest/{world.help_request.pk}/change/"
    )


PAGES = [
    Page("/", 2, more_roles, lambda w: w.client.get("/")),
    Page("/roles/", 3, more_roles, lambda w: w.client.get("/roles/")),
    Page("a role page", 1, more_interests, lambda w: w.client.get("/roles/postmaster/")),
    # The kinds of help, and the funding part's kinds of event and budget categories.
    Page("/help/new/", 3, more_kinds, lambda w: w.client.get("/help/new/")),
    Page("/healthz", 1, more_requests, lambda w: w.client.get("/healthz")),
    # One statement bumps the reference counter; each outbox row is one INSERT in a savepoint,
    # after one query for its thread's earlier Message-IDs (docs/mail-in.md, "Threads").
    Page("help-request POST", 23, more_requests, lambda w: w.client.post("/help/new/", HELP_POST)),
    Page(
        "status page",
        6,  # the request with its kinds, public replies, history, files, and its funding part
        more_conversation,
        lambda w: w.client.get(w.help_request.get_absolute_url()),
    ),
    Page("/me/", 7, more_of_a_person, lambda w: w.person_client.get("/me/")),
    Page(
        "admin: requests, filtered and searched",
        12,
        more_requests,
        lambda w: w.staff_client.get(
            "/admin/help_requests/helprequest/?status__exact=new&q=community"
        ),
    ),
    # ... and the conversation's files (one query for all: the request's, replies', notes').
    Page("admin: a request", 13, more_conversation, admin_change),
    Page(
        "admin: pool members",
        11,
        more_members,
        lambda w: w.staff_client.get("/admin/volunteers/poolmember/"),
    ),
    # The rows, and what each became (one query per kind: requests, replies), the mailboxes.
    Page(
        "admin: incoming mail",
        12,
        more_mail,
        lambda w: w.staff_client.get("/admin/mail_in/inboundmessage/?q=example.org"),
    ),
    Page(
        "admin: pool CSV export",
        8,
        more_members,
        lambda w: b"".join(
            w.staff_client.get("/admin/volunteers/poolmember/export.csv").streaming_content
        ),
    ),
]


def count(world: World, page: Page) -> int:
    page.get(world)  # once before, so first-time work (a year's first reference) is not counted
    cache.clear()  # drawn afresh, rate counters reset
    with CaptureQueriesContext(connection) as queries:
        response = page.get(world)
    if hasattr(response, "status_code"):
        assert response.status_code in (200, 302), response
    return len(queries)


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_a_page_costs_the_same_queries_with_10_or_60_rows_within_its_budget(world, page):
    page.more(world, FEW)
    with_few = count(world, page)

    page.more(world, MANY - FEW)
    with_many = count(world, page)

    assert with_many == with_few, (
        f"{page.name}: {with_few} queries with {FEW}, {with_many} with {MANY}"
    )
    assert with_many <= page.budget, f"{page.name}: {with_many} queries, budget {page.budget}"
