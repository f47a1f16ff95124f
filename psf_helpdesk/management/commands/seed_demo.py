"""Demo data for `make run`: help requests in varied states, volunteer roles and interests."""

from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import User
from funding.demo import seed_funding
from help_requests.demo import seed_help_requests
from volunteers.demo import seed_roles

DEMO_STAFF = "demo-staff@example.org"


class Command(BaseCommand):
    help = "Load demo data (idempotent: what exists already is skipped)."

    def handle(self, *args: Any, **options: Any) -> None:
        staff, _ = User.objects.get_or_create(
            email=DEMO_STAFF, defaults={"name": "Demo staff", "is_staff": True}
        )
        if staff.has_usable_password():  # nobody signs in as the demo staff member
            staff.set_unusable_password()
            staff.save(update_fields=["password"])
        requests = seed_help_requests(staff=staff)
        requests += seed_funding(staff=staff)
        roles = seed_roles(staff=staff)
        self.stdout.write(f"Demo data ready ({requests} request(s), {roles} role(s) added).")
