"""The homepage's tabs read through compiled statements (summaries.listing): the same
summaries, in the same order and with the same cards, as the querysets they are
compiled from."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from summaries import cards, listing, services
from summaries.models import Summary, Vote
from tests.factories import make_paper, make_summary, make_user
from topics.models import Topic

pytestmark = pytest.mark.django_db
ORDERS = ("newest_first", "popular_first", "best_first")


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture
def site():
    """Summaries of every kind a card prints differently: anonymous, with a title in
    math, with topics, voted up and down by the reader; and one private and one hidden
    summary, which no tab lists."""
    reader = make_user("reader")
    math = make_paper(title=r"Bounds on $\sqrt{n}$ samples", venue="NeurIPS", year=2020)
    anonymous = make_summary(paper=math, is_anonymous=True)
    plain = make_summary(paper=make_paper(venue="", year=None))
    tagged = make_summary()
    topic = Topic.objects.create(slug="test.listing", name="Listed Topic")
    topic.summaries.add(tagged)
    topic.papers.add(plain.paper)
    make_summary(is_private=True)
    make_summary(is_hidden=True)
    services.vote(summary=anonymous, user=reader, value=Vote.UP)
    services.vote(summary=plain, user=reader, value=Vote.DOWN)
    return reader


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("as_reader", [False, True])
def test_a_tab_lists_what_its_queryset_does(site, order, as_reader):
    user = site if as_reader else AnonymousUser()
    page = listing.tab_page(request_of(user), order, 10)
    summaries = getattr(Summary.objects.public().for_listing().with_user_vote(user), order)()
    expected = list(summaries)
    assert [row.pk for row in page] == [summary.pk for summary in expected]
    assert [(row.shown_html, row.is_cut, row.user_vote) for row in page] == [
        (summary.shown_html, summary.is_cut, summary.user_vote) for summary in expected
    ]
    if as_reader:
        assert sorted(row.user_vote for row in page if row.user_vote) == [Vote.DOWN, Vote.UP]


@pytest.mark.parametrize("as_reader", [False, True])
def test_a_card_not_kept_yet_is_rendered_from_the_row_as_from_the_summary(site, as_reader):
    user = site if as_reader else AnonymousUser()
    cache.clear()
    rows = cards.attach(listing.tab_page(request_of(user), "newest_first", 10))
    from_rows = [row.card for row in rows]
    cache.clear()
    summaries = Summary.objects.public().for_listing().with_user_vote(user).newest_first()
    from_summaries = [summary.card for summary in cards.attach(summaries)]
    assert from_rows == from_summaries
    assert any("Anonymous" in card for card in from_rows)
    assert any("Listed Topic" in card for card in from_rows)


def test_rendering_a_card_from_a_row_reads_nothing_more():
    make_summary(paper=make_paper(title="Plain", venue="ICML", year=2019))
    page = listing.tab_page(request_of(AnonymousUser()), "newest_first", 10)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        (row,) = cards.attach(page)
    # The topics' query alone: the card is made of the row's own columns.
    assert len(captured) == 1
    assert "Plain" in row.card and "ICML" in row.card


@pytest.mark.parametrize("as_reader", [False, True])
def test_a_profile_lists_what_its_queryset_does(site, as_reader):
    person = make_user("person")
    signed = [make_summary(author=person) for _ in range(3)]
    make_summary(author=person, is_anonymous=True)
    make_summary(author=person, is_private=True)
    services.vote(summary=signed[1], user=site, value=Vote.UP)
    user = site if as_reader else AnonymousUser()
    page = listing.profile_page(request_of(user), person, 10)
    expected = list(
        Summary.objects.on_profile(person).for_listing().with_user_vote(user).newest_first()
    )
    assert [row.pk for row in page] == [summary.pk for summary in expected]
    assert sorted(row.pk for row in page) == sorted(summary.pk for summary in signed)
    assert [row.user_vote for row in page] == [summary.user_vote for summary in expected]
    assert any(row.user_vote == Vote.UP for row in page) is as_reader


@pytest.mark.parametrize("who", ["visitor", "reader", "own author"])
def test_a_papers_first_page_lists_what_its_queryset_does(who):
    """The reader's own summary first, even private; others best first, with the
    reader's votes; a hidden one only to its author."""
    paper = make_paper()
    author, reader = make_user("author"), make_user("reader")
    own = make_summary(paper=paper, author=author, is_private=True)
    others = [make_summary(paper=paper) for _ in range(4)]
    make_summary(paper=paper, is_hidden=True)
    services.vote(summary=others[2], user=reader, value=Vote.UP)
    services.vote(summary=others[1], user=author, value=Vote.DOWN)
    user = {"visitor": AnonymousUser(), "reader": reader, "own author": author}[who]

    expected = list(
        paper.summaries.all().on_paper_page(user).for_listing(100).with_user_vote(user)[:4]
    )
    found = listing.paper_first_page(paper, user, limit=4, whole_up_to=100)
    assert [summary.pk for summary in found] == [summary.pk for summary in expected]
    assert (found[0].pk == own.pk) is (who == "own author")
    for got, want in zip(found, expected, strict=True):
        assert got.paper is paper
        for name in ("user_vote", "shown_html", "is_cut", "score", "is_private"):
            assert getattr(got, name) == getattr(want, name)
        assert got.author.username == want.author.username
