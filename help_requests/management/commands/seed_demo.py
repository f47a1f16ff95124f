"""Demo data for `make run`: a few help requests in varied states. Safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from help_requests.models import HelpKind, HelpRequest
from help_requests.services import help_request_submit, help_request_triage

DEMO_STAFF = "demo-staff@example.org"

DEMO_REQUESTS: list[dict[str, Any]] = [
    {
        "submit": {
            "name": "Amara Okafor",
            "email": "amara@example.org",
            "organisation": "PyCon Lagos",
            "area": HelpRequest.Area.EVENTS,
            "kinds": ["funding", "advice"],
            "title": "Seed funding for the first PyCon Lagos",
            "description": "We are 12 volunteers planning a first 300-person PyCon in Lagos. "
            "Ticket sales and sponsors should cover later editions; we need help with the "
            "venue deposit and advice on a code of conduct team.",
            "amount": 4000,
            "currency": "USD",
            "links": "https://example.org/pycon-lagos",
        },
        "triage": [],
    },
    {
        "submit": {
            "name": "Jonas Berg",
            "email": "jonas@example.org",
            "organisation": "pyjokes-mirror",
            "area": HelpRequest.Area.INFRASTRUCTURE,
            "kinds": ["infrastructure"],
            "title": "Hosting for a community package mirror in Scandinavia",
            "description": "Our university mirror is going away. Could the PSF help us find "
            "hosting for a PyPI mirror that serves the Nordic user groups?",
        },
        "triage": [
            {"status": HelpRequest.Status.TRIAGED, "priority": HelpRequest.Priority.HIGH},
            {
                "status": HelpRequest.Status.WAITING,
                "public_reply": "Thanks, Jonas! How much traffic does the mirror serve per "
                "month, and which region should it be in?",
            },
        ],
    },
    {
        "submit": {
            "name": "Mei Chen",
            "email": "mei@example.org",
            "organisation": "Taipei Python user group",
            "area": HelpRequest.Area.COMMUNITY,
            "kinds": ["people"],
            "title": "Mentors for our beginners' workshop series",
            "description": "We run monthly workshops for newcomers and need two more mentors "
            "who can teach in Mandarin or English.",
        },
        "triage": [
            {
                "status": HelpRequest.Status.RESOLVED,
                "public_reply": "We introduced you to three mentors from the Python Taiwan "
                "community; they will write to you this week. Good luck with the series!",
            },
        ],
    },
    {
        "submit": {
            "type": HelpRequest.Type.SUGGESTION,
            "title": "Publish the grants calendar a year ahead",
            "description": "Organisers could plan better if the grant deadlines were known a "
            "year in advance.",
        },
        "triage": [],
    },
]


class Command(BaseCommand):
    help = "Load demo help requests (idempotent: requests that exist by title are skipped)."

    def handle(self, *args: Any, **options: Any) -> None:
        staff, _ = User.objects.get_or_create(
            email=DEMO_STAFF, defaults={"name": "Demo staff", "is_staff": True}
        )
        if staff.has_usable_password():
            staff.set_unusable_password()
            staff.save(update_fields=["password"])
        created = 0
        for demo in DEMO_REQUESTS:
            data = dict(demo["submit"])
            if HelpRequest.objects.filter(title=data["title"]).exists():
                continue
            with transaction.atomic():
                data["kinds"] = list(HelpKind.objects.filter(code__in=data.get("kinds", [])))
                help_request = help_request_submit(**data)
                for step in demo["triage"]:
                    help_request = help_request_triage(help_request=help_request, by=staff, **step)
            created += 1
        self.stdout.write(f"Demo data ready ({created} request(s) added).")
