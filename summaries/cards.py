"""Summary cards, summary blocks and comments, rendered once and reused by every viewer.

A card (templates/summaries/_card.html) prints a summary in a list: the homepage's tabs
and a profile. A block (templates/summaries/_summary_block.html) prints a summary on its
paper's page and on its own page, above its comments. A comment
(templates/summaries/_comment.html) prints under a summary on its page and on its
paper's page; a profile lists its owner's recent comments
(templates/summaries/_profile_comment.html). Almost all of each is the same for every
viewer and changes only when the summary, the comment or the paper does, yet rendering
them through the template engine cost about 0.4 ms a card and 0.3 ms a comment: most
of a page's time.

So each is kept (shortscience.kept): rendered once, with slots in the places that do
change (relative times, the text, the score with the viewer's vote, the comment count,
the page to come back to, the CSRF token). What a block or a comment offers its viewer
(Vote, Edit, Reply, Remove, Report) depends on who they are to it, their `summary_role`
or `comment_role`, which is part of what the kept item is keyed by.
"""

from functools import partial
from urllib.parse import quote

from django.middleware.csrf import get_token
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from papers.models import Paper
from shortscience.kept import Kept, joined, kept_pieces
from shortscience.templatetags.timestamps import timestamp_html
from shortscience.text import plural

from . import idempotency
from .listing import CardRow
from .models import comment_url

CARD = Kept(
    "summaries/_card.html",
    (
        "includes/paper_heading.html",
        "includes/venue.html",
        "includes/byline.html",
        "topics/_topic_links.html",
    ),
    ("time", "text", "score", "comments"),
)
BLOCK = Kept(
    "summaries/_summary_block.html",
    ("includes/byline.html", "summaries/_vote.html", "moderation/_report_link.html"),
    ("time", "edited", "text", "score", "up", "down", "csrf", "key", "path", "next"),
)
COMMENT = Kept(
    "summaries/_comment.html",
    ("moderation/_report_link.html",),
    ("time", "edited", "text", "csrf", "next"),
)
PAPER_COMMENTS = Kept("summaries/_paper_comments.html", (), ("comments", "owner"))
PROFILE_COMMENT = Kept("summaries/_profile_comment.html", (), ("time", "text"))
# Names kept for callers and tests.
TEMPLATE = CARD.name


def _card_key(summary):
    paper = summary.paper
    return CARD.key(
        (
            summary.pk,
            summary.is_anonymous,
            summary.is_private,
            summary.is_cut,
            "" if summary.is_anonymous else summary.author.username,
            paper.bibtex_key,
            paper.title,
            paper.title_html,
            paper.authors,
            paper.venue,
            paper.year,
            summary.shown_topics,
        )
    )


def _card_slots(summary):
    if summary.user_vote == 1:
        vote = ", you voted up"
    elif summary.user_vote == -1:
        vote = ", you voted down"
    else:
        vote = ""
    count = summary.comment_count
    return {
        "time": timestamp_html(summary.created_at),
        "text": mark_safe(summary.shown_html),  # sanitized when it was stored
        "score": format_html(
            'Score: {}<span class="text-body-secondary">{}</span>' if vote else "Score: {}{}",
            summary.score,
            vote,
        ),
        "comments": plural(count, "comment"),
    }


def attach(summaries):
    """Set `card`, its HTML for this request, on each summary of a list.

    The summaries come from `SummaryQuerySet.for_listing()` and `with_user_vote()`, or
    are CardRows (summaries.listing).
    Their topics (`shown_topics`) are read here, one query for the list, and are part
    of the kept card's key: a topic added or renamed makes a new card.
    """
    from topics.services import topics_by_item

    summaries = list(summaries)
    topics = topics_by_item(summaries)
    for summary in summaries:
        summary.shown_topics = topics.get(summary.pk, ())
    items = ((_card_key(s), partial(_card_context, s), _card_slots(s)) for s in summaries)
    for summary, html in zip(summaries, CARD.html(items), strict=True):
        summary.card = html
    return summaries


def _card_context(summary):
    """What the card's template is given, made only when it is rendered: a CardRow
    (summaries.listing) becomes the Summary it stands for."""
    return {"summary": summary.as_summary() if isinstance(summary, CardRow) else summary}


def profile_comments(rows):
    """The HTML of each of a profile's recent comments, for this request, from their rows
    (CommentQuerySet.for_profile): the same for every viewer but their times."""
    items = []
    for row in rows:
        title, title_html = row.summary__paper__title, row.summary__paper__title_html
        printed = (row.id, row.summary_id, row.is_cut, title, title_html)
        slots = {
            "time": timestamp_html(row.created_at),
            "text": mark_safe(row.shown_html),  # sanitized when it was stored
        }
        items.append((PROFILE_COMMENT.key(printed), partial(_profile_comment, row), slots))
    return PROFILE_COMMENT.html(items)


def _profile_comment(row):
    """What summaries/_profile_comment.html prints of a row, made when it is rendered."""
    paper = Paper(title=row.summary__paper__title, title_html=row.summary__paper__title_html)
    return {"comment": row, "url": comment_url(row.summary_id, row.id), "paper": paper}


def summary_role(summary, user):
    """Who `user` is to `summary`: a visitor (Vote and Report log in first), a reader
    (Vote, Report) or its author (Edit, Delete, and its private or anonymous badges)."""
    if not user.is_authenticated:
        return "visitor"
    return "own" if summary.author_id == user.id else "reader"


def _block_key(summary, role, level):
    return BLOCK.key(
        (
            summary.pk,
            role,
            level,
            summary.is_private,
            summary.is_anonymous,
            summary.is_hidden,
            summary.is_cut,
            summary.edited_at is not None,
            "" if summary.is_anonymous else summary.author.username,
        )
    )


def attach_blocks(summaries, request, level=3, *, comment_sections=False):
    """Set `block`, its HTML for this request, on each summary of a list: its header,
    text and votes, under a heading of `level`; and `html` on each comment of each
    summary's `discussion` (summaries.discussion: attach_heads, discussion_page). With
    `comment_sections`, on the paper page, also `comment_section`: the section around
    its comments there (summaries/_paper_comments.html). One cache round trip for all.

    The summaries come with `shown_html` and `is_cut` (SummaryQuerySet.with_shown_text)
    and `user_vote` (with_user_vote), their author joined.
    """
    summaries = list(summaries)
    block_items = _block_items(summaries, request, level)
    comments, comment_items = _comment_items(summaries, request)
    section_items = _section_items(summaries, request, level) if comment_sections else []
    blocks, comment_pieces, sections = kept_pieces(
        [(BLOCK, block_items), (COMMENT, comment_items), (PAPER_COMMENTS, section_items)]
    )
    for summary, found, (_, _, slots) in zip(summaries, blocks, block_items, strict=True):
        summary.block = joined(found, slots)
    for comment, found, (_, _, slots) in zip(comments, comment_pieces, comment_items, strict=True):
        comment.html = joined(found, slots)
    # A section holds its comments, joined above.
    for found, (_, context, slots) in zip(sections, section_items, strict=True):
        summary = context["summary"]
        slots["comments"] = mark_safe("".join(comment.html for comment in summary.discussion))
        summary.comment_section = joined(found, slots)
    return summaries


def _section_items(summaries, request, level):
    reader = request.user.is_authenticated
    owner = str(request.user.pk) if reader else ""
    items = []
    for summary in summaries:
        left_out = summary.comments_left_out
        printed = (summary.pk, summary.comment_count, left_out, summary.byline, level, reader)
        context = {"summary": summary, "reader": reader, "level": level + 1}
        items.append((PAPER_COMMENTS.key(printed), context, {"owner": owner}))
    return items


def _block_items(summaries, request, level):
    user = request.user
    path = request.get_full_path()
    next_page = quote(path, safe="/")
    items = []
    for summary in summaries:
        role = summary_role(summary, user)
        slots = {
            "time": timestamp_html(summary.created_at),
            "edited": timestamp_html(summary.edited_at) if summary.edited_at else "",
            "text": mark_safe(summary.shown_html),  # sanitized when it was stored
            "score": str(summary.score),
            "next": next_page,
        }
        if role == "reader":
            # Only a reader's block has the vote form, whose key is new on each page.
            slots |= {
                "up": "true" if summary.user_vote == 1 else "false",
                "down": "true" if summary.user_vote == -1 else "false",
                "csrf": get_token(request),
                "key": idempotency.new_key(),
                "path": escape(path),
            }
        context = {
            "summary": summary,
            "role": role,
            "summary_level": level,
            "key_field": idempotency.FIELD,
        }
        items.append((_block_key(summary, role, level), context, slots))
    return items


def comment_role(comment, summary, user):
    """Who `user` is to `comment`, which decides what it offers them: a visitor (Reply
    logs in first), a reader (Reply, Report), its author (Edit, Delete) or a moderator
    of it, staff or the summary's author (Remove, Report)."""
    if not user.is_authenticated:
        return "visitor"
    if comment.author_id == user.id:
        return "own"
    if comment.may_be_removed_by(user):
        return "moderator"
    return "reader"


def _comment_key(comment, summary, role):
    shows_text = comment.shows_text
    return COMMENT.key(
        (
            comment.pk,
            summary.pk,
            role,
            comment.parent_id,
            shows_text,
            comment.is_gone,
            comment.placeholder if not shows_text else "",
            comment.author_is_withheld if shows_text else None,
            comment.author.deleted_at is not None if shows_text else None,
            comment.author.username if shows_text else "",
            comment.is_cut if shows_text else None,
            comment.edited_at is not None,
        )
    )


def _comment_items(summaries, request):
    """The comments of the summaries' discussions, and their (key, context, slots)."""
    user = request.user
    page = quote(request.get_full_path(), safe="/")
    token = []

    def csrf(role):
        # Only forms carry it, and only an author's and a moderator's comments have
        # forms: a visitor's page gets no token, and so no CSRF cookie.
        if role not in ("own", "moderator"):
            return ""
        if not token:
            token.append(get_token(request))
        return token[0]

    items, comments = [], []
    for summary in summaries:
        for comment in summary.discussion:
            role = comment_role(comment, summary, user)
            shows_text = comment.shows_text
            slots = {
                "time": timestamp_html(comment.created_at) if shows_text else "",
                "edited": timestamp_html(comment.edited_at) if comment.edited_at else "",
                "text": mark_safe(comment.shown_html) if shows_text else "",
                "csrf": csrf(role) if shows_text else "",
                "next": page,
            }
            context = {"comment": comment, "summary": summary, "role": role}
            items.append((_comment_key(comment, summary, role), context, slots))
            comments.append(comment)
    return comments, items
