"""Demo roles for `make run`: the four the PSF names, a few more, and some raised hands; and a
small volunteer pool, joined as people join it (the e-mailed link), one of whom left."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import Area, PoolMember, Role, RoleInterest
from .services import (
    pool_join,
    pool_member_confirm,
    pool_member_unsubscribe,
    role_interest_complete_vetting,
    role_interest_register,
    role_interest_set_status,
    role_save,
)

DEMO_ROLES: list[dict[str, Any]] = [
    {
        "title": "Postmaster",
        "slug": "postmaster",
        "area": "infrastructure",
        "summary": "Keep python.org's mail flowing: the mailing lists, the aliases, and the "
        "spam filters between them and the world.",
        "description": "python.org hosts hundreds of mailing lists on Mailman 3 and the "
        "addresses that working groups, conferences and core developers rely on.\n\n"
        "As a postmaster you watch the mail queues, adjust spam filtering, help list owners "
        "who are stuck, and keep SPF, DKIM and DMARC records right so our mail is delivered. "
        "You work with the PSF Infrastructure team, who run the servers.",
        "skills": "Postfix or another MTA\nMailman (2 or 3)\nDNS records for mail: SPF, DKIM, "
        "DMARC\nCalm, written communication with list owners",
        "time_commitment": "2 to 4 hours a week",
        "location": "Remote",
        "first_task": "Review last month's bounce reports for three lists and suggest which "
        "addresses should be unsubscribed.",
        "contact_name": "PSF Infrastructure team",
        "contact_email": "infrastructure-staff@python.org",
        "people_needed": 2,
        "is_vetted": True,
    },
    {
        "title": "Website maintainer",
        "slug": "website-maintainer",
        "area": "web",
        "summary": "Help keep www.python.org accurate, fast and welcoming: content, bug fixes "
        "and reviews on the Django project behind it.",
        "description": "www.python.org is a Django application maintained in the open. "
        "Maintainers triage issues, review pull requests, update pages when releases and events "
        "change, and keep the dependencies current.\n\n"
        "You do not need to know the whole code base: most work is small, well-scoped and "
        "reviewed by another maintainer.",
        "skills": "Python and Django\nHTML and CSS\nReviewing other people's pull requests",
        "time_commitment": "2 hours a week",
        "location": "Remote",
        "first_task": "Pick an issue labelled “good first issue” in the python.org repository "
        "and open a pull request for it.",
        "contact_name": "Website working group",
        "contact_email": "webmaster@python.org",
        "people_needed": 3,
        "last_reviewed_days_ago": 12,
    },
    {
        "title": "Help-list responder",
        "slug": "help-list-responder",
        "area": "support",
        "summary": "Answer the questions people send to help@python.org, kindly, and point "
        "them to where they can learn more.",
        "description": "Every week people write to help@python.org: beginners stuck on an "
        "install, teachers looking for material, people who found a security issue. "
        "Responders answer what they can, forward what belongs elsewhere (security reports, "
        "trademark questions) and keep a friendly tone.\n\n"
        "Responders share the queue, so you can answer a few messages when you have time.",
        "skills": "Broad Python experience\nPatience with beginners\nClear, friendly writing",
        "time_commitment": "1 to 2 hours a week",
        "location": "Remote",
        "first_task": "Read the responder guide and draft answers to three archived questions; "
        "a senior responder reviews them with you.",
        "contact_name": "Help-list coordinators",
        "contact_email": "help-coordinators@python.org",
        "people_needed": 4,
        "last_reviewed_days_ago": 40,
    },
    {
        "title": "Job-board updater",
        "slug": "job-board-updater",
        "area": "web",
        "summary": "Review the job offers posted to the Python job board and keep it free of "
        "spam and out-of-date listings.",
        "description": "Companies post Python jobs at python.org/jobs. Each offer is reviewed "
        "before it goes live: is it a real Python job, is the description complete, does it "
        "follow the posting guidelines?\n\n"
        "Updaters approve, ask for changes or reject offers, and archive listings that have "
        "expired.",
        "skills": "Attention to detail\nSome idea of what Python jobs look like",
        "time_commitment": "30 minutes, three times a week",
        "location": "Remote",
        "first_task": "Shadow an experienced reviewer for a week of submissions.",
        "contact_name": "Job board team",
        "contact_email": "jobs@python.org",
        "people_needed": 2,
    },
    {
        "title": "Conference mentor",
        "slug": "conference-mentor",
        "area": "events",
        "summary": "Guide first-time organisers of a PyCon, PyData or Python Day through "
        "their first event.",
        "description": "New conferences start every year, often run by people who have never "
        "organised one. A mentor meets them once a month: budget and sponsorship, venue "
        "contracts, a code of conduct and its response team, call for proposals, "
        "volunteers.\n\n"
        "You have organised at least one community event yourself.",
        "skills": "Experience organising a community event\nBudgeting\nCode of conduct response",
        "time_commitment": "One call a month, for a year",
        "location": "Remote (any time zone)",
        "contact_name": "PSF Community team",
        "contact_email": "community@python.org",
        "people_needed": 5,
        "closes_in_days": 90,
    },
    {
        "title": "Grants reviewer",
        "slug": "grants-reviewer",
        "area": "grants",
        "summary": "Read grant applications from Python communities around the world and "
        "help the Grants Working Group decide.",
        "description": "The PSF funds workshops, sprints, conferences and projects. Reviewers "
        "read each application, ask the applicants questions and recommend a decision and an "
        "amount to the Grants Working Group.\n\n"
        "Reviewers from every region help us understand what an event costs where it happens.",
        "skills": "Knowledge of a Python community outside North America or Europe is a plus\n"
        "Reading budgets",
        "time_commitment": "3 to 5 hours a month",
        "location": "Remote",
        "contact_name": "Grants Working Group",
        "contact_email": "grants@python.org",
        "people_needed": 3,
    },
    {
        "title": "Server administrator for community mirrors",
        "slug": "mirror-sysadmin",
        "area": "infrastructure",
        "summary": "A draft: not shown on the site until staff open it.",
        "description": "Keep community package mirrors patched and monitored.",
        "time_commitment": "2 hours a week",
        "contact_name": "PSF Infrastructure team",
        "contact_email": "infrastructure-staff@python.org",
        "is_vetted": True,
        "status": Role.Status.DRAFT,
    },
]

DEMO_INTERESTS: list[dict[str, Any]] = [
    {
        "role": "help-list-responder",
        "name": "Tomás Rivera",
        "email": "tomas@example.org",
        "availability": "An hour on weekday evenings (UTC-3)",
        "message": "I answer questions on the Python Discourse and would like to help here too.",
        "status": RoleInterest.Status.ONBOARDED,
    },
    {
        "role": "postmaster",
        "name": "Ingrid Solberg",
        "email": "ingrid@example.org",
        "availability": "Three hours a week, mornings in Europe",
        "message": "I run Postfix and Mailman for my university department.",
        "status": RoleInterest.Status.CONTACTED,
    },
    {
        "role": "website-maintainer",
        "name": "Kwame Mensah",
        "email": "kwame@example.org",
        "availability": "Weekends",
        "message": "",
        "status": RoleInterest.Status.NEW,
    },
]


def seed_roles(*, staff: User) -> int:
    """Create the demo roles and interests that are missing; returns how many roles were added."""
    areas = {area.code: area for area in Area.objects.all()}
    today = timezone.localdate()
    added = 0
    for demo in DEMO_ROLES:
        data = dict(demo)
        if Role.objects.filter(slug=data["slug"]).exists():
            continue
        reviewed = data.pop("last_reviewed_days_ago", None)
        closes = data.pop("closes_in_days", None)
        data.setdefault("status", Role.Status.OPEN)
        role = Role(
            **{**data, "area": areas[data["area"]]},
            last_reviewed_on=today - timedelta(days=reviewed) if reviewed is not None else None,
            closes_on=today + timedelta(days=closes) if closes is not None else None,
        )
        role_save(role=role)
        added += 1
    for demo in DEMO_INTERESTS:
        data = dict(demo)
        role = Role.objects.get(slug=data.pop("role"))
        status = data.pop("status")
        if role.interests.filter(email__iexact=data["email"]).exists():
            continue
        with transaction.atomic():
            interest = role_interest_register(role=role, **data)
            if status == RoleInterest.Status.ONBOARDED:
                role_interest_complete_vetting(interest=interest, by=staff)
            if status != RoleInterest.Status.NEW:
                role_interest_set_status(interest=interest, status=status, by=staff)
    return added


# (name, e-mail, areas, frequency); the last one left the pool again.
DEMO_POOL = [
    ("Ines Okafor", "ines.okafor@example.org", ["support", "web"], PoolMember.Frequency.WEEKLY),
    ("Tomás Silva", "tomas.silva@example.org", ["events"], PoolMember.Frequency.WEEKLY),
    ("Mei Chen", "mei.chen@example.org", ["infrastructure"], PoolMember.Frequency.AS_ROLES_OPEN),
    ("Ravi Nair", "ravi.nair@example.org", ["outreach"], PoolMember.Frequency.WEEKLY),
]
DEMO_POOL_LEFT = "ravi.nair@example.org"
DEMO_CONSENT = "I agree that the PSF may e-mail me about volunteer roles (demo)."


def seed_pool() -> int:
    """Members who joined and confirmed from their e-mailed link, one of whom then left;
    returns how many joined now (an address already in the pool is skipped)."""
    areas = {area.code: area for area in Area.objects.all()}
    joined = 0
    for name, email, codes, frequency in DEMO_POOL:
        if PoolMember.objects.filter(email__iexact=email).exists():
            continue
        member = pool_join(
            email=email,
            name=name,
            interests=[areas[code] for code in codes],
            consent_text=DEMO_CONSENT,
            frequency=frequency,
        )
        member = pool_member_confirm(signup=member.signups.get())
        if email == DEMO_POOL_LEFT:
            pool_member_unsubscribe(member=member)
        joined += 1
    return joined
