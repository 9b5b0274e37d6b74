"""A paper's page weighs about the same however much was written about the paper: a page
of its summaries at a time, a very long one as its excerpt, and under each the first
threads of its discussion (papers.views)."""

import random
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from papers.views import (
    COMMENT_THREADS,
    REPLIES_PER_THREAD,
    SUMMARIES_PER_PAGE,
    WHOLE_SUMMARY_UP_TO,
)
from summaries import discussion
from summaries.comment_querysets import cut_threads, reading_order
from summaries.discussion import THREADS_PER_PAGE
from summaries.models import Comment, Summary
from tests.factories import make_comment, make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db

PAGE_LIMIT = 300_000


def ranked_summaries(paper, count, **fields):
    """`count` summaries of `paper`, the first the best, each signed "Summary number n"."""
    made = []
    for n in range(count):
        summary = make_summary(
            paper=paper, author=make_user(f"writer{n:02d}"), body=f"Summary number {n}.", **fields
        )
        Summary.objects.filter(pk=summary.pk).update(score=count - n)
        made.append(summary)
    return made


def discuss(summary, threads, replies=0):
    start = timezone.now() - timedelta(days=1)
    for n in range(threads):
        top = make_comment(summary, body=f"Thread {n} of {summary.pk}.")
        Comment.objects.filter(pk=top.pk).update(created_at=start + timedelta(minutes=n))
        for r in range(replies):
            make_comment(summary, parent=top, body=f"Reply {r} in thread {n} of {summary.pk}.")


def listed(html):
    return re.findall(r"Summary number (\d+)\.", html)


def test_a_busy_paper_shows_a_bounded_page_that_links_to_the_rest(client):
    paper = make_paper()
    summaries = ranked_summaries(paper, 30)
    for summary in summaries[1:]:
        discuss(summary, 2)
    busy = summaries[0]
    discuss(busy, 60)
    url = paper.get_absolute_url()

    response = client.get(url)
    html = response.content.decode()
    assert listed(html) == [str(n) for n in range(SUMMARIES_PER_PAGE)]
    assert "30 summaries<" in html
    assert 'href="?page=2"' in html
    assert len(response.content) < PAGE_LIMIT

    # The busy summary's first threads, then the way to all of them.
    threads = re.findall(rf"Thread (\d+) of {busy.pk}\.", html)
    assert threads == [str(n) for n in range(COMMENT_THREADS)]
    assert f'<a href="{busy.get_absolute_url()}#comments-{busy.pk}">See all 60 comments' in html
    assert html.count(">See all ") == 1  # the others show all of their two comments

    # Its own page has the whole discussion, a page of threads at a time.
    page = client.get(busy.get_absolute_url()).content.decode()
    threads = re.findall(rf"Thread (\d+) of {busy.pk}\.", page)
    assert threads == [str(n) for n in range(THREADS_PER_PAGE)]
    assert "See all" not in page
    rest = client.get(busy.get_absolute_url(), {"page": 2}).content.decode()
    assert re.findall(rf"Thread (\d+) of {busy.pk}\.", rest) == [
        str(n) for n in range(THREADS_PER_PAGE, 60)
    ]


def test_every_summary_is_on_exactly_one_page(client):
    paper = make_paper()
    ranked_summaries(paper, 2 * SUMMARIES_PER_PAGE + 1)
    url = paper.get_absolute_url()
    pages = [listed(client.get(url, {"page": n}).content.decode()) for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [SUMMARIES_PER_PAGE, SUMMARIES_PER_PAGE, 1]
    assert sorted(int(n) for page in pages for n in page) == list(range(2 * SUMMARIES_PER_PAGE + 1))
    third = client.get(url, {"page": 3}).content.decode()
    assert "<title>A paper about things" in third and ", page 3 ·" in third
    assert 'href="?page=2"' in third and 'rel="prev"' in third
    # A page that does not exist is the nearest one.
    assert listed(client.get(url, {"page": 99}).content.decode()) == pages[2]


def test_replies_are_bounded_per_thread(client):
    summary = make_summary()
    discuss(summary, 1, replies=REPLIES_PER_THREAD + 4)
    html = client.get(summary.paper.get_absolute_url()).content.decode()
    replies = re.findall(rf"Reply (\d+) in thread 0 of {summary.pk}\.", html)
    assert replies == [str(n) for n in range(REPLIES_PER_THREAD)]
    assert f"See all {REPLIES_PER_THREAD + 5} comments" in html


def test_a_very_long_summary_shows_its_excerpt_on_the_paper_page(client):
    paper = make_paper()
    # Long for a card, not for the paper page: shown whole there.
    middling = make_summary(paper=paper, body="Middling start. " + "word " * 600 + "Middling end.")
    assert middling.excerpt_html and len(middling.body_html) <= WHOLE_SUMMARY_UP_TO
    formula = "$\\sum_{i=1}^{n} \\frac{a_i}{b_i}$"
    heavy = make_summary(
        paper=paper,
        body="Heavy start.\n\n" + f"Words and {formula}. " * 300 + "\n\nHeavy end.",
    )
    assert len(heavy.body_html) > WHOLE_SUMMARY_UP_TO
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "Middling end." in html
    assert "Heavy start." in html and "Heavy end." not in html
    assert html.count(">Read the whole summary<") == 1
    assert f'href="{heavy.get_absolute_url()}">Read the whole summary' in html
    # Its own page has all of it.
    assert "Heavy end." in client.get(heavy.get_absolute_url()).content.decode()


def test_the_readers_own_summary_comes_first(client):
    paper = make_paper()
    ranked_summaries(paper, 2 * SUMMARIES_PER_PAGE)
    author = make_user("latecomer")
    own = make_summary(paper=paper, author=author, body="My own private notes.", is_private=True)
    client.force_login(author)
    first = client.get(paper.get_absolute_url()).content.decode()
    assert first.index("My own private notes.") < first.index("Summary number 0.")
    assert len(listed(first)) == SUMMARIES_PER_PAGE - 1
    # Counted only where it is public; the page says the reader has one.
    assert f"{2 * SUMMARIES_PER_PAGE} summaries<" in first
    assert "Edit your summary" in first
    second = client.get(paper.get_absolute_url(), {"page": 2}).content.decode()
    assert "My own private notes." not in second
    assert f'href="{own.get_absolute_url()}">Your summary' in second
    assert "Edit your summary" in second


def test_private_and_hidden_summaries_neither_show_nor_count_for_others(client):
    paper = make_paper()
    ranked_summaries(paper, SUMMARIES_PER_PAGE)
    secret = make_summary(paper=paper, author=make_user("secretive"), body="Secret words. " * 300)
    hidden = make_summary(paper=paper, author=make_user("shushed"), body="Hidden words. " * 300)
    Summary.objects.filter(pk=secret.pk).update(is_private=True, score=100)
    Summary.objects.filter(pk=hidden.pk).update(is_hidden=True, score=100)
    client.force_login(make_user())
    url = paper.get_absolute_url()
    for page in (1, 2):
        html = client.get(url, {"page": page}).content.decode()
        assert "Secret words." not in html and "Hidden words." not in html
        assert "secretive" not in html and "shushed" not in html
        assert f"/summaries/{secret.pk}/" not in html and f"/summaries/{hidden.pk}/" not in html
        assert f"{SUMMARIES_PER_PAGE} summaries<" in html
        assert 'href="?page=2"' not in html  # nothing beyond the first page


def test_an_anonymous_summary_stays_unsigned_on_the_paper_page(client):
    paper = make_paper()
    author = make_user("quiet_one")
    summary = make_summary(paper=paper, author=author, is_anonymous=True, body="Word. " * 2000)
    html = client.get(paper.get_absolute_url()).content.decode()
    assert f'id="anonymous-{summary.pk}"' in html
    assert "quiet_one" not in html


# --- Old links and anchors ------------------------------------------------------------------


def test_an_old_link_lands_on_the_users_summary_beyond_the_first_page(client):
    paper = make_paper("conf/icml/Busy17")
    summaries = ranked_summaries(paper, 3 * SUMMARIES_PER_PAGE)
    last = summaries[-1]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/paper?bibtexKey=conf/icml/Busy17&a={last.author.username}")
    assert response.status_code == 301
    assert response["Location"] == last.get_absolute_url()
    assert len(queries) <= 2  # the paper, the summary
    page = client.get(response["Location"]).content.decode()
    assert f"Summary number {3 * SUMMARIES_PER_PAGE - 1}." in page
    # From there, to its place among the paper's summaries.
    listing = f"{paper.get_absolute_url()}?page=3#{last.anchor}"
    assert f'href="{listing}">All summaries of this paper' in page
    assert f'id="{last.anchor}"' in client.get(listing.partition("#")[0]).content.decode()


@pytest.mark.parametrize("kind", ["anonymous", "private", "hidden", "nobody"])
def test_an_old_link_finds_no_summary_that_is_not_public_and_signed(client, kind):
    paper = make_paper("conf/icml/Quiet17")
    ranked_summaries(paper, SUMMARIES_PER_PAGE + 1)
    author = make_user("carol")
    if kind != "nobody":
        summary = make_summary(paper=paper, author=author)
        Summary.objects.filter(pk=summary.pk).update(**{f"is_{kind}": True})
    response = client.get("/paper?bibtexKey=conf/icml/Quiet17&a=carol")
    # The same answer as for a name that wrote nothing: nothing to learn from it.
    assert response.status_code == 301
    assert response["Location"] == "/paper/conf/icml/Quiet17/#carol"


def test_the_summary_page_links_to_its_place_for_its_reader(client):
    paper = make_paper()
    ranked_summaries(paper, SUMMARIES_PER_PAGE)
    own = make_summary(paper=paper, author=make_user("reader"))
    Summary.objects.filter(pk=own.pk).update(score=-5)
    expected = f'href="{paper.get_absolute_url()}?page=2#reader">All summaries'
    assert expected in client.get(own.get_absolute_url()).content.decode()
    # Its author has it first, on the first page.
    client.force_login(own.author)
    expected = f'href="{paper.get_absolute_url()}#reader">All summaries'
    assert expected in client.get(own.get_absolute_url()).content.decode()


def test_queries_do_not_grow_with_summaries_or_comments(client):
    paper = make_paper()
    discuss(make_summary(paper=paper), 1, replies=1)
    url = paper.get_absolute_url()
    one = queries_for(client, url)
    for summary in ranked_summaries(paper, 12):
        discuss(summary, 8, replies=4)
    # One COUNT more once the summaries fill more than a page (paginate).
    assert queries_for(client, url) == queries_for(client, url + "?page=2") == one + 1


def random_discussions(rng, summaries):
    """Threads of random lengths under each summary, some comments deleted or hidden:
    placeholders (a gone comment with replies) and gone replies included."""
    start = timezone.now() - timedelta(days=10)
    for summary in summaries:
        for n in range(rng.randint(0, 6)):
            top = make_comment(summary, body=f"Thread {n}.")
            moment = start + timedelta(minutes=rng.randint(0, 5_000))
            Comment.objects.filter(pk=top.pk).update(created_at=moment)
            for r in range(rng.randint(0, 4)):
                reply = make_comment(summary, parent=top, body=f"Reply {r}.")
                later = moment + timedelta(seconds=rng.randint(1, 9_000))
                Comment.objects.filter(pk=reply.pk).update(created_at=later)
                if rng.random() < 0.2:
                    Comment.objects.filter(pk=reply.pk).update(deleted_at=timezone.now())
            if rng.random() < 0.3:
                gone = {"deleted_at": timezone.now()} if rng.random() < 0.5 else {"is_hidden": True}
                Comment.objects.filter(pk=top.pk).update(**gone)


@pytest.mark.parametrize(
    "threads, replies", [(COMMENT_THREADS, REPLIES_PER_THREAD), (1, 0), (2, 3)]
)
def test_threads_cut_in_python_are_those_the_database_cuts(threads, replies):
    rng = random.Random(threads * 10 + replies)
    paper = make_paper()
    summaries = [make_summary(paper=paper, author=make_user(f"w{n}")) for n in range(6)]
    random_discussions(rng, summaries)
    comments = Comment.objects.filter(summary__in=summaries).discussion()
    by_database = [comment.pk for comment in comments.heads(threads, replies)]
    by_python = [comment.pk for comment in cut_threads(comments, threads, replies)]
    assert by_python == by_database
    # Something was cut, so the comparison says something.
    assert len(by_python) < comments.count()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reading_order_in_python_is_the_databases(seed):
    rng = random.Random(seed)
    paper = make_paper()
    summaries = [make_summary(paper=paper, author=make_user(f"w{n}")) for n in range(6)]
    random_discussions(rng, summaries)
    gone = make_comment(summaries[0], body="Gone without replies.")
    Comment.objects.filter(pk=gone.pk).update(is_hidden=True)
    comments = Comment.objects.filter(summary__in=summaries)
    by_database = [comment.pk for comment in comments.discussion()]
    rows = list(comments.discussion_rows())
    by_python = [comment.pk for comment in reading_order(rows)]
    assert by_python == by_database
    # The top-level comment gone without replies was read and left out.
    assert gone.pk in {row.pk for row in rows} - set(by_python)


def test_many_top_level_comments_gone_are_cut_by_the_database(
    monkeypatch, django_assert_max_num_queries
):
    """Comments gone without replies count for nothing, so `comment_count` cannot bound
    them: past twice HEADS_READ_WHOLE_UP_TO rows the database cuts the threads."""
    monkeypatch.setattr(discussion, "HEADS_READ_WHOLE_UP_TO", 2)
    summary = make_summary()
    kept = make_comment(summary, body="Still here.")
    for n in range(5):
        gone = make_comment(summary, body=f"Gone {n}.")
        Comment.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    listed = list(Summary.objects.filter(pk=summary.pk))
    with django_assert_max_num_queries(2):
        discussion.attach_heads(listed, threads=3, replies=2)
    assert [c.pk for c in listed[0].discussion] == [kept.pk]


def test_heads_of_few_or_many_comments_are_the_same(monkeypatch, django_assert_max_num_queries):
    """attach_heads reads a few comments whole and has the database cut many: the same
    comments either way, in one query."""
    rng = random.Random(3)
    paper = make_paper()
    summaries = [make_summary(paper=paper, author=make_user(f"w{n}")) for n in range(5)]
    random_discussions(rng, summaries)
    listed_summaries = list(Summary.objects.filter(paper=paper))

    def heads(read_whole_up_to):
        monkeypatch.setattr(discussion, "HEADS_READ_WHOLE_UP_TO", read_whole_up_to)
        with django_assert_max_num_queries(1):
            attached = discussion.attach_heads(
                listed_summaries, threads=COMMENT_THREADS, replies=REPLIES_PER_THREAD
            )
        return {summary.pk: [c.pk for c in summary.discussion] for summary in attached}

    assert heads(10_000) == heads(0)
    assert any(heads(0).values())


def test_summaries_without_comments_cost_no_query(django_assert_num_queries):
    paper = make_paper()
    make_summary(paper=paper)
    listed_summaries = list(Summary.objects.filter(paper=paper))
    with django_assert_num_queries(0):
        discussion.attach_heads(listed_summaries, threads=3, replies=2)
    assert listed_summaries[0].discussion == []
