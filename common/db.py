"""Database helpers that differ between PostgreSQL (production) and SQLite (the plain test run)."""

from django.db.migrations.operations import AddIndex


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
