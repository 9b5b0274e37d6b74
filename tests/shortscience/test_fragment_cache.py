"""Cached fragments of the homepage and paper pages: used, kept apart per reader, and
thrown away by every write that shows on them (shortscience/fragments.py)."""

import gzip
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from moderation import services as moderation
from shortscience import fragments
from summaries import services
from summaries.models import Summary, Vote
from tests.factories import make_comment, make_summary, make_user
from tests.utils import pager_links, queries_for

pytestmark = pytest.mark.django_db
HOME = reverse("summaries:home")


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_cached_homepage_skips_the_database_whatever_its_size(client):
    make_summary()
    built = queries_for(client, HOME)
    served = queries_for(client, HOME, cached=True)
    for _ in range(15):
        make_summary()
    queries_for(client, HOME)  # rebuilt: the writes made the old fragment stale
    assert served == queries_for(client, HOME, cached=True)
    assert served < built
    # What is left is outside the fragment; a visitor's page reads no rows at all.
    assert served == 0


def test_the_cached_homepage_is_html_not_escaped_text(client):
    make_summary(body="Plain words.")
    page_text(client, HOME)
    html = page_text(client, HOME)
    assert "<p>Plain words.</p>" in html
    assert "&lt;article" not in html


def test_new_edited_and_deleted_summaries_show_at_once(client):
    summary = make_summary(body="First words.")
    assert "First words." in page_text(client, HOME)

    services.save_summary(
        paper=summary.paper,
        author=summary.author,
        body="Second words.",
        is_private=False,
        is_anonymous=False,
    )
    html = page_text(client, HOME)
    assert "Second words." in html and "First words." not in html

    make_summary(body="Another reader's words.")
    assert "Another reader's words." in page_text(client, HOME)

    Summary.objects.get(pk=summary.pk).delete()
    assert "Second words." not in page_text(client, HOME)


def test_a_summary_made_private_leaves_the_cached_homepage(client):
    summary = make_summary(body="Soon private.")
    assert "Soon private." in page_text(client, HOME)
    services.save_summary(
        paper=summary.paper,
        author=summary.author,
        body=summary.body,
        is_private=True,
        is_anonymous=False,
    )
    assert "Soon private." not in page_text(client, HOME)


def test_votes_comments_and_moderation_show_at_once(client):
    summary = make_summary(body="Voted on.")
    assert "Score: 0" in page_text(client, HOME)

    services.vote(summary=summary, user=make_user(), value=Vote.UP)
    html = page_text(client, HOME)
    assert "Score: 1" in html and "0 comments" in html

    services.add_comment(summary=summary, author=make_user(), body="Well put.")
    assert "1 comment<" in page_text(client, HOME)

    moderation.hide(summary, by=make_user(is_staff=True))
    assert "Voted on." not in page_text(client, HOME)


def test_a_paper_renamed_shows_its_new_title(client):
    summary = make_summary()
    page_text(client, HOME)
    paper = summary.paper
    paper.title = "A better title"
    paper.save()
    assert "A better title" in page_text(client, HOME)


def test_each_reader_sees_their_own_votes(client):
    summary = make_summary()
    voter, other = make_user(), make_user()
    services.vote(summary=summary, user=voter, value=Vote.UP)

    client.force_login(voter)
    assert "you voted up" in page_text(client, HOME)
    client.force_login(other)
    assert "you voted up" not in page_text(client, HOME)
    client.logout()
    assert "you voted up" not in page_text(client, HOME)


def test_other_query_strings_are_other_fragments(client):
    for n in range(12):
        make_summary(body=f"Summary number {n}.")
    first = page_text(client, HOME)
    second = page_text(client, pager_links(first)["next"])
    assert "Summary number 11." in first and "Summary number 11." not in second
    assert "Summary number 0." in second and "Summary number 0." not in first
    assert "Summary number 11." in page_text(client, HOME)


def test_the_paper_page_is_cached_for_visitors_and_follows_writes(client):
    summary = make_summary(body="On the paper page.")
    url = summary.paper.get_absolute_url()
    built = queries_for(client, url)
    served = queries_for(client, url, cached=True)
    # The paper itself and the summaries citing it are still read; the list is not.
    assert served < built

    services.add_comment(summary=summary, author=make_user(), body="A fresh comment.")
    assert "A fresh comment." in page_text(client, url)

    services.vote(summary=summary, user=make_user(), value=Vote.DOWN)
    assert "Score: -1" in page_text(client, url)

    make_summary(paper=summary.paper, body="A second opinion.")
    html = page_text(client, url)
    assert "A second opinion." in html and "2 summaries" in html


def test_the_paper_page_of_a_logged_in_reader_is_never_from_the_cache(client):
    summary = make_summary(body="As first written.")
    url = summary.paper.get_absolute_url()
    page_text(client, url)  # a visitor's view, now cached
    # A change no receiver sees: only a page built from the database shows it.
    Summary.objects.update(body_html="<p>Changed quietly.</p>")
    assert "As first written." in page_text(client, url)
    client.force_login(make_user())
    assert "Changed quietly." in page_text(client, url)
    # Their vote form carries their own CSRF token, not a visitor's cached page.
    assert 'name="csrfmiddlewaretoken"' in page_text(client, url)


def test_an_anonymous_summary_stays_anonymous_in_the_cache(client):
    author = make_user("hidden_author")
    summary = make_summary(author=author, is_anonymous=True, body="Who wrote this?")
    client.force_login(author)
    assert "published anonymously" in page_text(client, summary.paper.get_absolute_url())
    client.logout()
    html = page_text(client, summary.paper.get_absolute_url())
    assert "Who wrote this?" in html and "hidden_author" not in html
    assert "hidden_author" not in page_text(client, HOME)


def test_a_comment_edit_or_removal_shows_at_once(client):
    summary = make_summary()
    comment = make_comment(summary, body="Before the edit.")
    url = summary.paper.get_absolute_url()
    assert "Before the edit." in page_text(client, url)
    services.edit_comment(comment, body="After the edit.")
    assert "After the edit." in page_text(client, url)
    moderation.hide(comment, by=make_user(is_staff=True))
    assert "After the edit." not in page_text(client, url)


def test_a_write_is_seen_even_if_a_reader_cached_between_write_and_commit(
    client, django_capture_on_commit_callbacks
):
    """A reader in another transaction can rebuild the fragment from the old rows after
    the writer's first bump; the bump on commit makes that fragment stale too."""
    built = []

    def build():
        built.append(1)
        return len(built)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        fragments.invalidate(fragments.LISTINGS)
        assert fragments.cached("test", (), [fragments.LISTINGS], build) == 1
    assert fragments.cached("test", (), [fragments.LISTINGS], build) == 2


def test_rerendering_every_text_makes_every_fragment_stale(client):
    make_summary()
    page_text(client, HOME)
    before = queries_for(client, HOME, cached=True)
    call_command("rerender", "--all", stdout=io.StringIO(), stderr=io.StringIO())
    assert queries_for(client, HOME, cached=True) > before


def test_fragment_caching_can_be_turned_off(client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    make_summary()
    assert queries_for(client, HOME) == queries_for(client, HOME, cached=True) > 0


def test_a_version_lost_from_the_cache_never_brings_an_old_fragment_back(client):
    from django.core.cache import cache

    make_summary(body="Old words.")
    page_text(client, HOME)
    cache.delete(f"fragment-version:{fragments.LISTINGS}")  # as an eviction would
    Summary.objects.update(body_html="<p>New words.</p>")  # no signal: only a new version shows it
    assert "New words." in page_text(client, HOME)


def test_a_visitors_homepage_is_kept_whole(client):
    make_summary(body="Kept whole.")
    first = client.get(HOME)
    assert first.templates  # built
    second = client.get(HOME)
    # Served from the cache: no template rendered, the same page, the usual headers.
    assert not second.templates
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_visitor_with_a_session_or_a_message_gets_a_built_page(client, settings):
    make_summary()
    client.get(HOME)
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    assert client.get(HOME).templates
    del client.cookies[settings.SESSION_COOKIE_NAME]
    client.cookies["messages"] = "anything"
    assert client.get(HOME).templates


def test_a_logged_in_reader_never_gets_the_visitors_page(client):
    make_summary()
    client.get(HOME)
    reader = make_user("reader_here")
    client.force_login(reader)
    response = client.get(HOME)
    assert response.templates and "reader_here" in response.content.decode()


def test_a_visitors_kept_page_is_sent_gzipped_to_those_who_accept_it(client):
    make_summary(body="Compressed once.")
    plain = client.get(HOME)
    assert "Accept-Encoding" in plain["Vary"]
    zipped = client.get(HOME, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 2
    assert "Content-Encoding" not in client.get(HOME)


def test_pages_with_a_session_are_never_compressed(client):
    # A logged-in page holds a CSRF token: compressing it would expose it to guessing by
    # its compressed size (BREACH).
    make_summary()
    client.force_login(make_user())
    response = client.get(HOME, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response
