"""Counting the rows of grouped queries joined together: what the ORM has no words for.

A figure such as "requests per day submitted and day first answered" needs two steps: each
request's first answer (a MIN over its replies, another over its closings, each grouped by
request), then the requests counted per pair of days. Django groups once per query and joins
no grouped query; `counted_with_earliest` joins the ORM's own queries' SQL, as Django itself
wraps a query for `aggregate()` over annotations, and groups again. The rows read back are
then bounded by the distinct values (days), not by the rows."""

from datetime import date
from typing import Any

from django.db import connections
from django.db.models import DateField, QuerySet


def _value(value: Any, field: Any) -> Any:
    # SQLite gives a date as text (Django's converters are skipped by a raw cursor).
    if isinstance(field, DateField) and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def counted_with_earliest(
    rows: QuerySet[Any], firsts: list[QuerySet[Any]]
) -> list[tuple[date, date | None, int]]:
    """(day, earliest first day, rows): `rows` selects `rid` and `day`, and each of `firsts`
    selects, grouped by `rid`, the `first` day of something (a request's first reply, its
    first closing); each row gets the earliest of its firsts (None without one), and the rows
    are counted per pair of days.

    Each of `firsts` is grouped on its own before it is joined (one row per rid), so no row is
    multiplied by the joins and grouped again by rid afterwards: for 10,000 requests the first
    answers took half the time this way. Days compare as dates on PostgreSQL and as ISO text
    on SQLite, and a missing first is never the earliest."""
    connection = connections[rows.db]
    rid, first = connection.ops.quote_name("rid"), connection.ops.quote_name("first")
    sql, params = rows.query.sql_with_params()
    joins, earliest = [], ""
    for n, found_first in enumerate(firsts):
        first_sql, first_params = found_first.query.sql_with_params()
        joins.append(f"LEFT JOIN ({first_sql}) AS f{n} ON f{n}.{rid} = r.{rid}")
        params = (*params, *first_params)
        one = f"f{n}.{first}"
        earliest = (
            f"CASE WHEN {one} IS NULL OR {one} > {earliest} THEN {earliest} ELSE {one} END"
            if earliest
            else one
        )
    day = connection.ops.quote_name("day")
    with connection.cursor() as cursor:
        cursor.execute(
            # Quoted names, aliases made here and the ORM's own SQL; values stay params.
            f"SELECT r.{day}, {earliest}, COUNT(*) FROM ({sql}) AS r "  # noqa: S608
            f"{' '.join(joins)} GROUP BY 1, 2",
            params,
        )
        found = cursor.fetchall()
    field = DateField()
    return [(_value(d, field), _value(e, field), n) for d, e, n in found]
