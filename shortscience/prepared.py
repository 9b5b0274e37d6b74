"""Querysets compiled to SQL once per process, then run again with new values.

Django builds and compiles a queryset's SQL each time it runs, and makes a model
instance of each row it reads. For the homepage's page of cards that was 2.2 ms of
Python in a 4 ms page, for a query PostgreSQL answers in 0.3 ms: 0.4 ms to build the
queryset, 0.6 to compile it, 1.0 to make 33 instances (summaries, papers and authors).
The query is the same on every request but for a few values: the cursor of the page
and who is reading.

A `Statement` is such a queryset, of `values()`, written with a `Param` where a value
changes from run to run. It is compiled the first time it runs on a database, by the
ORM as any queryset is, so the rules it is built from stay in the querysets that hold
them; each later run only puts the values in the compiled parameters and reads the
rows, through the converters the ORM would apply (dates on SQLite, for one). Rows come
back as dicts of the `values()` names.

A statement of a model queryset gives model instances (`instances()`), its related
objects and annotations set as the ORM's own iterator sets them: for a page of a few
rows whose instances templates and other code read, such as a page of search results.

Only for a statement whose shape never changes: a `Param` stands for one value, never
for a None that would have to become `IS NULL`; a list of values of any length is one
parameter through `Among` (where IN would need a statement for each length). A query
whose shape depends on its values keeps one Statement for each shape (search.queries).
"""

import json
import threading

from django.db import connections, router
from django.db.models import BooleanField, Expression, Field, Func
from django.db.models.query import get_related_populators


class Param(Expression):
    """A value given when the statement runs (`Statement.rows(name=value)`), compiled
    as a placeholder. `output_field` prepares it for the database as Value would."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def __repr__(self):
        return f"Param({self.name!r})"


class _Values(Field):
    """A list of values as one parameter: an array on PostgreSQL, JSON text on SQLite
    (whose json_each reads it)."""

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor == "postgresql":
            return list(value)
        return json.dumps(list(value))


class Among(Func):
    """`expression` is one of the values of the list Param named `name`, however many
    they are: `= ANY(%s)` on PostgreSQL, `IN (SELECT value FROM json_each(%s))` on
    SQLite. One statement for a list of any length, where IN would need one for each."""

    output_field = BooleanField()

    def __init__(self, expression, name):
        super().__init__(expression, Param(name, _Values()))

    def as_sql(self, compiler, connection, **extra_context):
        lhs, params = compiler.compile(self.source_expressions[0])
        rhs, values = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs})", (*params, *values)
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", (*params, *values)


class _Compiled:
    def __init__(self, queryset, settings, around):
        query = queryset.query
        self.compiler = query.get_compiler(queryset.db)
        self.sql, self.params = self.compiler.as_sql()
        if around:
            self.sql = around.format(self.sql)
        if settings and self.compiler.connection.vendor == "postgresql":
            # In the same round trip, and for this statement alone: a string of
            # statements runs as one transaction, at whose end SET LOCAL lapses.
            given = "; ".join(f"SET LOCAL {name} = '{value}'" for name, value in settings.items())
            self.sql = f"{given}; {self.sql}"
        # As ValuesIterable names a row's columns.
        if query.selected:
            self.names = list(query.selected)
        else:
            self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [column for column, _, _ in self.compiler.select[: self.compiler.col_count]]
        # SQL around the queryset's has columns of its own, read as they come.
        self.converters = {} if around else self.compiler.get_converters(fields)
        self.slots = [
            (index, param) for index, param in enumerate(self.params) if isinstance(param, Param)
        ]

    def params_for(self, values, connection):
        params = list(self.params)
        for index, param in self.slots:
            params[index] = param.output_field.get_db_prep_value(
                values[param.name], connection, prepared=False
            )
        return params

    def converted(self, cursor_rows, connection):
        """The rows with their values converted as the ORM converts them, a column at a
        time: the ORM's own loop (SQLCompiler.apply_converters) goes a row at a time
        through a generator, which for a search's 500 candidates cost more than reading
        them did."""
        if not self.converters:
            return cursor_rows
        rows = [list(row) for row in cursor_rows]
        for position, (converters, expression) in self.converters.items():
            for row in rows:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        return rows

    def rows(self, cursor_rows):
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in cursor_rows]

    def instances(self, cursor_rows, db):
        """Model instances of the rows, as django.db.models.query.ModelIterable makes
        them: the model's loaded fields, its select_related objects, its annotations."""
        select, klass_info = self.compiler.select, self.compiler.klass_info
        model, fields = klass_info["model"], klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        loaded = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, db)
        annotations = self.compiler.annotation_col_map.items()
        instances = []
        for row in cursor_rows:
            instance = model.from_db(db, loaded, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


class Statement:
    """A queryset, made by `build()`, compiled once per database.

    `settings`: PostgreSQL settings for this statement alone (SET LOCAL), such as a
    bound on the memory a bitmap of index matches may take (search.queries).
    `around`: SQL around the queryset's (at `{}`), for what the ORM does not write, such
    as an aggregate of a sliced query's rows; its rows are read with tuples().
    """

    def __init__(self, build, *, settings=None, around=None):
        self._build = build
        self._settings = settings
        self._around = around
        self._model = None
        self._compiled = {}
        self._lock = threading.Lock()

    def _compiled_for(self, alias):
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias)
                if compiled is None:
                    compiled = self._compiled[alias] = _Compiled(
                        self._build().using(alias), self._settings, self._around
                    )
        return compiled

    def sql(self, using=None):
        """The compiled SQL and its parameters, a Param where a value goes."""
        compiled = self._compiled_for(using or self._alias())
        return compiled.sql, list(compiled.params)

    def rows(self, **values):
        """The rows of a `values()` queryset, as dicts, with these values for the
        Params. Read from the database the router picks for a read of the statement's
        model, as the queryset would be."""
        alias, compiled, found = self._run(values)
        return compiled.rows(found)

    def tuples(self, **values):
        """The rows of a `values()` queryset as sequences, in the order of its names:
        for many rows, where making a dict of each would cost more than reading it."""
        alias, compiled, found = self._run(values)
        return found

    def instances(self, **values):
        """The rows of a model queryset, as model instances, with these values for the
        Params; from the database rows() reads."""
        alias, compiled, found = self._run(values)
        return compiled.instances(found, alias)

    def _run(self, values):
        alias = self._alias()
        compiled = self._compiled_for(alias)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params_for(values, connection))
            found = cursor.fetchall()
        return alias, compiled, compiled.converted(found, connection)

    def _alias(self):
        if self._model is None:
            self._model = self._build().model
        return router.db_for_read(self._model)
