"""Columns the data builder's SQL does not name, for `bench/sitedata.py`.

The builder writes rows in SQL, naming each column, so a migration that adds a column
would break it (NOT NULL without a default: the insert fails) or leave it wrong (a
value derived from the text, left empty). Rather than fail or measure pages on empty
columns, the builder looks at the schema as it is:

- a NOT NULL column without a default that an insert does not name gets, while the
  builder runs, the model field's default (or '' for text) as its database default;
- a value the model derives from a summary's or comment's text (what its
  `rendered_fields()` returns besides `body_html` and `renderer_version`) is computed
  once per rendered text and copied into the rows made from that text.

Each is printed, since the first may be a value no real row would have: then the
builder's SQL in bench/sitedata.py needs that column.
"""

import json
import re

from django.apps import apps
from django.db import connection

INSERTED = re.compile(r"INSERT INTO (\w+)\s*\(([^)]*)\)", re.IGNORECASE)
# What every builder's row already has, whatever rendered_fields() says of it.
KNOWN_RENDERED = {"body_html", "renderer_version"}


def inserted_columns(statements):
    """{table: set of columns} named by the INSERT statements."""
    named = {}
    for sql in statements:
        for table, columns in INSERTED.findall(sql):
            named.setdefault(table, set()).update(c.strip() for c in columns.split(","))
    return named


def table_columns(table):
    """{column: (data type, NOT NULL without a default)}, identity columns left out."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT column_name, data_type, is_nullable = 'NO' AND column_default IS NULL
            FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = %s AND is_identity = 'NO'
            """,
            [table],
        )
        return {name: (data_type, required) for name, data_type, required in cursor.fetchall()}


def model_field(table, column):
    for model in apps.get_models():
        if model._meta.db_table == table:
            for field in model._meta.concrete_fields:
                if field.column == column:
                    return field
    return None


def field_default(table, column):
    field = model_field(table, column)
    if field is not None and field.has_default():
        return field.get_db_prep_save(field.get_default(), connection)
    if field is not None and field.empty_strings_allowed and not field.null:
        return ""
    raise RuntimeError(
        f"{table}.{column} is NOT NULL without a default, and bench/sitedata.py does not "
        "fill it: add it to the builder's INSERT for that table"
    )


class TemporaryDefaults:
    """Database defaults for the required columns the statements do not name, while
    the builder runs; dropped again on exit, so the schema stays the migrations'."""

    def __init__(self, statements, log=print, derived=()):
        self.named = inserted_columns(statements)
        self.log = log
        # (table, column) filled afterwards from the texts: the default only lets the
        # insert through, and is not worth a note.
        self.derived = set(derived)
        self.added = []

    def __enter__(self):
        try:
            self.set_defaults()
        except BaseException:
            self.__exit__()
            raise
        return self

    def set_defaults(self):
        with connection.cursor() as cursor:
            for table, named in self.named.items():
                for column, (_, required) in sorted(table_columns(table).items()):
                    if not required or column in named:
                        continue
                    value = field_default(table, column)
                    cursor.execute(
                        f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT %s', [value]
                    )
                    self.added.append((table, column))
                    if (table, column) not in self.derived:
                        self.log(
                            f"  note: {table}.{column} is not written by bench/sitedata.py; "
                            f"its rows get {value!r} (the model's default)"
                        )

    def __exit__(self, *exc_info):
        with connection.cursor() as cursor:
            for table, column in self.added:
                cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" DROP DEFAULT')


def derived_fields(model, text):
    """What the model stores from `text` besides the HTML every row already has, as
    JSON, or {} when its rendered_fields() cannot be called that way."""
    try:
        fields = model(body=text).rendered_fields()
    except TypeError:
        return {}
    return {name: value for name, value in fields.items() if name not in KNOWN_RENDERED}


def derived_update(table, kind, names, log=print):
    """An UPDATE (for `search.in_parallel`: ids %(start)s..%(stop)s) that sets the
    derived fields `names` of `table`'s rows from the text each was made from
    (bench_template.extra, kind `kind`); None when there is nothing to set."""
    columns = table_columns(table)
    assignments = []
    for name in sorted(names):
        column = getattr(model_field(table, name), "column", name)
        if column not in columns:
            continue
        data_type = columns[column][0]
        value = f"t.extra -> '{name}'"
        if data_type not in ("json", "jsonb"):
            value = f"(t.extra ->> '{name}')::{data_type}"
        assignments.append(f'"{column}" = {value}')
        log(
            f"  note: {table}.{column} is derived from the text: each row gets that of the "
            "rendered text it was made from (without the row's own first paragraph)"
        )
    if not assignments:
        return None
    return (
        f"UPDATE {table} AS r SET {', '.join(assignments)} FROM bench_template t "
        f"WHERE t.kind = '{kind}' AND t.n = 1 + r.id %% %(templates)s "
        "AND r.id BETWEEN %(start)s AND %(stop)s"
    )


def as_json(fields):
    return json.dumps(fields, default=str)
