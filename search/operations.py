"""Migration operations that act on PostgreSQL only.

Full-text search (the tsvector trigger, the GIN index) exists only there. These leave
the migration state the same on every database, so `makemigrations` sees one history
whatever it runs against; on other databases they simply do nothing to the schema.
"""

from django.db import migrations


class _PostgreSQLOnly:
    """Mixed into an operation: its schema changes run on PostgreSQL and nowhere else."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class PostgreSQLOnlyAddIndex(_PostgreSQLOnly, migrations.AddIndex):
    def describe(self):
        return f"{super().describe()} (PostgreSQL only)"


class PostgreSQLOnlyRunSQL(_PostgreSQLOnly, migrations.RunSQL):
    pass
