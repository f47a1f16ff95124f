"""Counting the rows of a grouped query: what the ORM has no words for.

A figure such as "requests per day submitted and day first answered" needs two steps: each
request's first answer (a MIN over its comments and history, grouped by request), then the
requests counted per pair of days. Django groups once per query; `counted` wraps the first
query's SQL, as Django itself wraps a query for `aggregate()` over annotations, and groups it
again. The rows read back are then bounded by the distinct values (days), not by the rows."""

from datetime import date
from typing import Any

from django.db import connections
from django.db.models import DateField, QuerySet


def _value(value: Any, field: Any) -> Any:
    # SQLite gives a date as text (Django's converters are skipped by a raw cursor).
    if isinstance(field, DateField) and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def counted(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """(each selected value ..., rows with those values) for a `.values(...)` query."""
    query = rows.query
    names = [*query.values_select, *query.annotation_select]
    fields = [
        query.annotation_select[name].output_field
        if name in query.annotation_select
        else query.model._meta.get_field(name)  # type: ignore[union-attr]
        for name in names
    ]
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in names)
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            # Only quoted column names and the ORM's own SQL are joined in; values stay params.
            f"SELECT {columns}, COUNT(*) FROM ({sql}) AS counted GROUP BY {columns}",  # noqa: S608
            params,
        )
        found = cursor.fetchall()
    return [
        (*(_value(v, f) for v, f in zip(row[:-1], fields, strict=True)), row[-1]) for row in found
    ]
