"""Following: the model's constraints, the buttons, follower counts and the Following tab."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from following import services
from following.models import Follow
from papers.models import Paper
from tests.factories import make_paper, make_summary, make_user
from tests.utils import pager_links, queries_for
from topics.models import Topic

pytestmark = pytest.mark.django_db

TAB = "/following/"


def post_follow(client, kind, name, action="follow", next_url="/"):
    return client.post("/follow/", {"kind": kind, "name": name, "action": action, "next": next_url})


# The model


def test_a_follow_names_exactly_one_target():
    user, paper = make_user(), make_paper()
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user, paper=paper, venue="NeurIPS")
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user, paper=paper, person=make_user())
    Follow.objects.create(user=user, venue="NeurIPS")


def test_a_target_is_followed_once_and_never_oneself():
    user, paper = make_user(), make_paper()
    Follow.objects.create(user=user, paper=paper)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user, paper=paper)
    Follow.objects.create(user=user, venue="NeurIPS")
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user, venue="neurips")  # whatever the case
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user, person=user)


# The buttons


def test_follow_and_unfollow_a_paper_without_javascript(client):
    reader, paper = make_user("reader"), make_paper()
    client.force_login(reader)
    page = paper.get_absolute_url()
    html = client.get(page).content.decode()
    assert "0 followers" in html
    assert 'value="follow"' in html

    response = post_follow(client, "paper", paper.bibtex_key, next_url=page)
    assert response.status_code == 302 and response["Location"] == page
    # Idempotent: the same post again follows once.
    post_follow(client, "paper", paper.bibtex_key, next_url=page)
    assert Follow.objects.filter(user=reader, paper=paper).count() == 1
    html = client.get(page).content.decode()
    assert "1 follower<" in html
    assert 'value="unfollow"' in html and 'aria-pressed="true"' in html

    post_follow(client, "paper", paper.bibtex_key, action="unfollow", next_url=page)
    post_follow(client, "paper", paper.bibtex_key, action="unfollow", next_url=page)
    assert not Follow.objects.exists()


def test_people_venues_and_topics_are_followed_from_their_pages(client):
    reader, author = make_user("reader"), make_user("author")
    make_summary(author=author, paper=make_paper(venue="NeurIPS"))
    client.force_login(reader)
    for kind, name, page in [
        ("person", "author", "/user/author/"),
        ("venue", "NeurIPS", "/venue/NeurIPS/"),
        ("topic", "cs.LG", "/topic/cs.LG/"),
    ]:
        html = client.get(page).content.decode()
        assert f'name="name" value="{name}"' in html, page
        post_follow(client, kind, name, next_url=page)
    assert {f.kind for f in Follow.objects.filter(user=reader)} == {"person", "venue", "topic"}
    html = client.get("/user/author/").content.decode()
    assert "1 follower<" in html


def test_following_yourself_is_refused(client):
    me = make_user("me")
    client.force_login(me)
    html = client.get("/user/me/").content.decode()
    assert 'value="follow"' not in html  # no button on one's own profile
    response = post_follow(client, "person", "me", next_url="/user/me/")
    assert response.status_code == 302
    assert not Follow.objects.exists()
    assert "You cannot follow yourself." in client.get("/user/me/").content.decode()


def test_visitors_are_sent_to_log_in(client):
    paper = make_paper()
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "/accounts/login/?next=" in html
    response = post_follow(client, "paper", paper.bibtex_key)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_bad_posts(client):
    client.force_login(make_user())
    assert post_follow(client, "planet", "x").status_code == 400
    assert post_follow(client, "paper", "no/such/paper").status_code == 404
    assert client.get("/follow/").status_code == 405
    # An address off the site is not followed back.
    paper = make_paper()
    response = post_follow(client, "paper", paper.bibtex_key, next_url="https://evil.example/")
    assert response["Location"] == "/"


@override_settings(RATE_LIMITS={"follow": (3, 600)})
def test_follow_posts_are_rate_limited(client):
    client.force_login(make_user())
    papers = [make_paper() for _ in range(4)]
    for paper in papers[:3]:
        assert post_follow(client, "paper", paper.bibtex_key).status_code == 302
    assert post_follow(client, "paper", papers[3].bibtex_key).status_code == 429
    assert Follow.objects.count() == 3


def test_follower_count_is_capped(monkeypatch):
    monkeypatch.setattr(services, "FOLLOWER_COUNT_CAP", 2)
    paper = make_paper()
    for _ in range(4):
        Follow.objects.create(user=make_user(), paper=paper)
    assert services.follower_count("paper", paper) == 3  # cap + 1: "2+ followers"


def test_a_capped_count_read_with_the_target_says_the_same(monkeypatch):
    monkeypatch.setattr(services, "FOLLOWER_COUNT_CAP", 2)
    paper, quiet, person = make_paper(), make_paper(), make_user()
    for _ in range(4):
        Follow.objects.create(user=make_user(), paper=paper)
    Follow.objects.create(user=make_user(), person=person)
    papers = services.with_follower_count(Paper.objects.order_by("pk"), "paper")
    assert [p.follower_count for p in papers.filter(pk__in=[paper.pk, quiet.pk])] == [3, 0]
    people = services.with_follower_count(User.objects.all(), "person")
    assert people.get(pk=person.pk).follower_count == 1


def test_a_paper_page_and_a_profile_read_the_count_with_their_row(client):
    paper, person = make_paper(), make_user("ada")
    for _ in range(2):
        Follow.objects.create(user=make_user(), paper=paper)
        Follow.objects.create(user=make_user(), person=person)
    for url in (paper.get_absolute_url(), "/user/ada/"):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert "2 followers" in response.content.decode()
        # No query of its own: a subquery of the paper's or the person's.
        assert not [q for q in captured if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]
        assert any("following_follow" in q["sql"] for q in captured)


# The Following tab


def test_following_tab_brings_what_is_followed_and_nothing_private(client):
    reader, friend, stranger = make_user("reader"), make_user("friend"), make_user("stranger")
    paper, venue_paper, topic_paper = make_paper(), make_paper(venue="ICML"), make_paper()
    topic_paper.topics.add(Topic.objects.get(slug="cs.RO"))
    for kind, target in [
        ("paper", paper),
        ("person", friend),
        ("venue", "icml"),
        ("topic", Topic.objects.get(slug="cs.RO")),
    ]:
        services.follow(reader, kind, target)
    of_paper = make_summary(paper=paper, author=stranger)
    by_friend = make_summary(author=friend)
    in_venue = make_summary(paper=venue_paper)
    in_topic = make_summary(paper=topic_paper)
    # Never: the friend's anonymous summary (through the person), private, hidden, others.
    anonymous = make_summary(author=friend, is_anonymous=True, body="ANON-SECRET")
    private = make_summary(paper=paper, is_private=True, body="PRIVATE-SECRET")
    hidden = make_summary(paper=paper, is_hidden=True, body="HIDDEN-SECRET")
    unrelated = make_summary(paper=make_paper(venue="CVPR"))

    client.force_login(reader)
    html = client.get(TAB).content.decode()
    assert "<title>Following · " in html
    assert 'aria-current="page">Following<' in html
    shown = [s.pk for s in (in_topic, in_venue, by_friend, of_paper)]
    positions = [html.index(f'id="summary-{pk}"') for pk in shown]
    assert positions == sorted(positions)  # newest first
    for summary in (anonymous, private, hidden, unrelated):
        assert f'id="summary-{summary.pk}"' not in html
    assert "SECRET" not in html


def test_anonymous_summary_of_a_followed_paper_shows_without_its_author(client):
    reader, friend = make_user("reader"), make_user("friend")
    paper = make_paper()
    services.follow(reader, "paper", paper)
    services.follow(reader, "person", friend)
    anonymous = make_summary(paper=paper, author=friend, is_anonymous=True)
    client.force_login(reader)
    html = client.get(TAB).content.decode()
    assert f'id="summary-{anonymous.pk}"' in html
    assert "/user/friend/" not in html


def test_following_tab_empty_state_and_visitors(client):
    assert client.get(TAB).status_code == 302
    client.force_login(make_user())
    html = client.get(TAB).content.decode()
    assert "Nothing from what you follow yet." in html
    assert 'href="/topic/"' in html


def test_following_tab_is_one_query_a_page_and_keyset_paged(client):
    reader = make_user("reader")
    paper = make_paper()
    services.follow(reader, "paper", paper)
    services.follow(reader, "topic", Topic.objects.get(slug="cs.AI"))
    make_summary(paper=paper)
    client.force_login(reader)
    one = queries_for(client, TAB)
    for _ in range(14):
        other = make_paper()
        other.topics.add(Topic.objects.get(slug="cs.AI"))
        make_summary(paper=other)
    assert queries_for(client, TAB) == one
    links = pager_links(client.get(TAB).content.decode())
    assert "after=" in links["next"]
    assert queries_for(client, links["next"]) == one
    second = client.get(links["next"]).content.decode()
    assert second.count('class="card mb-4 feed-item"') == 5


def test_the_page_of_summaries_is_one_query(django_assert_num_queries):
    reader = make_user()
    services.follow(reader, "paper", make_paper())
    with django_assert_num_queries(1):
        list(services.followed_summaries(reader).for_listing().newest_first()[:11])


def test_the_tab_reaches_back_over_the_sites_newest_summaries_only(monkeypatch):
    """However little the follows match, a page walks at most FOLLOWING_REACH of the
    site's newest public summaries."""
    monkeypatch.setattr(services, "FOLLOWING_REACH", 3)
    reader, paper = make_user(), make_paper()
    services.follow(reader, "paper", paper)
    old = make_summary(paper=paper)
    for _ in range(2):
        make_summary()
    assert list(services.followed_summaries(reader)) == [old]  # third newest: within reach
    make_summary()
    assert list(services.followed_summaries(reader)) == []
