"""The homepage's tabs, a profile's summaries and the first page of a paper's, read
through statements compiled once per process.

The homepage is the site's busiest page, and building, compiling and loading its
queryset (`SummaryQuerySet.for_listing()` in a tab's order, with the reader's votes)
was 2.2 ms of its 4 ms of Python. Its tabs, and a profile's list of the same cards, are
read instead by PreparedListings (shortscience.pagination, shortscience.prepared): the
same querysets, compiled the first time they run and then only given the page's
cursor, the person and the reader's id, and their rows made into CardRows rather than
three model instances each.

A card is kept (summaries.cards): almost every request only joins its kept pieces with
the row's slots. The rare card not kept yet is rendered from model instances made of
the row (`CardRow.as_summary`), without another query.
"""

from functools import cache
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.db import models

from accounts.models import User
from papers.models import Paper
from shortscience.pagination import PreparedListing, keyset_page
from shortscience.prepared import Param, Statement

from .models import Summary

# What a card prints of a summary, of its paper and of its author, and the sort keys of
# every tab. Only these columns are read: no text but the one shown, no abstract.
SUMMARY_VALUES = (
    "id", "created_at", "score", "hotness", "comment_count", "is_anonymous", "is_private",
    "paper_id", "author_id", "shown_html", "is_cut", "user_vote",
)  # fmt: skip
PAPER_VALUES = ("bibtex_key", "title", "title_html", "authors", "venue", "year")
AUTHOR_VALUES = ("username",)
# The summary fields among SUMMARY_VALUES (the rest are annotations).
_SUMMARY_FIELDS = SUMMARY_VALUES[:-3]


class CardRow:
    """A summary as its card prints it, with what summaries.cards reads of it under the
    names a Summary has (`pk`, `paper.title`, `author.username`)."""

    def __init__(self, row):
        for name in SUMMARY_VALUES:
            setattr(self, name, row[name])
        self.pk = self.id
        self.paper = _Related(self.paper_id, row, "paper__", PAPER_VALUES)
        self.author = _Related(self.author_id, row, "author__", AUTHOR_VALUES)

    def as_summary(self):
        """A Summary with its paper and author, for rendering the card: model instances
        holding only the columns read (any other would be loaded by a query of its own,
        as a deferred field is)."""
        summary = _instance(Summary, self, _SUMMARY_FIELDS)
        summary.paper = _instance(Paper, self.paper, ("id", *PAPER_VALUES))
        summary.author = _instance(User, self.author, ("id", *AUTHOR_VALUES))
        for name in ("shown_html", "is_cut", "user_vote", "shown_topics"):
            setattr(summary, name, getattr(self, name, None))
        return summary


class _Related(SimpleNamespace):
    def __init__(self, pk, row, prefix, names):
        super().__init__(pk=pk, id=pk, **{name: row[prefix + name] for name in names})


def _instance(model, source, names):
    # from_db() takes the values of the fields loaded in the model's order of fields.
    loaded = [field.attname for field in model._meta.concrete_fields if field.attname in names]
    return model.from_db(model.objects.db, loaded, [getattr(source, name) for name in loaded])


@cache
def _listing(order, reader, by_author):
    """The cards of the public summaries in `order`, with the reader's votes if
    `reader`; only those on a person's profile (`SummaryQuerySet.on_profile`) if
    `by_author`, the person's id then a Param. One listing for each combination, made
    the first time it is asked for: a visitor's reads no votes."""

    def build():
        summaries = Summary.objects.all()
        if by_author:
            summaries = summaries.on_profile(Param("author", models.IntegerField()))
        else:
            summaries = summaries.public()
        viewer = _viewer(reader)
        summaries = getattr(summaries.with_shown_text().with_user_vote(viewer), order)()
        return summaries.values(
            *SUMMARY_VALUES,
            *(f"paper__{name}" for name in PAPER_VALUES),
            *(f"author__{name}" for name in AUTHOR_VALUES),
        )

    return PreparedListing(build, CardRow)


def _page(request, order, per_page, **values):
    user = request.user
    if user.is_authenticated:
        values["viewer"] = user.pk
    listing = _listing(order, user.is_authenticated, "author" in values)
    return keyset_page(request, listing.bind(**values), per_page)


def tab_page(request, order, per_page):
    """A keyset page (shortscience.pagination) of the public summaries in `order`, a
    SummaryQuerySet ordering, as CardRows with the viewer's votes."""
    return _page(request, order, per_page)


def profile_page(request, person, per_page):
    """A keyset page of what `person`'s profile lists (their signed public summaries),
    newest first, as CardRows with the viewer's votes."""
    return _page(request, "newest_first", per_page, author=person.pk)


def paper_first_page(paper, user, *, limit, whole_up_to):
    """The first `limit` summaries of `paper` as its page lists them to `user`
    (`SummaryQuerySet.on_paper_page`), with what `for_listing(whole_up_to)` loads and
    the user's votes, each given `paper` as its related manager would.

    Model instances, not CardRows: the paper's page renders its summaries' blocks and
    their comments from them. Compiled once: building, compiling and loading this
    queryset took about 1.2 ms of the page's 9 ms of Python."""
    values = {"paper": paper.pk}
    if user.is_authenticated:
        values["viewer"] = user.pk
    statement = _paper_listing(user.is_authenticated, limit, whole_up_to)
    summaries = statement.instances(**values)
    for summary in summaries:
        summary.paper = paper
    return summaries


@cache
def _paper_listing(reader, limit, whole_up_to):
    def build():
        viewer = _viewer(reader)
        summaries = Summary.objects.filter(paper=Param("paper", models.IntegerField()))
        summaries = summaries.on_paper_page(viewer).for_listing(whole_up_to, known=("paper",))
        return summaries.with_user_vote(viewer)[:limit]

    return Statement(build)


def _viewer(reader):
    """Who reads, as the querysets ask it: a reader whose id is a Param, or anyone."""
    if reader:
        return SimpleNamespace(is_authenticated=True, pk=Param("viewer", models.IntegerField()))
    return AnonymousUser()
