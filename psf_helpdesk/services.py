"""Writes that span the portal: the daily digest for staff (sent by psf_helpdesk.tasks)."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.date_filters import long_date, long_datetime_zone
from help_requests.selectors import help_requests_awaiting_triage
from insights.selectors import insights_week_line
from notifications.services import email_queue
from volunteers.selectors import pool_members_to_announce
from volunteers.services import pool_members_mark_announced

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
            "admin_path": reverse("admin:help_requests_helprequest_change", args=[r.pk]),
        }
        for r in waiting[:DIGEST_LIMIT]
    ]
    joined = pool_members_to_announce()
    members = [
        {
            "id": m.pk,
            "name": m.name,
            "email": m.email,
            "interests": ", ".join(area.label for area in m.interests.all()),
            "confirmed_at": long_datetime_zone(m.confirmed_at),
        }
        for m in joined[:DIGEST_LIMIT]
    ]
    return {
        "day": now.date().isoformat(),  # the digest's key: one a day
        "date": long_date(now.date()),  # as the pages write dates
        "unassigned": rows,
        "unassigned_total": waiting.count(),
        "new_members": members,
        "new_members_total": joined.count(),
        # The week in one line, and where the charts are (the Insights dashboard).
        "week": insights_week_line(today=timezone.localdate(now)),
        "insights_path": reverse("admin:insights_dashboard_changelist"),
    }


def staff_digest_send() -> bool:
    """Once a day: unassigned requests and new pool members to staff (nothing sent when none)."""
    with transaction.atomic():
        context = staff_digest_context()
        if not context["unassigned_total"] and not context["new_members_total"]:
            return False
        [digest] = email_queue(
            to=[settings.PSF_STAFF_EMAIL],
            template="staff_digest",
            context=context,
            key=f"staff-digest:{context['day']}",
        )
        # A rerun on the same day finds today's digest already queued: only the members that
        # digest lists count as announced; anyone newer waits for tomorrow's.
        pool_members_mark_announced(member_ids=[m["id"] for m in digest.context["new_members"]])
    return True
