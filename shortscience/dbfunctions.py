"""Database functions Django does not ship."""

from django.db import connections
from django.db.models import Func, IntegerField, Lookup
from django.db.models.lookups import In


class OctetLength(Func):
    """The size of a text in bytes.

    Lists compare the size of each row's stored HTML (which can be megabytes) to decide
    whether to print it whole. PostgreSQL's `length()` counts characters, so it
    decompresses the whole stored value of every candidate row, before the sort and the
    limit: 7 ms for the 91 summaries of a busy paper. `octet_length()` reads the size
    from the stored value's header instead.
    """

    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite has octet_length() only from 3.43.
        return self.as_sql(
            compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))", **extra_context
        )


def among(db, expression, values):
    """expression IN values, for thousands of values (an import's batch). On PostgreSQL
    as `= ANY(%s)` with one array parameter: Django prepares each parameter of an IN
    list in Python, which for a batch's thousands of keys took longer than the query,
    and PostgreSQL has no limit on an array's length. Elsewhere a plain IN (SQLite
    takes up to 32,766 parameters a query)."""
    if connections[db].vendor == "postgresql":
        return AnyOf(expression, list(values))
    return In(expression, list(values))


class AnyOf(Lookup):
    """`lhs = ANY(%s)`, the values passed as one array (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, self.rhs)
