"""A person whose data is everywhere the portal keeps any, and a whole-database search for it."""

import json
from dataclasses import dataclass

from django.db import connection
from django.test import Client

from funding.models import Decision
from funding.services import funding_decision_record
from help_requests.models import HelpRequest
from help_requests.services import (
    help_request_submit,
    help_request_submitter_reply,
    help_request_triage,
)
from privacy.links import access_link_request
from privacy.services import person_export_record, person_of_user
from psf_helpdesk.tasks import send_staff_digest
from volunteers.models import POOL_CONSENT_TEXT, POOL_PREFERENCES_CONSENT_TEXT, PoolMember
from volunteers.services import (
    pool_join,
    pool_member_set_preferences,
    role_interest_register,
)

from ..factories import DEFAULT_PASSWORD, RoleFactory, UserFactory
from ..funding.factories import line, submit_funding
from ..signin import sign_in

ZOE = "Zoë Quintavalle-Erasmus"
ZOE_EMAIL = "zoe.quintavalle@example.org"
TITLE = "A room for the Zagreb sprint of PyLadies"
DESCRIPTION = "Forty people, one Saturday in March; Zoë's team brings the coffee."


@dataclass
class Scene:
    user: object
    help_request: HelpRequest
    member: PoolMember


def a_person_everywhere(client: Client, staff, areas, help_kinds) -> Scene:
    """Zoë signs in, asks for help (her address typed in another case), answers staff, asks for
    funding (declined, with a message naming her), raises a hand for a role, joins the pool and
    changes her choices, is in the staff digest, is named in staff's notes, downloads her data
    and asks for a link: every table that can hold something of hers holds it."""
    user = UserFactory(email=ZOE_EMAIL, name=ZOE)
    sign_in(client, user, mfa=False)  # audit: a sign-in with her address and IP; a session
    help_request = help_request_submit(
        title=TITLE,
        description=DESCRIPTION,
        name=ZOE,
        email="Zoe.Quintavalle@Example.org",
        organisation="PyLadies Zagreb",
        area=HelpRequest.Area.COMMUNITY,
        kinds=[help_kinds["advice"]],
        links="https://zagreb.pyladies.example/zoe-quintavalle",
        user=user,
    )
    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Hello Zoë, which Saturday is it?",
        internal_note=f"{ZOE} ran the Zagreb sprint last year too; ask {ZOE_EMAIL} for receipts.",
    )
    help_request_submitter_reply(
        help_request=help_request, body="The 14th. Thank you! Zoë Quintavalle-Erasmus"
    )
    funding = submit_funding(
        title="Coffee for the Zagreb sprint",
        name=ZOE,
        email=ZOE_EMAIL,
        other_funding="Zoë's employer gives the room.",
        lines=[line("Coffee for Zoë Quintavalle-Erasmus's sprint", "food", "400")],
    )
    funding_decision_record(
        funding_request=funding.funding,
        by=staff,
        outcome=Decision.Outcome.DECLINED,
        message="Sorry Zoë: food alone is not something we fund.",
    )
    role = RoleFactory(area=areas["infrastructure"], title="Postmaster", slug="postmaster")
    role_interest_register(
        role=role,
        name=ZOE,
        email=ZOE_EMAIL.upper(),
        availability="Evenings, Zagreb time",
        message="I am Zoë: I ran Postfix for ten years.",
    )
    member = pool_join(
        email=ZOE_EMAIL,
        name=ZOE,
        interests=[areas["web"]],
        skills="DNS, Postfix",
        consent_text=POOL_CONSENT_TEXT,
        address_verified=True,  # signed in with it: no link (her daily cap is spent anyway)
    )
    pool_member_set_preferences(
        member=member,
        frequency=PoolMember.Frequency.AS_ROLES_OPEN,
        interests=[areas["events"]],
        consent_text=POOL_PREFERENCES_CONSENT_TEXT,
    )
    send_staff_digest()  # names her request and her, a new pool member
    person_export_record(person=person_of_user(user=user), request=None, via="a test")
    access_link_request(email=ZOE_EMAIL)
    return Scene(user=user, help_request=help_request, member=member)


def reauthenticate(client: Client) -> None:
    """Type the password again, as allauth asks before an erasure (once every few minutes)."""
    response = client.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content[:300]


def database_text() -> tuple[str, int, int]:
    """Every row of every table as text, lower-cased: (text, tables, rows). PostgreSQL casts each
    row to text (jsonb as it is stored); SQLite gives its columns as stored (JSON \\u-escaped)."""
    parts: list[str] = []
    tables = connection.introspection.table_names()
    rows = 0
    with connection.cursor() as cursor:
        for table in tables:
            name = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT CAST(t AS text) FROM {name} AS t")
            else:
                cursor.execute(f"SELECT * FROM {name}")
            for row in cursor.fetchall():
                rows += 1
                parts.append(" | ".join(str(value) for value in row))
    return "\n".join(parts).lower(), len(tables), rows


def needles(*values: str) -> set[str]:
    """What to look for: each value, lower-cased, also as JSON writes it (\\u-escaped)."""
    found = set()
    for value in values:
        for form in (value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]):
            found.add(form.lower())
    return found


def search(*values: str) -> dict[str, int]:
    """How many times each value occurs anywhere in the database (any case, any JSON form)."""
    text, _, _ = database_text()
    return {needle: text.count(needle) for needle in sorted(needles(*values))}
