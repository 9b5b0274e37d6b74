"""Migration operations that act on PostgreSQL only.

Full-text search (the tsvector trigger, the GIN index) exists only there. These leave
the migration state the same on every database, so `makemigrations` sees one history
whatever it runs against; on other databases they simply do nothing to the schema.
"""

from django.db import migrations


def _is_postgresql(schema_editor):
    return schema_editor.connection.vendor == "postgresql"


class PostgreSQLOnlyAddIndex(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _is_postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _is_postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{super().describe()} (PostgreSQL only)"


class PostgreSQLOnlyRunSQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _is_postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _is_postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
