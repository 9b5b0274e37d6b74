"""A summary's discussion on its own page, a page at a time (summaries.discussion): every
comment on one page and reachable by links without scripts, each comment's link opening
the page that holds it, and the forms, redirects and reports landing on the right page.

The excerpts that lists print, and what they must not show: test_comment_excerpts.py.
"""

import re
from html import unescape

import pytest
from django.urls import reverse

from summaries.discussion import (
    COMMENTS_PER_PAGE,
    THREADS_PER_PAGE,
    WHOLE_COMMENT_UP_TO,
    layout,
)
from summaries.models import Comment
from tests.factories import PASSWORD, make_comment, make_summary, make_user
from tests.summaries.test_comment_excerpts import comment_ids, discuss, formula_dense
from tests.utils import queries_for

db = pytest.mark.django_db


# --- The layout of a discussion's pages ----------------------------------------------------


def rows_for(thread_sizes):
    """(id, parent id) in reading order for threads of these sizes (the top-level comment
    included), ids counting from 1."""
    rows, pk = [], 0
    for size in thread_sizes:
        pk += 1
        top = pk
        rows.append((top, None))
        for _ in range(size - 1):
            pk += 1
            rows.append((pk, top))
    return rows


def test_a_page_holds_a_bounded_number_of_threads():
    pages = layout(rows_for([1] * 120), threads_per_page=50, comments_per_page=100)
    assert [len(page) for page in pages] == [50, 50, 20]
    assert [pk for page in pages for pk in page] == list(range(1, 121))


def test_a_page_holds_a_bounded_number_of_comments_and_keeps_threads_whole():
    pages = layout(rows_for([4] * 30), threads_per_page=50, comments_per_page=10)
    assert [len(page) for page in pages] == [8] * 15
    # No thread is split: each page starts with a top-level comment.
    assert all((page[0] - 1) % 4 == 0 for page in pages)


def test_a_thread_longer_than_a_page_runs_on():
    pages = layout(rows_for([2, 25, 3]), threads_per_page=50, comments_per_page=10)
    assert [pk for page in pages for pk in page] == list(range(1, 31))
    assert all(len(page) <= 10 for page in pages)
    assert pages[0][:2] == [1, 2] and len(pages[0]) == 10
    assert pages[-1][-3:] == [28, 29, 30]


def test_an_empty_discussion_has_one_empty_page():
    assert layout([]) == [[]]


# --- The summary's own page ---------------------------------------------------------------


def walk_pages(client, url):
    """The comment ids of every page reached from `url` by its "Later" links, page by page."""
    seen = []
    while url:
        html = client.get(url).content.decode()
        seen.append(comment_ids(html))
        later = re.search(r'<a class="page-link" href="([^"]+)" rel="next"', html)
        url = unescape(later.group(1)) if later else None
    return seen


@db
def test_a_summary_with_120_comments_pages_them_and_every_one_is_reachable(client):
    summary = make_summary()
    tops = discuss(summary, 120)
    pages = walk_pages(client, summary.get_absolute_url())
    assert [len(page) for page in pages] == [THREADS_PER_PAGE, THREADS_PER_PAGE, 20]
    assert [pk for page in pages for pk in page] == [top.pk for top in tops]
    html = client.get(summary.get_absolute_url(), {"page": 3}).content.decode()
    assert "120 comments<" in html
    assert f'href="/summaries/{summary.pk}/?page=2#comments-{summary.pk}"' in html
    assert ", comments page 3 ·" in html
    assert f'<link rel="canonical" href="http://testserver/summaries/{summary.pk}/?page=3">' in html


@db
def test_each_comments_link_opens_the_page_that_holds_it(client):
    summary = make_summary()
    tops = discuss(summary, 2 * THREADS_PER_PAGE + 5)
    for number, top in [(1, tops[0]), (2, tops[THREADS_PER_PAGE]), (3, tops[-1])]:
        response = client.get(top.get_absolute_url())
        assert response.context["comment_pages"].number == number
        assert f'id="comment-{top.pk}"' in response.content.decode()
        # The address it was opened at is one of the page's, which is what it names.
        canonical = f"/summaries/{summary.pk}/" + (f"?page={number}" if number > 1 else "")
        assert f'href="http://testserver{canonical}"' in response.content.decode()


@db
def test_a_long_thread_runs_on_to_the_next_page(client):
    summary = make_summary()
    first = discuss(summary, 1)[0]
    long = make_comment(summary, body="The long thread.")
    replies = [make_comment(summary, parent=long, body=f"Long reply {n}.") for n in range(110)]
    page_one = client.get(summary.get_absolute_url()).content.decode()
    page_two = client.get(summary.get_absolute_url(), {"page": 2}).content.decode()
    assert comment_ids(page_one) == [first.pk, long.pk] + [r.pk for r in replies][:98]
    assert comment_ids(page_two) == [r.pk for r in replies][98:]
    # The rest opens with a way back to where its thread starts.
    back = f'href="/summaries/{summary.pk}/?comment={long.pk}#comment-{long.pk}">the start of'
    assert back in page_two and "Replies continued" in page_two
    assert "Replies continued" not in page_one
    assert len(comment_ids(page_one)) == COMMENTS_PER_PAGE
    last = client.get(replies[-1].get_absolute_url())
    assert last.context["comment_pages"].number == 2


@db
def test_a_heavy_comment_shows_its_excerpt_and_whole_when_asked_for(client):
    summary = make_summary()
    light = make_comment(summary, body="Light prose. " * 700)
    heavy = make_comment(summary, body=formula_dense())
    assert len(light.body_html) <= WHOLE_COMMENT_UP_TO < len(heavy.body_html)
    html = client.get(summary.get_absolute_url()).content.decode()
    assert light.body_html in html
    assert "x_{998}" not in html
    assert f'href="{heavy.get_absolute_url()}">Read more' in html
    assert html.count(">Read more<") == 1
    whole = client.get(heavy.get_absolute_url()).content.decode()
    assert "x_{998}" in whole and ">Read more<" not in whole


@db
def test_a_reply_to_a_thread_on_page_two_lands_on_page_two(client):
    summary = make_summary()
    tops = discuss(summary, THREADS_PER_PAGE + 10)
    thread = tops[THREADS_PER_PAGE + 3]
    client.force_login(make_user())

    # The reply link opens the form on the thread's page, without scripts.
    form_page = client.get(summary.get_absolute_url(), {"reply": thread.pk})
    assert form_page.context["comment_pages"].number == 2
    assert f'id="reply-form-{thread.pk}"' in form_page.content.decode()

    url = reverse("summaries:comment", args=[summary.pk])
    response = client.post(url, {"body": "Answering on page two.", "parent": thread.pk})

    reply = Comment.objects.get(body="Answering on page two.")
    assert response["Location"] == reply.get_absolute_url()
    landed = client.get(response["Location"])
    assert landed.context["comment_pages"].number == 2
    ids = comment_ids(landed.content.decode())
    assert ids.index(thread.pk) < ids.index(reply.pk) < ids.index(tops[THREADS_PER_PAGE + 4].pk)


@db
def test_a_new_comment_lands_on_the_last_page(client):
    summary = make_summary()
    discuss(summary, 2 * THREADS_PER_PAGE + 1)
    client.force_login(make_user())
    url = reverse("summaries:comment", args=[summary.pk])
    response = client.post(url, {"body": "The newest thread."})
    landed = client.get(response["Location"])
    assert landed.context["comment_pages"].number == 3
    assert "The newest thread." in landed.content.decode()


@db
def test_a_reply_kept_across_a_login_comes_back_on_its_threads_page(client):
    summary = make_summary()
    thread = discuss(summary, THREADS_PER_PAGE + 2)[-1]
    make_user("late")
    url = reverse("summaries:comment", args=[summary.pk])
    response = client.post(url, {"body": "A reply I keep.", "parent": thread.pk})
    login = client.post(response["Location"], {"login": "late", "password": PASSWORD})
    page = client.get(login["Location"])
    assert page.context["comment_pages"].number == 2
    assert page.context["reply_form"]["body"].value() == "A reply I keep."
    assert f'id="reply-form-{thread.pk}"' in page.content.decode()


@db
def test_a_refused_reply_comes_back_on_its_threads_page(client):
    summary = make_summary()
    thread = discuss(summary, THREADS_PER_PAGE + 2)[-1]
    client.force_login(make_user())
    url = reverse("summaries:comment", args=[summary.pk])
    response = client.post(url, {"body": "  ", "parent": thread.pk})
    assert response.status_code == 400
    assert response.context["comment_pages"].number == 2
    assert f'id="reply-form-{thread.pk}"' in response.content.decode()


@db
def test_deleting_a_reply_returns_to_its_thread(client):
    summary = make_summary()
    thread = discuss(summary, THREADS_PER_PAGE + 1, replies=1)[-1]
    reply = Comment.objects.get(parent=thread)
    client.force_login(reply.author)
    response = client.post(reverse("summaries:delete_comment", args=[reply.pk]))
    assert response["Location"] == thread.get_absolute_url()
    assert client.get(response["Location"]).context["comment_pages"].number == 2


@db
def test_reporting_a_comment_on_page_two_returns_there(client):
    summary = make_summary()
    thread = discuss(summary, THREADS_PER_PAGE + 1)[-1]
    client.force_login(make_user())
    html = client.get(summary.get_absolute_url(), {"page": 2}).content.decode()
    link = re.search(rf'href="(/report/comment/{thread.pk}/[^"]+)"', html).group(1)
    response = client.post(unescape(link), {"reason": "spam"})
    assert response["Location"] == f"/summaries/{summary.pk}/?page=2#comment-{thread.pk}"


@db
def test_old_anchors_find_their_page_by_script(client):
    summary = make_summary()
    html = client.get(summary.get_absolute_url()).content.decode()
    assert 'src="/static/js/comment_anchor.js"' in html


@db
@pytest.mark.parametrize("logged_in", [False, True])
def test_summary_page_queries_do_not_grow_with_its_discussion(client, logged_in):
    summary = make_summary()
    if logged_in:
        client.force_login(make_user())
    first = discuss(summary, 1)[0]
    url = summary.get_absolute_url()
    one = queries_for(client, url)
    tops = discuss(summary, 2 * THREADS_PER_PAGE + 20, replies=1)
    assert queries_for(client, url) == one
    assert queries_for(client, f"{url}?page=2") == one
    assert queries_for(client, tops[-1].get_absolute_url()) == one
    with_reply = queries_for(client, f"{url}?reply={first.pk}")
    assert queries_for(client, f"{url}?reply={tops[-1].pk}") == with_reply
