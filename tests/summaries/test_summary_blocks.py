"""A summary's block on its paper's page and its own page (summaries.cards.attach_blocks):
rendered once per role and level, with the viewer's parts filled in on each request."""

import re
from unittest.mock import patch

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from summaries import cards, idempotency
from summaries.models import Vote
from tests.factories import make_comment, make_summary, make_user
from tests.summaries.test_cards import Renders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fragments")]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def block_html(html, summary):
    """The summary's block: from its article to its comments."""
    return html.split(f'id="{summary.anchor}"')[1].split('<section class="comments')[0]


def test_a_block_is_rendered_once_per_role_and_level(client):
    summary = make_summary(body="Written once.")
    paper_url = summary.paper.get_absolute_url()
    with Renders(cards.BLOCK.name) as renders:
        page(client, paper_url)
        page(client, paper_url + "?page=1")  # another address, the same block
        for reader in (make_user(), make_user()):
            client.force_login(reader)
            html = page(client, paper_url)
        assert renders.count == 2  # a visitor's, then a reader's
        page(client, summary.get_absolute_url())  # its own page: a level-2 heading
    assert renders.count == 3
    assert "Written once." in block_html(html, summary)
    assert '<h2 class="summary-byline">' in page(client, summary.get_absolute_url())


def test_what_a_block_offers_depends_on_who_reads_it(client):
    summary = make_summary()
    offers = {}
    for name, user in [("visitor", None), ("reader", make_user()), ("own", summary.author)]:
        if user:
            client.force_login(user)
        else:
            client.logout()
        part = block_html(page(client, summary.paper.get_absolute_url()), summary)
        offers[name] = {
            word
            for word in ("Edit", "Delete", "Report", "Log in to vote", "Vote up")
            if re.search(f">{word}<", part)
        }
    assert offers == {
        "visitor": {"Log in to vote", "Report"},
        "reader": {"Vote up", "Report"},
        "own": {"Edit", "Delete"},
    }


def test_each_reader_sees_their_own_vote_on_the_same_kept_block(client):
    summary = make_summary()
    up, down, none = make_user(), make_user(), make_user()
    Vote.objects.create(summary=summary, user=up, value=Vote.UP)
    Vote.objects.create(summary=summary, user=down, value=Vote.DOWN)
    pressed = {}
    with Renders(cards.BLOCK.name) as renders:
        for name, user in [("up", up), ("down", down), ("none", none)]:
            client.force_login(user)
            part = block_html(page(client, summary.paper.get_absolute_url()), summary)
            pressed[name] = re.findall(r'value="(up|down)"[^>]*aria-pressed="(\w+)"', part)
    assert renders.count == 1
    assert pressed == {
        "up": [("up", "true"), ("down", "false")],
        "down": [("up", "false"), ("down", "true")],
        "none": [("up", "false"), ("down", "false")],
    }


def test_a_kept_block_s_vote_form_carries_this_session_s_token_and_a_new_key():
    summary = make_summary()
    keys = set()
    for _ in range(2):  # the second session is served the kept block
        client = Client(enforce_csrf_checks=True)
        voter = make_user()
        client.force_login(voter)
        form = block_html(page(client, summary.paper.get_absolute_url()), summary)
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
        keys.add(fields[idempotency.FIELD])
        response = client.post(
            reverse("summaries:vote", args=[summary.pk]), {**fields, "value": "up"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"{summary.paper.get_absolute_url()}#{summary.anchor}"
        assert Vote.objects.filter(summary=summary, user=voter, value=Vote.UP).exists()
    assert len(keys) == 2


def test_a_kept_block_links_back_to_the_page_it_is_on(client):
    summary = make_summary()
    paper_url = summary.paper.get_absolute_url()
    page(client, paper_url)
    part = block_html(page(client, paper_url + "?page=1"), summary)
    assert f"?next={paper_url}%3Fpage%3D1%23{summary.anchor}" in part  # log in to vote
    assert f"?next={paper_url}%3Fpage%3D1" in part.split("report-link")[1]


def test_an_anonymous_block_is_unsigned_and_only_its_author_sees_the_badge(client):
    summary = make_summary(is_anonymous=True)
    client.force_login(make_user())
    others = block_html(page(client, summary.paper.get_absolute_url()), summary)
    client.force_login(summary.author)
    own = block_html(page(client, summary.paper.get_absolute_url()), summary)
    assert summary.author.username not in others
    assert "published anonymously" not in others
    assert "published anonymously" in own


def test_a_new_username_shows_at_once(client):
    summary = make_summary()
    page(client, summary.paper.get_absolute_url())
    summary.author.username = "renamed"
    summary.author.save()
    summary.refresh_from_db()
    assert ">renamed<" in block_html(page(client, summary.paper.get_absolute_url()), summary)


def test_blocks_and_their_comments_come_from_the_cache_in_one_round_trip(client):
    summary = make_summary(body="Discussed.")
    make_comment(summary=summary, body="A first comment.")
    make_comment(summary=summary, body="A second comment.")
    asked = []
    real_get_many = cache.get_many

    def get_many(keys, *args, **kwargs):
        asked.append(list(keys))
        return real_get_many(keys, *args, **kwargs)

    for url in (summary.paper.get_absolute_url(), summary.get_absolute_url()):
        asked.clear()
        with patch.object(cache, "get_many", get_many):
            html = page(client, url)
        blocks = [keys for keys in asked if any(key.startswith("kept:summaries/") for key in keys)]
        assert len(blocks) == 1, url
        assert sum(key.startswith(f"kept:{cards.BLOCK.name}") for key in blocks[0]) == 1
        assert sum(key.startswith(f"kept:{cards.COMMENT.name}") for key in blocks[0]) == 2
        # On the paper page, the section around the comments comes in the same trip.
        sections = sum(key.startswith(f"kept:{cards.PAPER_COMMENTS.name}") for key in blocks[0])
        assert sections == (url == summary.paper.get_absolute_url())
        assert "A first comment." in html and "A second comment." in html
