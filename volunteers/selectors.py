"""Reads for the volunteer pages and the admin, each a fixed number of queries whatever the rows."""

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import batched
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User
from common.db import iexact_any

from .cache import kept_with_roles
from .models import (
    Announcement,
    Area,
    PoolMember,
    PoolSignup,
    Role,
    RoleInterest,
    role_search_vector,
)


def _search(roles: QuerySet[Role], q: str) -> QuerySet[Role]:
    """Postgres: full-text search ranked by relevance. Elsewhere: every word must appear.

    A role is found by its own words or by its area's name ("events" finds every role in
    Conferences and events).
    """
    if connection.vendor == "postgresql":
        vector = role_search_vector()  # the expression of the role_search GIN index
        query = SearchQuery(q, search_type="websearch", config="english")
        # The areas first (a few rows), so the roles' own condition stays one the index answers.
        areas = list(
            Area.objects.annotate(search=SearchVector("label", config="english"))
            .filter(search=query)
            .values_list("code", flat=True)
        )
        # Match with @@: ts_rank gives a document that has only some of the words a tiny
        # positive rank (1e-20), so filtering on rank > 0 would let every role through.
        return (
            roles.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(Q(search=query) | Q(area_id__in=areas))
            .order_by("-rank", "-opened_at")
        )
    for word in q.split():
        roles = roles.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(skills__icontains=word)
            | Q(area__label__icontains=word)
        )
    return roles


def roles_open(*, area: Area | None = None, q: str = "") -> QuerySet[Role]:
    """Open roles, newest first, optionally in one area and matching a search."""
    roles = Role.objects.filter(status=Role.Status.OPEN).select_related("area")
    if area is not None:
        roles = roles.filter(area=area)
    if q.strip():
        roles = _search(roles, q.strip())
    return roles


def areas_with_open_roles() -> QuerySet[Area]:
    """Every area, with how many open roles it has (for the filter on /roles/)."""
    return Area.objects.annotate(
        open_roles=Count("roles", filter=Q(roles__status=Role.Status.OPEN))
    )


def role_for_page(*, slug: str, include_drafts: bool = False) -> Role:
    """A published role with how many people hold it, kept in the cache between changes
    (volunteers/cache.py); drafts are a 404 like unknown slugs, except for staff previewing
    them, who always read the database."""
    if include_drafts:
        return _role_with_holders(Role.objects.all(), slug)
    published = Role.objects.exclude(status="draft")
    return kept_with_roles(f"role-page:{slug}", lambda: _role_with_holders(published, slug))


def _role_with_holders(roles: QuerySet[Role], slug: str) -> Role:
    try:
        return (
            roles.select_related("area")
            .annotate(
                holders=Count(
                    "interests", filter=Q(interests__status=RoleInterest.Status.ONBOARDED)
                )
            )
            .get(slug=slug)
        )
    except Role.DoesNotExist:
        raise Http404("No such role.") from None


def roles_admin_list() -> QuerySet[Role]:
    """Roles with their interests counted by status, for the admin changelist."""
    by_status = {
        f"{status.value}_count": Count("interests", filter=Q(interests__status=status))
        for status in RoleInterest.Status
    }
    return Role.objects.select_related("area").annotate(**by_status)


def role_interests_admin_list() -> QuerySet[RoleInterest]:
    return RoleInterest.objects.select_related("role", "vetted_by", "status_changed_by")


def pool_members_admin_list() -> QuerySet[PoolMember]:
    return PoolMember.objects.prefetch_related("interests")


def pool_recipients(
    *, frequency: str | None = None, areas: Iterable[str] | None = None
) -> QuerySet[PoolMember]:
    """The members the PSF may e-mail: confirmed, not left, not suppressed. The one place that
    says who gets pool mail; `frequency` and `areas` (codes) narrow it. A member who ticked no
    area is open to anything, so is in every area."""
    members = PoolMember.objects.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True, suppressed_at__isnull=True
    )
    if frequency is not None:
        members = members.filter(frequency=frequency)
    if areas is not None:
        chosen = PoolMember.interests.through.objects.filter(poolmember_id=OuterRef("pk"))
        in_areas = Exists(chosen.filter(area_id__in=list(areas)))
        members = members.filter(in_areas | ~Exists(chosen))
    return members


def pool_members_subscribed() -> QuerySet[PoolMember]:
    """The members the PSF may e-mail, with their areas (the CSV export, the staff digest)."""
    return pool_recipients().prefetch_related("interests")


class ExportRow(NamedTuple):
    email: str
    name: str
    areas: list[str]  # labels, in the areas' order
    skills: str
    confirmed_at: datetime | None
    consented_at: datetime


def pool_member_rows_for_export(
    members: QuerySet[PoolMember], *, chunk: int = 2_000
) -> Iterator[list[ExportRow]]:
    """The CSV export's members with their areas, a chunk at a time.

    Plain rows from a server-side cursor and one more query per chunk (their areas): the worker
    holds one chunk, never the whole pool, and builds no model instance per row.
    """
    areas = list(Area.objects.values_list("code", "label"))  # in the areas' order
    fields = ("pk", "email", "name", "skills", "confirmed_at", "consented_at")
    for rows in batched(members.values_list(*fields).iterator(chunk_size=chunk), chunk):
        chosen: dict[int, set[str]] = {row[0]: set() for row in rows}
        through = PoolMember.interests.through.objects.filter(poolmember_id__in=list(chosen))
        for member_id, code in through.values_list("poolmember_id", "area_id"):
            chosen[member_id].add(code)
        yield [
            ExportRow(
                email, name, [label for code, label in areas if code in chosen[pk]], skills,
                confirmed_at, consented_at,
            )
            for pk, email, name, skills, confirmed_at, consented_at in rows
        ]  # fmt: skip


def pool_members_to_announce() -> QuerySet[PoolMember]:
    """Confirmed members the staff digest has not announced yet, first confirmed first."""
    return pool_members_subscribed().filter(announced_at=None).order_by("confirmed_at")


def pool_member_for_token(*, field: str, token: str) -> PoolMember:
    """The member behind an unsubscribe or preferences link; 404 for any other token."""
    try:
        return PoolMember.objects.get(**{field: token})
    except PoolMember.DoesNotExist:
        raise Http404("No such link.") from None


def pool_signup_for_token(*, token: str) -> PoolSignup:
    """The sign-up behind a confirmation link, with its member; 404 for any other token."""
    try:
        return PoolSignup.objects.select_related("member").get(token=token)
    except PoolSignup.DoesNotExist:
        raise Http404("No such link.") from None


def role_interests_of_person(*, user: User, emails: Iterable[str]) -> QuerySet[RoleInterest]:
    """The hands a signed-in person raised, by account or from an address they have verified."""
    match = Q(user=user) | iexact_any("email", emails)
    return RoleInterest.objects.filter(match).select_related("role").order_by("-created_at")


def pool_membership_of_person(*, emails: Iterable[str]) -> PoolMember | None:
    """The pool entry of one of a person's verified addresses (a subscribed one first)."""
    members = PoolMember.objects.filter(iexact_any("email", emails)).order_by(
        F("unsubscribed_at").asc(nulls_first=True)
    )
    return members.first()


def announcements_public() -> QuerySet[Announcement]:
    """Sent announcements marked public, newest first: the archive at /pool/announcements/."""
    return Announcement.objects.filter(is_public=True, sent_at__isnull=False).order_by("-sent_at")
