"""COPY … FROM STDIN: how bulk writers send many rows to PostgreSQL at once.

Django builds a multi-row INSERT parameter by parameter, preparing each value through
its field, and for a batch of a few thousand rows that takes longer than the server
needs to run it. COPY takes the rows as lines of tab-separated text, and building that
text costs a few microseconds a row.
"""

import re

# Characters of COPY text handed to the driver at a time.
_PIECE = 1 << 16
# COPY's text format gives these a meaning; in a value they are written escaped.
_SPECIAL = re.compile(r"[\\\t\n\r]")


def _text(value):
    if value is None:
        return "\\N"
    if type(value) is not str:
        value = str(value)
    if _SPECIAL.search(value) is None:
        return value
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _line(row):
    # Most rows need no escaping at all, which one look at the joined line tells: no
    # line break, a tab only between values, a backslash only in each NULL's \N.
    line = "\t".join(["\\N" if v is None else v if type(v) is str else str(v) for v in row])
    if (
        line.count("\t") == len(row) - 1
        and "\n" not in line
        and "\r" not in line
        and line.count("\\") == row.count(None)
    ):
        return line
    return "\t".join(map(_text, row))


class _Stream:
    """The rows as COPY text, made as the driver reads it: the server stores the first
    rows while the later ones are still being made."""

    def __init__(self, rows):
        self.lines = map(_line, rows)

    def read(self, size):
        parts, length = [], 0
        for line in self.lines:
            parts.append(line)
            length += len(line) + 1
            if length >= size:
                break
        return "\n".join(parts) + "\n" if parts else ""  # "" ends the COPY


def copy_rows(connection, table, columns, rows):
    """Write `rows` (an iterable of sequences of values in the order of `columns`) into
    `table`. Rows may be made as they are written: a generator is read as COPY goes.

    Values are written as str() gives them (numbers, datetimes with their time zone;
    a datetime repeated on every row is cheaper passed once formatted), None as NULL.
    Errors come back as Django's (IntegrityError, DataError), as they would from a
    query.
    """
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.copy_expert(sql, _Stream(rows), _PIECE)
