"""The queries that grow with the data read an index, and the admin lists do not count twice.

At 10,000 requests and 20,000 pool members (`make bench`), a sequential scan on every page load
is what makes a list slow; these tests fail if a query stops matching its index.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from volunteers.selectors import roles_open

from .conftest import ON_POSTGRES
from .factories import HelpRequestFactory, PoolMemberFactory, RoleFactory

pytestmark = pytest.mark.django_db


def plan(sql: str, params, *, table: str) -> str:
    """PostgreSQL's plan for a query, with the table's statistics up to date."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
def test_role_search_reads_its_gin_index(areas):
    # Enough open roles that reading them all would cost more than the index.
    RoleFactory.create_batch(400, description="Organise sprints and review pull requests.")
    RoleFactory(title="Postmaster", summary="Keep python.org mail flowing")
    found = roles_open(q="mail")
    assert [role.title for role in found] == ["Postmaster"]
    sql, params = found.query.sql_with_params()
    assert "role_search" in plan(sql, params, table="volunteers_role")


@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
def test_the_admin_lists_newest_first_from_an_index(help_kinds):
    from help_requests.models import HelpRequest
    from volunteers.models import PoolMember

    HelpRequestFactory.create_batch(300)
    PoolMemberFactory.create_batch(300)
    for queryset, index in (
        (HelpRequest.objects.order_by("-submitted_at")[:100], "help_request_age"),
        (PoolMember.objects.order_by("-created_at")[:100], "volunteers__created_dcdac3_idx"),
    ):
        sql, params = queryset.query.sql_with_params()
        assert index in plan(sql, params, table=queryset.model._meta.db_table)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/help_requests/helprequest/?status__exact=new",
        "/admin/volunteers/poolmember/?q=example",
        "/admin/volunteers/roleinterest/?status__exact=new",
        "/admin/notifications/outboundemail/?status__exact=sent",
        "/admin/accounts/auditevent/?action__exact=signin",
    ],
)
def test_a_filtered_admin_list_does_not_count_the_whole_table(staff_client, url):
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(url)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1, counts  # the filtered list's own, not also the whole table's


@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
def test_the_admin_search_for_a_person_reads_the_trigram_indexes(staff_client, help_kinds):
    from help_requests.models import HelpRequest

    HelpRequest.objects.bulk_create(
        HelpRequest(
            reference=f"HR-2020-{n:05d}",
            name=f"Person {n}",
            email=f"person{n}@example.org",
            title=f"Help with our community project number {n}",
            description="We would like some help. " * 20,
        )
        for n in range(10_000)  # the size `make bench` loads
    )
    HelpRequestFactory(name="Amara Okafor", email="amara@example.org")
    fields = ("reference", "title", "name", "email", "description", "organisation")
    with connection.cursor() as cursor:
        for field in fields:  # new rows wait in a GIN index's pending list until autovacuum
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [f"hr_search_{field}"])

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get("/admin/help_requests/helprequest/?q=okafor")

    assert response.status_code == 200
    assert [row.name for row in response.context["cl"].result_list] == ["Amara Okafor"]
    (search, *_) = [q["sql"] for q in queries if "LIKE" in q["sql"] and "COUNT" not in q["sql"]]
    searched = plan(search, None, table="help_requests_helprequest")
    for field in fields:
        assert f"hr_search_{field}" in searched, searched
