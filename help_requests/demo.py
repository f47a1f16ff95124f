"""Demo help requests for `make run`: a few requests in varied states (the funding requests,
with their budgets, are in funding/demo.py)."""

from typing import Any

from django.db import transaction

from accounts.models import User

from .models import HelpKind, HelpRequest
from .services import help_request_submit, help_request_triage

DEMO_REQUESTS: list[dict[str, Any]] = [
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


def seed_help_requests(*, staff: User) -> int:
    """Submit and triage the demo requests that are missing (by title); returns how many."""
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
    return created
