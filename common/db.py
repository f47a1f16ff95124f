"""Database helpers: the one "any of these addresses" filter, and what differs between
PostgreSQL (production) and SQLite (the plain test run)."""

from collections.abc import Iterable

from django.db.migrations.operations import AddField, AddIndex
from django.db.models import Q


def iexact_any(field: str, values: Iterable[str]) -> Q:
    """Rows whose `field` is one of `values`, in any case (a person's addresses); no row at all
    for no value. `field` may follow a relation: "help_request__email"."""
    match = Q(pk__in=[])
    for value in values:
        match |= Q(**{f"{field}__iexact": value})
    return match


class AddIndexOnPostgres(AddIndex):
    """AddIndex for an index only PostgreSQL can build (GIN, full-text expressions).

    The model's state always has the index; SQLite, which has no such index type, skips
    building it, and its queries work the same without it.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddFieldInPlace(AddField):
    """AddField that SQLite does with ALTER TABLE ADD COLUMN (the default kept in the column).

    For a NOT NULL field Django's SQLite backend rebuilds the table from the model's state, and
    that state holds the PostgreSQL-only indexes above, which SQLite cannot build.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        definition, params = schema_editor.column_sql(model, field, include_default=True)
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"ADD COLUMN {schema_editor.quote_name(field.column)} {definition}",
            params,
        )
