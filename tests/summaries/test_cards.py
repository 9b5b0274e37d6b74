"""Summary cards (summaries.cards): rendered once, reused by every viewer, with the
parts that change filled in on each request."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from papers.models import Paper
from summaries import cards, services
from summaries.models import Summary, Vote
from tests.factories import PASSWORD, make_comment, make_summary, make_user

pytestmark = pytest.mark.django_db
HOME = reverse("summaries:home")


class Renders:
    """How many times a template was rendered while the block ran."""

    def __init__(self, name):
        self.name = name
        self.count = 0

    def _seen(self, sender, template, **kwargs):
        if template.name == self.name:
            self.count += 1

    def __enter__(self):
        template_rendered.connect(self._seen)
        return self

    def __exit__(self, *exc):
        template_rendered.disconnect(self._seen)


def homepage(client):
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


@override_settings(FRAGMENT_CACHE_SECONDS=0)  # every page built: only the cards are kept
def test_a_card_is_rendered_once_for_every_viewer(client):
    summary = make_summary(body="Once for all.")
    with Renders(cards.TEMPLATE) as renders:
        homepage(client)
        assert renders.count == 1
        reader = make_user()
        client.login(username=reader.username, password=PASSWORD)
        html = homepage(client)
        client.get(reverse("accounts:profile", args=[summary.author.username]))
    assert renders.count == 1
    assert "Once for all." in html


@override_settings(FRAGMENT_CACHE_SECONDS=0)
def test_the_viewer_s_vote_score_and_comment_count_are_filled_in_each_time(client):
    summary = make_summary()
    reader = make_user()
    assert "0 comments" in homepage(client)

    services.vote(summary=summary, user=reader, value=Vote.UP)
    make_comment(summary)
    client.login(username=reader.username, password=PASSWORD)
    html = homepage(client)
    assert 'Score: 1<span class="text-body-secondary">, you voted up</span>' in html
    assert ">1 comment<" in html

    client.logout()
    html = homepage(client)
    assert "Score: 1<" in html and "you voted" not in html


@override_settings(FRAGMENT_CACHE_SECONDS=0)
def test_the_relative_time_is_not_kept_with_the_card(client):
    summary = make_summary()
    assert "ago" not in homepage(client).split(f'id="summary-{summary.pk}"')[1].split("</h3>")[0]
    Summary.objects.filter(pk=summary.pk).update(created_at=summary.created_at.replace(year=2020))
    byline = homepage(client).split(f'id="summary-{summary.pk}"')[1].split("</h3>")[0]
    assert "years" in byline and 'datetime="2020-' in byline


@override_settings(FRAGMENT_CACHE_SECONDS=0)
def test_a_changed_paper_or_username_shows_at_once(client):
    summary = make_summary()
    homepage(client)
    Paper.objects.filter(pk=summary.paper_id).update(title="A corrected title")
    summary.author.__class__.objects.filter(pk=summary.author_id).update(username="renamed")
    html = homepage(client)
    assert "A corrected title" in html and ">renamed</a>" in html


@override_settings(FRAGMENT_CACHE_SECONDS=0)
def test_an_anonymous_summary_s_card_does_not_sign_it(client):
    summary = make_summary(is_anonymous=True)
    html = homepage(client)
    card = html.split(f'id="summary-{summary.pk}"')[1].split("</article>")[0]
    assert "Anonymous" in card and summary.author.username not in card


def test_a_value_that_looks_like_a_marker_is_printed_as_written():
    summary = make_summary(body="Marked text.")
    listed = Summary.objects.public().for_listing().with_user_vote(summary.author).get()
    listed.paper.title = "Odd \x00time\x00 <b>title</b>"
    (card,) = [s.card for s in cards.attach([listed])]
    assert "Odd \x00time\x00 &lt;b&gt;title&lt;/b&gt;" in card
    assert "Marked text." in card and "Score: 0" in card and "0 comments" in card


def test_the_card_prints_what_the_summary_s_row_says():
    summary = make_summary(body="Row text.")
    listed = Summary.objects.public().for_listing().with_user_vote(summary.author).get()
    (card,) = [s.card for s in cards.attach([listed])]
    assert card.startswith(f'<article class="card mb-4 feed-item" id="summary-{summary.pk}">')
    assert summary.paper.title in card and "Row text." in card
    assert f'href="{summary.get_absolute_url()}#comments-{summary.pk}"' in card


# Comments: rendered once per role, the viewer's parts filled in each time.


def summary_page(client, summary, query=""):
    response = client.get(summary.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def comment_html(html, comment):
    """The comment's markup: the tests' summaries have one comment each."""
    return html.split(f'id="comment-{comment.pk}"')[1].split("</section>")[0]


def test_a_comment_is_rendered_once_per_role(client):
    summary = make_summary()
    comment = make_comment(summary, body="Said once.")
    readers = [make_user(), make_user()]
    with Renders(cards.COMMENT.name) as renders:
        summary_page(client, summary)
        summary_page(client, summary, "?page=1")  # another address, the same comment
        for reader in readers:
            client.force_login(reader)
            html = summary_page(client, summary)
    assert renders.count == 2  # a visitor's, then a reader's
    assert "Said once." in comment_html(html, comment)


def test_what_a_comment_offers_depends_on_who_reads_it(client):
    summary = make_summary()
    comment = make_comment(summary)
    offers = {}
    for name, user in [
        ("visitor", None),
        ("reader", make_user()),
        ("own", comment.author),
        ("moderator", summary.author),
    ]:
        if user:
            client.force_login(user)
        else:
            client.logout()
        part = comment_html(summary_page(client, summary), comment)
        offers[name] = {
            word for word in ("Reply", "Edit", "Delete", "Remove", "Report") if f">{word}<" in part
        }
        offers[name] |= {"login"} if "/accounts/login/" in part else set()
    assert offers == {
        "visitor": {"Reply", "Report", "login"},
        "reader": {"Reply", "Report"},
        "own": {"Reply", "Edit", "Delete"},
        "moderator": {"Reply", "Remove", "Report"},
    }


def test_a_kept_comment_s_form_carries_this_session_s_token():
    from django.test import Client

    summary = make_summary()
    comment = make_comment(summary)
    for _ in range(2):  # the second session is served the kept comment
        client = Client(enforce_csrf_checks=True)
        client.force_login(comment.author)
        html = summary_page(client, summary)
        token = (
            comment_html(html, comment).split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        )
        response = client.post(
            reverse("summaries:delete_comment", args=[comment.pk]), {"csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.is_gone
        type(comment).objects.filter(pk=comment.pk).update(deleted_at=None)


def test_a_kept_comment_s_report_link_comes_back_to_the_page_it_is_on(client):
    summary = make_summary()
    comment = make_comment(summary)
    summary_page(client, summary)
    html = summary_page(client, summary, "?page=1")
    assert "?next=" + summary.get_absolute_url() + "%3Fpage%3D1" in comment_html(html, comment)


def test_a_list_read_through_its_paper_or_author_joins_neither_again(
    django_assert_num_queries,
):
    summary = make_summary()
    paper, author = summary.paper, summary.author
    for listed, left_out, joined in (
        (paper.summaries.for_listing(), "papers_paper", "accounts_user"),
        (author.summaries.for_listing(), "accounts_user", "papers_paper"),
    ):
        sql = str(listed.query)
        assert f'JOIN "{left_out}"' not in sql
        assert f'JOIN "{joined}"' in sql
        with django_assert_num_queries(1):
            (row,) = list(listed)
            # The object the list was read through, and the other one joined: no query.
            assert row.paper.bibtex_key == paper.bibtex_key
            assert row.author.username == author.username
    # Read without a related manager, both are joined.
    sql = str(Summary.objects.for_listing().query)
    assert 'JOIN "papers_paper"' in sql and 'JOIN "accounts_user"' in sql


@override_settings(FRAGMENT_CACHE_SECONDS=0)
def test_a_profile_s_recent_comment_is_rendered_once_its_time_and_text_each_time(client):
    commenter = make_user()
    comment = make_comment(make_summary(), author=commenter, body="First words.")
    profile = reverse("accounts:profile", args=[commenter.username])
    with Renders("summaries/_profile_comment.html") as renders:
        client.get(profile)
        comment.__class__.objects.filter(pk=comment.pk).update(
            body_html="<p>Edited words.</p>", created_at=comment.created_at.replace(year=2020)
        )
        Paper.objects.filter(pk=comment.summary.paper_id).update(
            title="A corrected title $x$", title_html='A corrected title <span class="katex">x'
        )
        html = client.get(profile).content.decode()
        assert renders.count == 2  # the paper's new title made a new item, the text did not
        item = html.split('<li class="profile-comment')[1].split("</li>")[0]
        assert "Edited words." in item and "First words." not in item
        assert '<span class="title-math">A corrected title <span class="katex">x' in item
        assert 'datetime="2020-' in item
        assert f'href="/summaries/{comment.summary_id}/?comment={comment.pk}#comment-' in item
        client.get(profile)
    assert renders.count == 2


@override_settings(FRAGMENT_CACHE_SECONDS=0)
def test_lists_load_their_authors_bylines_and_not_the_rest_of_their_rows(client):
    summary = make_summary()
    make_comment(summary)
    pages = [HOME, summary.paper.get_absolute_url(), reverse("api:summaries")]
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        joined = [q["sql"] for q in queries if '"accounts_user"."username"' in q["sql"]]
        assert joined, page
        for sql in joined:
            for column in ("password", "email", "bio_html", "last_login"):
                assert f'"accounts_user"."{column}"' not in sql, (page, column)
