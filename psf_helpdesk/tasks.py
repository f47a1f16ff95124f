"""Periodic work that spans the portal: the daily digest for staff."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from help_requests.selectors import help_requests_awaiting_triage
from notifications.services import email_queue

DIGEST_LIMIT = 50


def staff_digest_context() -> dict[str, Any]:
    """What staff should look at today, as plain data for the e-mail templates."""
    now = timezone.now()
    waiting = help_requests_awaiting_triage()
    rows = [
        {
            "reference": r.reference,
            "title": r.title,
            "status": r.get_status_display(),
            "days": (now - r.submitted_at).days,
            "overdue": bool(r.answer_due and r.answer_due < now.date()),
            "admin_path": f"/admin/help_requests/helprequest/{r.pk}/change/",
        }
        for r in waiting[:DIGEST_LIMIT]
    ]
    return {"date": now.date().isoformat(), "unassigned": rows, "unassigned_total": waiting.count()}


@shared_task
def send_staff_digest() -> bool:
    """Once a day: open, unassigned requests to the staff inbox (nothing sent when none)."""
    context = staff_digest_context()
    if not context["unassigned_total"]:
        return False
    email_queue(
        to=[settings.PSF_STAFF_EMAIL],
        template="staff_digest",
        context=context,
        key=f"staff-digest:{context['date']}",
    )
    return True
