"""Volunteer roles: opened and filled, days to fill, interests per role and where they are now,
escalations. A fixed number of queries each, grouped in the database."""

from collections import Counter
from datetime import date

from django.db.models import Count, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from volunteers.models import Role, RoleInterest, RoleInterestChange

from ..charts import Chart, Series, compare, half, median, plural, within
from ..periods import Period
from ._dates import Buckets, daily, per_week, week_label

TOP_ROLES = 8


def _filled(period: Period) -> list[tuple[date, date, int]]:
    """(day opened, day filled, roles) for roles marked filled in `period` (and the period
    before, given `period.with_previous()`), whatever they are now: Role.filled_at, kept by
    role_mark_filled."""
    rows = (
        Role.objects.filter(filled_at__gte=period.since, filled_at__lt=period.until)
        .values(opened=TruncDate("opened_at"), filled=TruncDate("filled_at"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(row["opened"], row["filled"], row["n"]) for row in rows]


def roles_opened_filled(period: Period) -> Chart:
    """Two queries: opened and filled, this period and the one before together."""
    opened, opened_before = daily(Role.objects.all(), "opened_at", period, before=True)
    filled_all = _filled(period.with_previous())
    filled = [row for row in filled_all if row[1] in period]
    opened_n, filled_n = sum(n for _, n in opened), sum(n for *_, n in filled)
    filled_before = sum(n for *_, n in filled_all) - filled_n
    return Chart(
        key="roles",
        title="Volunteer roles opened and filled per week",
        summary=f"{opened_n} role{'s' if opened_n != 1 else ''} opened"
        f"{compare(opened_n, opened_before)}; {filled_n} filled"
        f"{compare(filled_n, filled_before)}.",
        labels=[f"Week of {week_label(m)}" for m in period.weeks()],
        series=[
            Series("Opened", per_week(period, opened)),
            Series("Filled", per_week(period, [(f, n) for _, f, n in filled])),
        ],
        label_heading="Week",
        note="Filled: the day staff marked the role filled. A role that opens again counts "
        "from its new opening.",
    )


TO_FILL = Buckets(
    [(7, "Within a week"), (14, "1–2 weeks"), (28, "2–4 weeks"), (91, "1–3 months")],
    "More than 3 months",
)


def roles_days_to_fill(period: Period) -> Chart:
    """Two queries: the roles marked filled in the period, and the roles still open today."""
    filled = _filled(period)
    days = [(f - o).days for o, f, n in filled for _ in range(n)]
    still = Role.objects.filter(status=Role.Status.OPEN).aggregate(
        n=Count("pk"), oldest=Min("opened_at")
    )
    middle = median(days)
    if middle is None:
        summary = "No role was filled in this period"
    else:
        summary = (
            f"{plural(len(days), 'role', 'roles')} filled, {half(len(days))}{within(middle)} of "
            "opening"
        )
    if still["n"]:
        age = (timezone.now() - still["oldest"]).days
        summary += f"; {still['n']} still open, the oldest for {age} days"
    return Chart(
        key="days-to-fill",
        title="Days from opening a role to filling it",
        summary=summary + ".",
        labels=TO_FILL.labels,
        series=[Series("Roles filled", TO_FILL.count(days))],
        label_heading="Time to fill",
    )


def roles_interests(period: Period) -> Chart:
    """Interests raised in the period, per role, by where they are now. One query."""
    rows = (
        RoleInterest.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
        .values("role_id", "role__title", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_role: dict[int, Counter[str]] = {}
    titles: dict[int, str] = {}
    for row in rows:
        per_role.setdefault(row["role_id"], Counter())[row["status"]] += row["n"]
        titles[row["role_id"]] = row["role__title"]
    ranked = sorted(per_role, key=lambda pk: (-sum(per_role[pk].values()), titles[pk]))
    shown, rest = ranked[:TOP_ROLES], ranked[TOP_ROLES:]
    labels = [titles[pk] for pk in shown]
    counters = [per_role[pk] for pk in shown]
    if rest:
        labels.append(f"{len(rest)} other roles")
        counters.append(sum((per_role[pk] for pk in rest), Counter()))
    totals = sum(counters, Counter())
    n = sum(totals.values())
    waiting = totals[RoleInterest.Status.NEW] + totals[RoleInterest.Status.CONTACTED]
    return Chart(
        key="interests",
        title="Interests per role, by where they are now",
        summary=f"{n} hand{'s' if n != 1 else ''} raised for {len(per_role)} role"
        f"{'s' if len(per_role) != 1 else ''}: {totals[RoleInterest.Status.ONBOARDED]} onboarded, "
        f"{totals[RoleInterest.Status.DECLINED]} declined, {waiting} still new or contacted.",
        labels=labels,
        series=[
            Series(s.label, [c.get(s.value, 0) for c in counters]) for s in RoleInterest.Status
        ],
        kind="hstacked",
        label_heading="Role",
        note="Interests raised in the period, by their status today; how they moved in the "
        "period is the next chart.",
    )


S = RoleInterest.Status
RAISED = "Raised (new)"
# The steps in the order an interest takes them; any other (back to new, a declined hand
# reopened) is counted together.
STEPS = [
    ((S.NEW, S.CONTACTED), "New → contacted"),
    ((S.CONTACTED, S.ONBOARDED), "Contacted → onboarded"),
    ((S.NEW, S.ONBOARDED), "New → onboarded"),
    ((S.CONTACTED, S.DECLINED), "Contacted → declined"),
    ((S.NEW, S.DECLINED), "New → declined"),
]
BACK = "Moved back or reopened"


def roles_interest_flow(period: Period) -> Chart:
    """How interests moved in the period: hands raised, then each step taken (new → contacted
    → onboarded or declined) from RoleInterestChange, with the days from raising a hand to
    being contacted; the hands raised in the period before. Two queries."""
    raised_days, raised_before = daily(
        RoleInterest.objects.all(), "created_at", period, before=True
    )
    raised = sum(n for _, n in raised_days)
    changes = (
        RoleInterestChange.objects.filter(changed_at__gte=period.since, changed_at__lt=period.until)
        .values("old", "new", raised=TruncDate("interest__created_at"), on=TruncDate("changed_at"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    names: dict[tuple[str, str], str] = dict(STEPS)
    steps: Counter[str] = Counter()
    to_contact: list[int] = []
    for row in changes:
        steps[names.get((row["old"], row["new"]), BACK)] += row["n"]
        if row["new"] == S.CONTACTED:
            to_contact += [(row["on"] - row["raised"]).days] * row["n"]
    moved_to = Counter[str]()
    for (_, new), label in STEPS:
        moved_to[new] += steps[label]
    summary = (
        f"{plural(raised, 'hand', 'hands')} raised{compare(raised, raised_before)}; in the "
        f"period {moved_to[S.CONTACTED]} contacted, {moved_to[S.ONBOARDED]} onboarded and "
        f"{moved_to[S.DECLINED]} declined"
    )
    middle = median(to_contact)
    if middle is not None:
        who = "half of those contacted" if len(to_contact) > 1 else "the one contacted"
        when = "they raised their hand" if middle == 0 else "of raising their hand"
        summary += f"; {who} heard from staff {within(middle)} {when}"
    labels = [RAISED, *(label for _, label in STEPS), BACK]
    return Chart(
        key="interest-flow",
        title="How interests moved: new → contacted → onboarded or declined",
        summary=summary + ".",
        labels=labels,
        series=[Series("Interests", [raised, *(steps[label] for label in labels[1:])])],
        kind="hbar",
        label_heading="Step",
        note="Each step staff took in the period, whenever the hand was raised. Marking a role "
        "filled declines its other open hands (counted as declined). Steps taken before the "
        "portal kept each one are not known.",
    )


def roles_escalations(period: Period) -> Chart:
    """Interests escalated for going unanswered, per week, and the period before. One query."""
    counts, before = daily(RoleInterest.objects.all(), "escalated_at", period, before=True)
    n = sum(c for _, c in counts)
    return Chart(
        key="escalations",
        title="Interests escalated for going unanswered, per week",
        summary=f"{n} interest{'s' if n != 1 else ''} escalated{compare(n, before)}.",
        labels=[f"Week of {week_label(m)}" for m in period.weeks()],
        series=[Series("Escalated", per_week(period, counts))],
        label_heading="Week",
    )
