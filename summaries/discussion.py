"""A summary's discussion on its own page, a page at a time.

The page lists the comments in reading order (`CommentQuerySet.discussion`), thread by
thread: a page holds up to THREADS_PER_PAGE threads and COMMENTS_PER_PAGE comments. A
thread that would not fit in what is left of a page starts the next one, and a thread
longer than a whole page runs on over the pages after it. So a page is bounded however
long the discussion and each of its threads grow, and every comment is on one page.

Which page holds a comment changes as comments are written and deleted before it, so a
link to a comment names the comment, not a page: `?comment=<id>`
(`Comment.get_absolute_url`) opens the page that holds it, `?reply=<id>` the page that
holds the thread replied to; `?page=<n>` is for paging through.

A comment shows whole when its HTML is at most WHOLE_COMMENT_UP_TO bytes, and as
its excerpt beyond that, linking to itself whole (`?comment=<id>` shows the comment it
names whole). A comment may render to 2 MB (markup.limits), so a page of them shown
whole would be bounded only at hundreds of megabytes; the longest comment of prose
(10,000 characters, 10 to 18 KB of HTML) still shows whole, and a page weighs at most
COMMENTS_PER_PAGE times WHOLE_COMMENT_UP_TO, plus the one comment asked for.

Two queries, however long the discussion: the ids of its comments in reading order (two
integers a row, read through the index on the summary), which lay out the pages, then
the comments of one page with their authors.
"""

from dataclasses import dataclass, field
from functools import cache

from django.core.paginator import Paginator
from django.db.models import F

from shortscience.prepared import Among, Statement

from .comment_querysets import cut_threads, reading_order
from .models import Comment, Summary

THREADS_PER_PAGE = 50
COMMENTS_PER_PAGE = 100
WHOLE_COMMENT_UP_TO = 20_000
# Up to this many comments under the summaries of a list in all, `attach_heads` reads
# them whole and cuts their threads in Python; beyond it, the database cuts them.
HEADS_READ_WHOLE_UP_TO = 60


def layout(rows, threads_per_page=THREADS_PER_PAGE, comments_per_page=COMMENTS_PER_PAGE):
    """The pages of a discussion, each a list of comment ids, from `rows`: the
    (id, parent id) of each of its comments in reading order. There is always a page,
    empty when there are no comments."""
    pages = [[]]
    threads = 0
    for thread in _threads(rows):
        page = pages[-1]
        room = comments_per_page - len(page)
        fits_a_page = len(thread) <= comments_per_page
        if page and (threads == threads_per_page or len(thread) > room and fits_a_page):
            page, threads = [], 0
            pages.append(page)
        threads += 1
        for pk in thread:
            if len(page) == comments_per_page:
                # A thread longer than a page runs on: its rest opens the next page.
                page, threads = [], 1
                pages.append(page)
            page.append(pk)
    return pages


def _threads(rows):
    """The ids of each thread: a top-level comment followed by its replies."""
    thread = []
    for pk, parent_id in rows:
        if parent_id is None and thread:
            yield thread
            thread = []
        thread.append(pk)
    if thread:
        yield thread


def _as_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class DiscussionPage:
    """One page of a summary's discussion: its comments, its number and the links to
    the other pages."""

    summary: Summary
    number: int
    count: int  # of pages, at least one
    comments: list[Comment] = field(default_factory=list)

    @property
    def has_other_pages(self):
        return self.count > 1

    def path(self, number):
        """The address of page `number`: the summary's own for the first."""
        query = f"?page={number}" if number > 1 else ""
        return f"{self.summary.get_absolute_url()}{query}"

    def url(self, number):
        """The address of page `number`, at the comments."""
        return f"{self.path(number)}#comments-{self.summary.pk}"

    @property
    def canonical_path(self):
        """This page's own address, whichever comment or reply it was opened for."""
        return self.path(self.number)

    @property
    def previous_url(self):
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self):
        return self.url(self.number + 1) if self.number < self.count else None

    @property
    def links(self):
        """(number, address) for the pages to link, None for each gap in the numbers:
        the first and last pages and those around this one."""
        paginator = Paginator(range(self.count), 1)
        return [
            (number, self.url(number)) if number != paginator.ELLIPSIS else None
            for number in paginator.get_elided_page_range(self.number, on_each_side=2)
        ]


@cache
def _discussion_rows(limit):
    """Up to `limit` of the `discussion_rows` of the summaries whose ids are given as
    `summaries`, for their listing: compiled once (shortscience.prepared), for the
    pages that list summaries with their comments' heads on every request."""
    comments = Comment.objects.filter(Among(F("summary_id"), "summaries"))
    return Statement(lambda: comments.discussion_rows().for_listing()[:limit])


def attach_heads(summaries, threads, replies):
    """Set `discussion` on each of a list of summaries (with `comment_count`,
    a column kept by the database): the start of its discussion, its first
    `threads` threads with up to `replies` replies each, as its comments' excerpts
    (CommentQuerySet.for_listing). `Summary.comments_left_out` says how many more there are.

    At most one query, two in a rare case. Where the summaries have few comments
    between them, which is nearly always, all of them are read with a plain query
    (`discussion_rows`), put in order and cut into threads here (`reading_order`,
    `cut_threads`): the database's ordering and window functions
    (`discussion`, `heads`) cost about 3 ms of Python to build and compile, more than
    reading a few dozen comments. The rows read stay bounded: a placeholder (a deleted
    comment kept for its replies) has at least one counted reply, so there are at most
    twice HEADS_READ_WHOLE_UP_TO, unless top-level comments gone without replies make
    more; then the database cuts the threads after all.
    """
    summaries = list(summaries)
    for summary in summaries:
        summary.discussion = []
    with_comments = {summary.pk: summary for summary in summaries if summary.comment_count}
    if not with_comments:
        return summaries
    rows = None
    if sum(summary.comment_count for summary in with_comments.values()) <= HEADS_READ_WHOLE_UP_TO:
        # At most HEADS_READ_WHOLE_UP_TO shown comments, and as many placeholders; a
        # discussion with more top-level comments gone than that is cut by the database.
        limit = 2 * HEADS_READ_WHOLE_UP_TO + 1
        rows = _discussion_rows(limit).instances(summaries=list(with_comments))
        if len(rows) >= limit:
            rows = None
    if rows is None:
        comments = Comment.objects.filter(summary__in=with_comments)
        rows = comments.discussion().for_listing().heads(threads, replies)
    else:
        rows = reading_order(rows)
    for comment in cut_threads(rows, threads, replies):
        summary = with_comments[comment.summary_id]
        comment.summary = summary
        summary.discussion.append(comment)
    return summaries


def discussion_page(summary, *, number=None, comment=None, thread=None):
    """The page of `summary`'s discussion that holds the thread of the top-level comment
    `thread` (a reply is being written there), else the one that holds `comment`, which
    shows whole, else page `number`: the first when it is no number, the last when it is
    beyond the last. The ids come from the request and may be anything.

    Sets `summary.discussion` to the page's comments, as `attach_heads` does on the
    paper's page, and each comment's summary, so the templates and
    `Comment.placeholder` need no query.
    """
    rows = list(Comment.objects.filter(summary=summary).discussion().values_list("pk", "parent_id"))
    pages = layout(rows)
    index = None
    for wanted in (_as_id(thread), _as_id(comment)):
        if wanted is not None and index is None:
            index = next((i for i, ids in enumerate(pages) if wanted in ids), None)
    if index is None:
        index = Paginator(pages, 1).get_page(number).number - 1
    ids = pages[index]
    whole = _as_id(comment)
    comments = []
    if ids:
        found = Comment.objects.filter(pk__in=ids).for_listing(WHOLE_COMMENT_UP_TO, whole)
        place = {pk: n for n, pk in enumerate(ids)}
        comments = sorted(found, key=lambda c: place[c.pk])
    for item in comments:
        item.summary = summary
    summary.discussion = comments
    return DiscussionPage(summary, index + 1, len(pages), comments)
