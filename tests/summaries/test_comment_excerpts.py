"""Comments on pages that list many of them: each as its excerpt (`Comment.excerpt_html`,
summaries.excerpts.COMMENT), made when it is saved and held to a size, with a link to the
comment whole in context; and what no excerpt or link may show.

A summary's discussion a page at a time, on its own page: test_comment_pages.py.
"""

import importlib
import io
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from markup.excerpt import COMMENT_FORMULAS
from markup.limits import MAX_FORMULAS
from markup.render import RENDERER_VERSION
from papers.views import COMMENT_THREADS, REPLIES_PER_THREAD, SUMMARIES_PER_PAGE
from summaries import services
from summaries.discussion import THREADS_PER_PAGE
from summaries.excerpts import COMMENT_EXCERPT_MAX_HTML
from summaries.models import Comment
from tests.factories import make_comment, make_paper, make_summary, make_user
from tests.utils import queries_for

db = pytest.mark.django_db

PAGE_LIMIT = 300_000
KATEX = 'class="katex"'


def formula_dense():
    """A comment as long as one may be, with as many formulas as one text may have:
    about a megabyte of HTML."""
    formulas = " ".join(f"$x_{{{n}}}$" for n in range(MAX_FORMULAS - 1))
    padding = settings.COMMENT_MAX_LENGTH - len(formulas) - 1
    return f"{formulas} {'z' * padding}"


def copies(model_comment, summary, count, parent=None):
    """`count` comments like `model_comment` under `summary`, stored as rendered, without
    rendering them again; the oldest first."""
    start = timezone.now() - timedelta(days=1)
    made = Comment.objects.bulk_create(
        Comment(
            summary=summary,
            author=make_user(),
            parent=parent,
            body=model_comment.body,
            body_html=model_comment.body_html,
            excerpt_html=model_comment.excerpt_html,
            renderer_version=model_comment.renderer_version,
        )
        for _ in range(count)
    )
    for n, comment in enumerate(made):
        Comment.objects.filter(pk=comment.pk).update(created_at=start + timedelta(minutes=n))
    return made


def comment_ids(html):
    return [int(pk) for pk in re.findall(r'class="comment[^"]*" id="comment-(\d+)"', html)]


def without_case(sql):
    """The SQL with its CASE expressions, which load a column only for the rows they
    choose it for, left out."""
    return re.sub(r"CASE WHEN .*? END", "CASE", sql)


def selected_columns(sql):
    """What a plain SELECT loads: its columns, CASE expressions left out."""
    return without_case(sql.split(" FROM ", 1)[0])


def assert_no_comment_texts_loaded(queries):
    """No query of the comments names their texts, but to choose between the whole
    text and the excerpt (a window query nests its SELECT: the whole SQL is searched)."""
    # The queries that load comments, not those that count them for a summary.
    found = [q["sql"] for q in queries if '"summaries_comment"."id"' in q["sql"]]
    assert found
    for sql in map(without_case, found):
        assert '"summaries_comment"."body"' not in sql
        assert '"summaries_comment"."body_html"' not in sql
        assert not re.search(r'"accounts_user"\."bio(_html)?"', sql)


def discuss(summary, threads, replies=0):
    """`threads` top-level comments under `summary`, oldest first, each with `replies`."""
    start = timezone.now() - timedelta(days=1)
    tops = []
    for n in range(threads):
        top = make_comment(summary, body=f"Thread {n}.")
        Comment.objects.filter(pk=top.pk).update(created_at=start + timedelta(minutes=n))
        for r in range(replies):
            make_comment(summary, parent=top, body=f"Reply {r} in thread {n}.")
        tops.append(top)
    return tops


# --- The stored excerpt -------------------------------------------------------------------


@db
def test_a_formula_dense_comment_has_a_small_excerpt():
    comment = make_comment(make_summary(), body=formula_dense())
    assert len(comment.body) == settings.COMMENT_MAX_LENGTH
    assert len(comment.body_html) > 500_000
    assert 0 < len(comment.excerpt_html) <= COMMENT_EXCERPT_MAX_HTML
    assert 0 < comment.excerpt_html.count(KATEX) <= COMMENT_FORMULAS
    assert comment.excerpt_html.startswith("<p>") and comment.excerpt_html.endswith("…</p>")
    assert "x_{0}" in comment.excerpt_html


@db
def test_a_comment_as_light_as_an_excerpt_is_its_own_excerpt():
    comment = make_comment(make_summary(), body="What about $\\lambda$ in the second step?")
    assert comment.excerpt_html == ""


@db
def test_heavy_formulas_halve_the_budget_until_the_excerpt_fits():
    fraction = "$\\sum_{i=1}^{n} \\frac{a_i}{b_i}$"
    comment = make_comment(make_summary(), body=f"Start {fraction} {fraction} end.")
    assert len(comment.body_html) > COMMENT_EXCERPT_MAX_HTML
    assert 0 < len(comment.excerpt_html) <= COMMENT_EXCERPT_MAX_HTML
    assert comment.excerpt_html.startswith("<p>Start")


@db
def test_a_comments_excerpt_is_rendered_as_a_comment():
    # Comments show no images (markup.md): neither may their excerpts.
    body = "![a chart](https://example.org/chart.png) " + "and more words " * 100
    comment = make_comment(make_summary(), body=body)
    assert comment.excerpt_html
    assert "<img" not in comment.excerpt_html and "<img" not in comment.body_html


@db
def test_editing_and_deleting_keep_the_excerpt_in_step():
    comment = make_comment(make_summary(), body="Short.")
    assert comment.excerpt_html == ""
    services.edit_comment(comment, body="Opening words. " + "more words " * 200)
    stored = Comment.objects.get()
    assert stored.excerpt_html.startswith("<p>Opening words.")
    services.delete_comment(stored)
    assert Comment.objects.get().excerpt_html == ""


@db
def test_rows_written_in_bulk_get_an_empty_excerpt():
    summary = make_summary()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO summaries_comment (summary_id, author_id, body, body_html,"
            " renderer_version, created_at, is_hidden) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [summary.pk, summary.author_id, "Bulk.", "<p>Bulk.</p>", 0, timezone.now(), False],
        )
    assert Comment.objects.get().excerpt_html == ""


@db
def test_lists_show_whole_comments_until_rerender_makes_their_excerpts(client):
    """Rows from before excerpts have none; the migration marks them for rerender."""
    summary = make_summary()
    make_comment(summary, body="First words.\n\n" + "middle " * 300 + "\n\nLast words.")
    Comment.objects.update(excerpt_html="")
    migration = importlib.import_module("summaries.migrations.0007_comment_excerpt_html")
    migration.mark_for_rerender(apps, None)
    assert Comment.objects.get().renderer_version == 0
    html = client.get(summary.paper.get_absolute_url()).content.decode()
    assert "Last words." in html and ">Read more<" not in html

    call_command("rerender", stdout=io.StringIO(), stderr=io.StringIO())
    stored = Comment.objects.get()
    assert stored.excerpt_html.startswith("<p>First words.")
    assert stored.renderer_version == RENDERER_VERSION
    html = client.get(summary.paper.get_absolute_url()).content.decode()
    assert "First words." in html and "Last words." not in html and ">Read more<" in html


# --- Lists of comments --------------------------------------------------------------------


@db
@pytest.mark.parametrize("logged_in", [False, True])
def test_a_paper_page_of_formula_dense_discussions_stays_light(client, logged_in):
    model = make_comment(make_summary(), body=formula_dense())
    paper = make_paper()
    listed = []
    for n in range(SUMMARIES_PER_PAGE):
        summary = make_summary(paper=paper, body=f"Summary number {n}.")
        for top in copies(model, summary, COMMENT_THREADS):
            listed += [top, *copies(model, summary, REPLIES_PER_THREAD, parent=top)]
    if logged_in:
        client.force_login(make_user())

    response = client.get(paper.get_absolute_url())

    html = response.content.decode()
    assert len(response.content) < PAGE_LIMIT
    assert sorted(comment_ids(html)) == sorted(comment.pk for comment in listed)
    # Each an excerpt, linking to the comment in context.
    assert html.count(">Read more<") == len(listed) == SUMMARIES_PER_PAGE * COMMENT_THREADS * 3
    for comment in listed:
        assert f'href="{comment.get_absolute_url()}">Read more' in html
    assert "x_{998}" not in html


@db
def test_a_comment_shown_whole_in_lists_has_no_read_more(client):
    summary = make_summary()
    make_comment(summary, body="Short and whole, with $x$.")
    html = client.get(summary.paper.get_absolute_url()).content.decode()
    assert "Short and whole" in html and ">Read more<" not in html


@db
def test_lists_of_comments_never_load_their_texts(client):
    summary = make_summary()
    person = make_user("talker")
    make_comment(summary, author=person, body="First words. " + "more " * 400)
    make_comment(summary, body="A short one.")
    client.force_login(make_user())
    for url in (summary.paper.get_absolute_url(), reverse("accounts:profile", args=["talker"])):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert_no_comment_texts_loaded(queries)


@db
def test_the_profile_lists_comment_excerpts_linking_in_context(client):
    person = make_user("commenter")
    summary = make_summary()
    long = make_comment(summary, author=person, body="Opening. " + "detail " * 400 + "Closing.")
    short = make_comment(summary, author=person, body="A short remark.")
    html = client.get(reverse("accounts:profile", args=["commenter"])).content.decode()
    section = html[html.index('aria-label="Recent comments"') :]
    assert "Opening." in section and "Closing." not in section
    assert "A short remark." in section
    assert section.count(">Read more<") == 1
    assert f'href="{long.get_absolute_url()}">Read more' in section
    assert f'href="{short.get_absolute_url()}"' in section


@db
def test_the_owners_private_list_loads_titles_and_badges_only(client):
    person = make_user()
    private = make_summary(author=person, is_private=True, body="Private words. " * 2000)
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("accounts:profile", args=[person.username])).content.decode()
    assert private.paper.title in html and "Only you see these" in html
    listing = [q["sql"] for q in queries if '"summaries_summary"."is_private"' in q["sql"]]
    titles = [sql for sql in listing if '"papers_paper"."title"' in sql]
    assert titles
    for sql in titles:
        columns = selected_columns(sql)
        assert '"summaries_summary"."body' not in columns
        assert '"summaries_summary"."excerpt_html"' not in columns
        assert '"papers_paper"."abstract' not in columns


@db
def test_the_profile_loads_only_what_its_recent_comments_print(client):
    person = make_user()
    make_comment(make_summary(), author=person, body="A remark. " * 300)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("accounts:profile", args=[person.username]))
    (sql,) = [q["sql"] for q in queries if 'FROM "summaries_comment"' in q["sql"]]
    # Its ids for the link, its date, and its paper's title: the text is chosen by CASE.
    # Rows, not instances: no key of the summary or the paper it joins through.
    assert set(re.findall(r'"(\w+)"\."(\w+)"', selected_columns(sql))) == {
        ("summaries_comment", "id"),
        ("summaries_comment", "summary_id"),
        ("summaries_comment", "created_at"),
        ("papers_paper", "title"),
        ("papers_paper", "title_html"),
    }


@db
@pytest.mark.parametrize("as_owner", [False, True])
def test_profile_queries_do_not_grow_with_long_comments(client, as_owner):
    person = make_user()
    if as_owner:
        client.force_login(person)
    make_comment(make_summary(), author=person)
    one = queries_for(client, reverse("accounts:profile", args=[person.username]))
    for _ in range(12):
        make_comment(make_summary(), author=person, body="Long. " + "words " * 300)
        make_summary(author=person, is_private=True)
    assert queries_for(client, reverse("accounts:profile", args=[person.username])) == one


# --- What must not show -------------------------------------------------------------------


@db
def test_hidden_and_deleted_comments_show_nowhere_and_their_links_lead_nowhere(client):
    author = make_user("quiet_writer")
    summary = make_summary()
    discuss(summary, THREADS_PER_PAGE + 1)
    hidden = make_comment(summary, author=author, body="Hidden words. " * 200, is_hidden=True)
    gone = make_comment(summary, author=author, body="Gone words. " * 200)
    services.delete_comment(gone)
    client.force_login(make_user())
    for target in (hidden, gone):
        response = client.get(target.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["comment_pages"].number == 1
        assert f'id="comment-{target.pk}"' not in html
        assert (
            'id="reply-form-'
            not in client.get(summary.get_absolute_url(), {"reply": target.pk}).content.decode()
        )
    for url in (
        summary.get_absolute_url(),
        f"{summary.get_absolute_url()}?page=2",
        summary.paper.get_absolute_url(),
        reverse("accounts:profile", args=["quiet_writer"]),
    ):
        html = client.get(url).content.decode()
        assert "Hidden words." not in html and "Gone words." not in html
        assert f"comment={hidden.pk}" not in html and f"comment={gone.pk}" not in html


@db
def test_comments_under_a_private_summary_stay_with_it(client):
    owner = make_user("keeper")
    private = make_summary(author=owner, is_private=True)
    comment = make_comment(private, author=owner, body="Private remark. " * 100)
    client.force_login(make_user())
    assert client.get(comment.get_absolute_url()).status_code == 404
    html = client.get(reverse("accounts:profile", args=["keeper"])).content.decode()
    assert "Private remark." not in html and f"comment={comment.pk}" not in html
    client.force_login(owner)
    assert "Private remark." in client.get(comment.get_absolute_url()).content.decode()


@db
def test_an_anonymous_authors_cut_comment_names_nobody(client):
    author = make_user("masked_author")
    summary = make_summary(author=author, is_anonymous=True)
    comment = make_comment(summary, author=author, body="My answer. " * 200)
    assert comment.excerpt_html
    html = client.get(summary.paper.get_absolute_url()).content.decode()
    assert "My answer." in html
    assert "> of the comment by the summary's author</span></a>" in html
    assert "masked_author" not in html
    # Its page shows it whole, as light as it is; signed the same way.
    html = client.get(summary.get_absolute_url()).content.decode()
    assert comment.body_html in html and ">Read more<" not in html
    assert "masked_author" not in html
    profile = client.get(reverse("accounts:profile", args=["masked_author"])).content.decode()
    assert "My answer." not in profile


@db
def test_the_report_page_links_to_the_comment_in_context_and_keeps_anonymity(client):
    author = make_user("veiled_author")
    summary = make_summary(author=author, is_anonymous=True)
    discuss(summary, THREADS_PER_PAGE)
    own = make_comment(summary, author=author, body="The author answers.")
    other = make_comment(summary, author=make_user("plain_reader"), body="A reader asks.")
    client.force_login(make_user())
    for comment, named in ((own, "the summary's author"), (other, "plain_reader")):
        html = client.get(reverse("moderation:report", args=["comment", comment.pk])).content
        html = html.decode()
        assert f'<a href="{comment.get_absolute_url()}">Comment</a> by {named} ' in html
        assert "veiled_author" not in html
    assert client.get(own.get_absolute_url()).context["comment_pages"].number == 2
