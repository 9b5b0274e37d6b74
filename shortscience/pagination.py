"""Splitting listings into pages, at a cost that does not grow with the data.

Three ways, by what the listing is:

- `keyset_page`: a fixed order on indexed columns (the homepage tabs, a profile). A page
  is the rows that follow, in that order, the last row the reader saw:
  `WHERE (keys) < (cursor) ORDER BY keys LIMIT per_page + 1`, which an index on the keys
  answers by reading only those rows. There is no COUNT and no OFFSET, so the deepest
  page costs what the first one does. The links carry a signed cursor (`?after=`,
  `?before=`), and `?last=1` is the last page: the first page of the reverse order.
  A listing read on most requests (the homepage's tabs) is a `PreparedListing`, whose
  statements are compiled once per process rather than on every page.
- `offset_page`: numbered pages (`?page=N`) of a list whose order no index serves (a
  venue's papers of a year, by number of summaries). No COUNT either: one row more than
  a page says whether there is a next page. OFFSET still skips rows, so the depth is
  bounded by `max_pages`.
- `paginate`: numbered pages with a count, Django's Paginator. Only for lists bounded by
  construction, whose count costs nothing more: search ranks at most MAX_RESULTS ids and
  counts them in Python.

Every page has `first_url`, `previous_url`, `next_url` and `last_url` (None where
there is no such page), which templates/includes/pagination.html prints; the links
keep the rest of the query string (search terms, filters).
"""

import datetime
from functools import cached_property, partial, wraps

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponsePermanentRedirect
from django.utils.encoding import escape_uri_path

from .prepared import Param, Statement

# The query parameters of each kind of page.
AFTER, BEFORE, LAST, NUMBER = "after", "before", "last", "page"


class Page:
    """One page of a listing: its items (iterate over it) and the links to other pages."""

    def __init__(self, items, *, first_url=None, previous_url=None, next_url=None, last_url=None):
        self.object_list = items
        self.first_url = first_url
        self.previous_url = previous_url
        self.next_url = next_url
        self.last_url = last_url
        # Numbered pages only.
        self.number = None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_previous(self):
        return self.previous_url is not None

    @property
    def has_next(self):
        return self.next_url is not None

    @property
    def has_other_pages(self):
        return self.has_previous or self.has_next

    @property
    def is_first(self):
        """Whether this is the listing's first page, as the page title says."""
        return not self.has_previous


def _url(request, **changes):
    """The current address with these query parameters set, or removed where None."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    path = escape_uri_path(request.path)
    return f"{path}?{query.urlencode()}" if query else path


# Keyset pages


class _RowCompare(models.Expression):
    """`(a, b, c) < (x, y, z)`, a comparison of row values.

    PostgreSQL answers it from a B-tree index on (a, b, c) as one range: the scan starts
    at the cursor. The same condition spelled out (`a < x OR a = x AND (b < y …)`) would
    bound the index scan by its first column only, and a run of equal values there (most
    summaries have a score of 0) would be read from its start on every page.
    """

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, columns, operator, values):
        super().__init__()
        self.columns, self.operator, self.values = list(columns), operator, list(values)

    def get_source_expressions(self):
        return [*self.columns, *self.values]

    def set_source_expressions(self, expressions):
        count = len(self.columns)
        self.columns, self.values = expressions[:count], expressions[count:]

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for expressions in (self.columns, self.values):
            compiled = [compiler.compile(expression) for expression in expressions]
            sides.append("(" + ", ".join(sql for sql, _ in compiled) + ")")
            params.extend(param for _, part in compiled for param in part)
        return f"{sides[0]} {self.operator} {sides[1]}", params


def _sort_keys(queryset):
    """The fields of the queryset's order_by() and whether it is descending.

    A keyset needs plain, non-null columns of the model, all sorted the same way (so that
    one row comparison and one index serve them), the last one unique (so that no two
    rows share a position and none is skipped or shown twice).
    """
    meta = queryset.model._meta
    names = [name for name in queryset.query.order_by if isinstance(name, str)]
    if not names or len(names) != len(queryset.query.order_by):
        raise ValueError("keyset_page needs a queryset ordered by field names")
    directions = {name.startswith("-") for name in names}
    if len(directions) > 1:
        raise ValueError(f"keyset_page needs one direction for every key, not {names}")
    fields = []
    for name in names:
        name = name.lstrip("-")
        field = meta.pk if name == "pk" else meta.get_field(name)
        if field.null or not field.concrete:
            raise ValueError(f"keyset_page cannot sort on {name}: it may be null or is no column")
        fields.append(field)
    if not (fields[-1].primary_key or fields[-1].unique):
        raise ValueError("keyset_page needs a unique last key, such as -pk")
    return fields, directions.pop()


def _salt(order_by):
    # A cursor read under another order would mean nothing: each order signs its own.
    return "shortscience.pagination:" + ",".join(order_by)


def _beyond(fields, descending, values, forward):
    """The rows after (`forward`) or before the position of a row whose keys hold
    `values` (expressions), in the listing's order."""
    columns = [models.F(field.name) for field in fields]
    return _RowCompare(columns, "<" if descending == forward else ">", values)


def _cursor(item, fields, salt):
    values = [getattr(item, field.attname) for field in fields]
    values = [v.isoformat() if isinstance(v, datetime.datetime) else v for v in values]
    return signing.Signer(salt=salt, sep=".").sign_object(values)


def _read_cursor(text, fields, salt):
    """The sort key values a cursor holds, or None for one that was not made here."""
    try:
        values = signing.Signer(salt=salt, sep=".").unsign_object(text)
        if not isinstance(values, list) or len(values) != len(fields):
            return None
        return [field.to_python(value) for field, value in zip(fields, values, strict=True)]
    except (signing.BadSignature, ValidationError, ValueError, TypeError):
        return None


class _QuerySetRows:
    """The rows of an ordered queryset, for keyset_page: built and compiled each time."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.fields, self.descending = _sort_keys(queryset)
        self.salt = _salt(queryset.query.order_by)

    def read(self, cursor, forward, limit):
        """Up to `limit` rows beyond `cursor` (from the start without one), in the
        listing's order or, not `forward`, in reverse."""
        queryset = self.queryset
        if cursor is not None:
            pairs = zip(self.fields, cursor, strict=True)
            values = [models.Value(value, output_field=field) for field, value in pairs]
            queryset = queryset.filter(_beyond(self.fields, self.descending, values, forward))
        if not forward:
            queryset = queryset.reverse()
        return list(queryset[:limit])


class PreparedListing:
    """A keyset-paged listing read through statements compiled once per process
    (shortscience.prepared), for a listing so busy that building and compiling its
    queryset on each request is most of the page's time: the homepage's tabs.

    `build()` makes its ordered `values()` queryset, with a Param for each value that
    changes from request to request; `make(row)` makes a page's item of a row (a dict),
    which must have the sort keys as attributes, by their column names (`id`). Four
    statements in all, each compiled the first time it is needed: the first page,
    after a cursor, before one, and the last page.
    """

    def __init__(self, build, make):
        self._build, self._make = build, make
        self._statements = {}

    @cached_property
    def _keys(self):
        queryset = self._build()
        fields, descending = _sort_keys(queryset)
        return fields, descending, _salt(queryset.query.order_by)

    def bind(self, **values):
        """This listing as keyset_page reads it, with these values for its Params."""
        return _PreparedRows(self, values)

    def _statement(self, with_cursor, forward, limit):
        key = (with_cursor, forward, limit)
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = Statement(
                partial(self._queryset, with_cursor, forward, limit)
            )
        return statement

    def _queryset(self, with_cursor, forward, limit):
        fields, descending, _ = self._keys
        queryset = self._build()
        if with_cursor:
            values = [Param(f"key{index}", field) for index, field in enumerate(fields)]
            queryset = queryset.filter(_beyond(fields, descending, values, forward))
        if not forward:
            queryset = queryset.reverse()
        return queryset[:limit]


class _PreparedRows:
    def __init__(self, listing, values):
        self.listing, self.values = listing, values
        self.fields, self.descending, self.salt = listing._keys

    def read(self, cursor, forward, limit):
        statement = self.listing._statement(cursor is not None, forward, limit)
        keys = {f"key{index}": value for index, value in enumerate(cursor or ())}
        return [self.listing._make(row) for row in statement.rows(**self.values, **keys)]


def keyset_page(request, listing, per_page):
    """The page of `listing` that the request's `?after=`, `?before=` or `?last=` asks
    for; the first page when it asks for none, or with a cursor that was not made here.

    `listing` is a queryset, or a PreparedListing bound to its values. A queryset must
    be ordered by non-null columns, all in one direction, ending with a unique one (e.g.
    `order_by("-created_at", "-pk")`); an index on those columns, in that order, makes
    every page one short index scan. One query a page, however deep.
    """
    rows_of = listing if isinstance(listing, _PreparedRows) else _QuerySetRows(listing)
    fields, salt = rows_of.fields, rows_of.salt
    after = _read_cursor(request.GET.get(AFTER, ""), fields, salt)
    before = _read_cursor(request.GET.get(BEFORE, ""), fields, salt)
    rows = None
    if after is not None:
        rows = rows_of.read(after, forward=True, limit=per_page + 1)
        more_before, more_after = True, len(rows) > per_page
    elif before is not None:
        rows = rows_of.read(before, forward=False, limit=per_page + 1)
        more_before, more_after = len(rows) > per_page, True
        rows = rows[:per_page][::-1]
        if len(rows) < per_page:
            # The start was reached short of a full page: the first page it is.
            rows = None
    elif request.GET.get(LAST):
        rows = rows_of.read(None, forward=False, limit=per_page + 1)
        more_before, more_after = len(rows) > per_page, False
        rows = rows[:per_page][::-1]
    if not rows:
        # Also a cursor with nothing beyond it: its rows were deleted since.
        rows = rows_of.read(None, forward=True, limit=per_page + 1)
        more_before, more_after = False, len(rows) > per_page
    items = rows[:per_page]
    clear = {AFTER: None, BEFORE: None, LAST: None, NUMBER: None}
    return Page(
        items,
        first_url=_url(request, **clear) if more_before else None,
        previous_url=(
            _url(request, **{**clear, BEFORE: _cursor(items[0], fields, salt)})
            if more_before
            else None
        ),
        next_url=(
            _url(request, **{**clear, AFTER: _cursor(items[-1], fields, salt)})
            if more_after
            else None
        ),
        last_url=_url(request, **{**clear, LAST: "1"}) if more_after else None,
    )


def redirects_page_numbers(view):
    """Send `?page=N` on a keyset-paged listing to its first page, permanently.

    Such numbers come from links made before the listing was keyset-paged. They are not
    served, even small ones: a number never named stable content here (each new summary
    moved every page along by one), reaching page N means reading N pages' worth of rows,
    which keyset paging exists to avoid, and a permanent redirect has search engines drop
    the numbered addresses instead of crawling them.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if NUMBER in request.GET:
            return HttpResponsePermanentRedirect(_url(request, **{NUMBER: None}))
        return view(request, *args, **kwargs)

    return wrapper


# Numbered pages


def _numbered_url(request, number):
    # Page 1 is the listing's own address, without a number.
    return _url(request, **{NUMBER: number if number > 1 else None})


def _page_number(request):
    """The `?page=` asked for: 1 if it is missing or no positive number."""
    try:
        return max(1, int(request.GET.get(NUMBER, "1")))
    except ValueError:
        return 1


def offset_page(request, queryset, per_page, max_pages):
    """Page `?page=N` of `queryset`: one query of per_page + 1 rows, no COUNT.

    Pages beyond `max_pages` are refused (`page.too_deep`, with no items): each row
    skipped by OFFSET is read and thrown away, so the depth must be bounded. Without
    the count, `last_url` is None; a page past the end has no items and links back to
    the first page.
    """
    number = _page_number(request)
    too_deep = number > max_pages
    rows = [] if too_deep else list(queryset[(number - 1) * per_page : number * per_page + 1])
    items = rows[:per_page]
    page = Page(
        items,
        first_url=_numbered_url(request, 1) if number > 1 else None,
        # Past the end, the page before may be past it too: only the first page is sure.
        previous_url=_numbered_url(request, number - 1) if number > 1 and items else None,
        next_url=_numbered_url(request, number + 1) if len(rows) > per_page else None,
    )
    page.number = number
    page.too_deep = too_deep
    page.max_pages = max_pages
    return page


def paginate(request, items, per_page, first=None):
    """Numbered pages with a count and a range of page numbers (Django's Paginator).

    Counting is the cost that grows with the data: only for lists bounded by construction
    whose `count()` is free, such as search.queries.SearchResults, or short, such as a
    paper's summaries (a first page that holds them all is their count). A bad or
    out-of-range `?page=` gets the nearest real page.

    `first()`, if given, reads the first `per_page + 1` items another way (a compiled
    statement); `items` is then a function that makes the queryset, called only when
    the first page does not hold them all or another page is asked for.
    """
    number = request.GET.get(NUMBER)
    on_first = number in (None, "", "1")
    if on_first and (first is not None or isinstance(items, models.QuerySet)):
        # The first page is read with one row more: most lists (a paper's summaries)
        # fit on it, and then its length is the count, without a COUNT query.
        rows = list(first() if first is not None else items[: per_page + 1])
        if len(rows) <= per_page:
            page = Paginator(rows, per_page).page(1)
        else:
            page = Paginator(_made(items, first), per_page).page(1)
            page.object_list = rows[:per_page]
    else:
        page = Paginator(_made(items, first), per_page).get_page(number)
    number, last = page.number, page.paginator.num_pages
    page.first_url = _numbered_url(request, 1) if number > 1 else None
    page.previous_url = _numbered_url(request, number - 1) if number > 1 else None
    page.next_url = _numbered_url(request, number + 1) if number < last else None
    page.last_url = _numbered_url(request, last) if number < last else None
    page.numbered_links = _numbered_links(request, page)
    return page


def _made(items, first):
    return items() if first is not None else items


def _numbered_links(request, page):
    """The page numbers the pager prints between Previous and Next, as Django elides
    them ("1 2 3 4 … 49 50"): (number, address, role) each, the role being the link's
    `data-pager` ("first", "last" or ""), or "current" and "gap" (an ellipsis), which
    have no address. Made here rather than by a `{% querystring %}` a link, which
    took a search page's pager from 0.23 to 0.45 ms. As that tag makes them, an address
    is the query string alone, the rest of it kept in its order."""
    query = request.GET.copy()
    last = page.paginator.num_pages
    links = []
    for number in page.paginator.get_elided_page_range(page.number):
        if number == page.paginator.ELLIPSIS:
            links.append((number, None, "gap"))
        elif number == page.number:
            links.append((number, None, "current"))
        elif number == 1:
            links.append((number, page.first_url, "first"))
        else:
            query[NUMBER] = number
            links.append((number, f"?{query.urlencode()}", "last" if number == last else ""))
    return links
