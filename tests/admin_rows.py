"""Rows for every list in the admin, some with the longest words staff meet (a 200-character
title, a long e-mail address), so each column has content: the demo data plus those."""

from datetime import date

from django.core.management import call_command

from accounts.models import User
from help_requests.models import CannedReply, HelpRequest
from help_requests.services import help_request_submit, help_request_triage
from mail_in.models import InboundMessage
from mail_in.services import mail_intake
from privacy.models import Erasure
from privacy.retention import retention_run
from privacy.services import person_erase, person_of_address
from volunteers.models import POOL_CONSENT_TEXT, Announcement, Area, Role
from volunteers.services import (
    pool_join,
    pool_member_confirm,
    role_interest_register,
    role_set_status,
)
from volunteers.services.mailings import announcement_send

from .factories import RoleFactory, StaffFactory
from .funding.factories import open_round, rate, submit_funding

LONG_EMAIL = (
    "maria.dolores.fernandez-castellanos.organiser@pyladies-barcelona-community.example.org"
)
LONG_NAME = "Maria Dolores Fernández-Castellanos de la Vega y Santisteban"
LONG_TITLE = (
    "Venue, catering, travel grants and childcare for the first PyLadies Barcelona regional "
    "conference with two tracks, workshops for beginners and a sprint day for open-source "
    "projects"
)[:200]
LONG_STAFF_EMAIL = "alexandra.konstantinopoulou-triage@python.org"


def fill_admin_lists(*, staff: User) -> HelpRequest:
    """Demo data and long rows in every admin list; returns the request with the long title.

    Needs the lookup rows a transactional test's flush removes (the help_kinds, areas and
    funding_rules fixtures)."""
    call_command("seed_demo", verbosity=0)
    colleague = StaffFactory(email=LONG_STAFF_EMAIL, name="Alexandra Konstantinopoulou")
    long_one = help_request_submit(
        title=LONG_TITLE,
        description="We expect 300 people.",
        name=LONG_NAME,
        email=LONG_EMAIL,
        organisation="PyLadies Barcelona and the Catalan Python user groups",
        area=HelpRequest.Area.EVENTS,
    )
    help_request_triage(help_request=long_one, by=staff, assignee=colleague)
    submit_funding(title=LONG_TITLE, email=LONG_EMAIL, name=LONG_NAME, currency="EUR")
    rate("EUR", "1.08", valid_from=date(2020, 1, 6))
    open_round(name="Grants for regional conferences and user groups, autumn and winter")
    CannedReply.objects.get_or_create(
        title="Thank you: we need the budget in more detail before the board meets",
        defaults={"body": "Thank you, {name}. Could you list each cost of {reference}?"},
    )
    areas = list(Area.objects.all())
    role = RoleFactory(
        title="Mentor for first-time speakers at regional Python conferences and meetups",
        area=areas[0],
        status=Role.Status.DRAFT,
    )
    role_set_status(role=role, status=Role.Status.OPEN)  # a pool mailing for the role
    role_interest_register(
        role=role,
        name=LONG_NAME,
        email=LONG_EMAIL,
        availability="Two evenings a week from September, and some weekends",
        message="I ran the speaker mentoring at PyCon Spain for three years.",
    )
    member = pool_join(  # another address: this one's daily cap of unverified mail is spent
        email=LONG_EMAIL.replace("organiser", "volunteer"),
        name=LONG_NAME,
        interests=areas,
        skills="Django, teaching, event organising",
        consent_text=POOL_CONSENT_TEXT,
    )
    pool_member_confirm(signup=member.signups.get())
    announcement = Announcement.objects.create(
        subject="The PSF is looking for mentors for first-time speakers at regional conferences",
        body="Write to us if you would like to help.",
        created_by=staff,
    )
    announcement_send(announcement=announcement, by=staff)
    gone = help_request_submit(title="To be erased", description="x", email="gone@example.org")
    person_erase(person=person_of_address(email=gone.email), via=Erasure.Via.LINK)
    retention_run()
    mail_intake(  # quarantined whatever handler is registered: flagged upstream
        raw=(
            f"From: {LONG_NAME} <{LONG_EMAIL}>\r\nTo: psf@python.org\r\nSubject: {LONG_TITLE}\r\n"
            "X-Spam-Flag: YES\r\n\r\nHello"
        ).encode(),
        door=InboundMessage.Door.WEBHOOK,
    )
    return long_one
