import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from summaries import services
from summaries.models import Summary, Vote
from summaries.ranking import hotness
from tests.factories import make_comment, make_summary, make_user
from tests.utils import pager_links, queries_for

pytestmark = pytest.mark.django_db
RECENT = reverse("summaries:home")
POPULAR = reverse("summaries:popular")
TOP = reverse("summaries:top")


def summary_aged(body, hours, votes=0):
    """A public summary written `hours` ago, voted up (or down, if negative) `votes` times."""
    summary = make_summary(body=body)
    # As if saved then: the stored hotness goes with the creation time.
    created_at = timezone.now() - timedelta(hours=hours)
    Summary.objects.filter(pk=summary.pk).update(
        created_at=created_at, hotness=hotness(0, created_at)
    )
    summary.refresh_from_db()
    value = Vote.UP if votes > 0 else Vote.DOWN
    for _ in range(abs(votes)):
        services.vote(summary=summary, user=make_user(), value=value)
    return summary


def order_of(html, *bodies):
    """The bodies, in the order they appear on the page."""
    return sorted(bodies, key=html.index)


def test_urls_of_the_tabs():
    assert (RECENT, POPULAR, TOP) == ("/", "/popular/", "/top/")


@pytest.mark.parametrize(
    ("url", "title", "page_title"),
    [
        (RECENT, "Recent summaries", "ShortScience: research papers, summarized"),
        (POPULAR, "Popular summaries", "Popular summaries · ShortScience: research papers"),
        (TOP, "Top summaries", "Top summaries · ShortScience: research papers"),
    ],
)
def test_each_tab_has_its_title_and_marks_itself_current(client, url, title, page_title):
    html = client.get(url).content.decode()
    assert f'<h1 class="h3 mb-3">{title}</h1>' in html
    assert re.search(rf"<title>{re.escape(page_title)}", html)
    current = re.findall(r'<a class="nav-link active" href="([^"]*)" aria-current="page">', html)
    assert current == [url]
    for other in {RECENT, POPULAR, TOP} - {url}:
        assert f'<a class="nav-link" href="{other}">' in html


@pytest.mark.parametrize("url", [RECENT, POPULAR, TOP])
def test_empty_tab_says_so(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "No summaries yet." in response.content.decode()


def test_recent_is_newest_first_whatever_the_score(client):
    summary_aged("old favourite", hours=48, votes=5)
    summary_aged("brand new", hours=1)
    html = client.get(RECENT).content.decode()
    assert order_of(html, "old favourite", "brand new") == ["brand new", "old favourite"]


def test_popular_puts_the_newer_of_equal_scores_first(client):
    summary_aged("older, score 2", hours=30, votes=2)
    summary_aged("newer, score 2", hours=2, votes=2)
    html = client.get(POPULAR).content.decode()
    assert order_of(html, "older, score 2", "newer, score 2") == [
        "newer, score 2",
        "older, score 2",
    ]


def test_popular_puts_the_higher_of_equal_ages_first(client):
    # The high one is written first, so that no tie-break on ids or dates can pass this.
    high = summary_aged("high score", hours=5, votes=4)
    low = summary_aged("low score", hours=5)
    Summary.objects.filter(pk=high.pk).update(created_at=low.created_at)
    # Votes store a hotness computed from the now shared creation time.
    services.vote(summary=high, user=make_user(), value=Vote.UP)
    services.vote(summary=low, user=make_user(), value=Vote.UP)
    html = client.get(POPULAR).content.decode()
    assert order_of(html, "low score", "high score") == ["high score", "low score"]


def test_popular_lets_a_higher_score_outrank_a_newer_summary_for_a_while(client):
    # A vote is worth two days (summaries.ranking.SECONDS_PER_VOTE).
    summary_aged("fresh, score 0", hours=1)
    summary_aged("ten days old, score 8", hours=240, votes=8)
    summary_aged("ten days old, score 3", hours=240, votes=3)
    html = client.get(POPULAR).content.decode()
    bodies = ("fresh, score 0", "ten days old, score 8", "ten days old, score 3")
    assert order_of(html, *bodies) == [
        "ten days old, score 8",
        "fresh, score 0",
        "ten days old, score 3",
    ]


def test_top_orders_by_score_then_newest(client):
    summary_aged("old, score 3", hours=300, votes=3)
    summary_aged("new, score 1", hours=1, votes=1)
    summary_aged("new, score -1", hours=1, votes=-1)
    summary_aged("newer, score 1", hours=0, votes=1)
    html = client.get(TOP).content.decode()
    bodies = ("new, score -1", "new, score 1", "newer, score 1", "old, score 3")
    assert order_of(html, *bodies) == [
        "old, score 3",
        "newer, score 1",
        "new, score 1",
        "new, score -1",
    ]


@pytest.mark.parametrize("url", [POPULAR, TOP])
def test_tabs_leave_out_private_and_hidden_summaries(client, url):
    summary_aged("a private note", hours=1, votes=0)
    Summary.objects.filter(body="a private note").update(is_private=True, score=50)
    summary_aged("hidden by a moderator", hours=1, votes=0)
    Summary.objects.filter(body="hidden by a moderator").update(is_hidden=True, score=50)
    summary_aged("public", hours=1)
    html = client.get(url).content.decode()
    assert "public" in html
    assert "a private note" not in html
    assert "hidden by a moderator" not in html


@pytest.mark.parametrize(
    ("url", "title", "newer", "older"),
    [
        (RECENT, "Recent summaries", "Newer", "Older"),
        (POPULAR, "Popular summaries", "Previous", "Next"),
        (TOP, "Top summaries", "Previous", "Next"),
    ],
)
def test_pages_of_a_tab_stay_on_the_tab(client, url, title, newer, older):
    # Newest first and best first agree here, so each tab lists them in the same order.
    for n in range(12):
        summary_aged(f"summary number {n}", hours=n, votes=max(0, 3 - n))
    first = client.get(url).content.decode()
    assert "summary number 0<" in first and "summary number 10<" not in first
    # The pager's links stay on the tab: the next page of /top/ is /top/?after=….
    older_url = pager_links(first)["next"]
    assert older_url.startswith(f"{url}?after=")
    assert f'rel="next" data-pager="next">{older}<' in first
    html = client.get(older_url).content.decode()
    assert "summary number 10<" in html and "summary number 11<" in html
    assert "summary number 9<" not in html
    assert pager_links(html)["prev"].startswith(f"{url}?before=")
    assert f'rel="prev" data-pager="prev">{newer}<' in html
    assert f'<a class="nav-link active" href="{url}" aria-current="page">' in html
    assert f"<title>{title}, continued · " in html


def test_feed_items_show_the_score_and_the_viewers_vote(client):
    voted = summary_aged("I liked this one", hours=2, votes=2)
    summary_aged("not voted on", hours=1, votes=-1)
    viewer = make_user()
    services.vote(summary=voted, user=viewer, value=Vote.UP)
    client.force_login(viewer)
    html = client.get(TOP).content.decode()
    assert 'Score: 3<span class="text-body-secondary">, you voted up</span>' in html
    assert "Score: -1</span>" in html
    assert html.count("you voted") == 1


@pytest.mark.parametrize("url", [RECENT, POPULAR, TOP])
def test_query_count_does_not_grow_with_the_viewers_votes(client, url):
    viewer = make_user()
    client.force_login(viewer)

    def add_voted_summary():
        # Long: a card's excerpt comes in the same query, the body not at all.
        summary = make_summary(body="Words and $x$. " + "More words. " * 200)
        make_comment(summary)
        services.vote(summary=summary, user=viewer, value=Vote.UP)

    add_voted_summary()
    one = queries_for(client, url)
    for _ in range(24):
        add_voted_summary()
    assert queries_for(client, url) == one
