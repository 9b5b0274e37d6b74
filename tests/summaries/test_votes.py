import re
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from summaries import services
from summaries.models import Summary, Vote
from summaries.ranking import hotness
from tests.factories import PASSWORD, make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def vote_url(summary):
    return reverse("summaries:vote", args=[summary.pk])


def post_vote(client, summary, value, **extra):
    return client.post(vote_url(summary), {"value": value, **extra.pop("data", {})}, **extra)


def stored(summary):
    summary.refresh_from_db()
    return summary.score


@pytest.fixture
def voter(client):
    user = make_user("voter")
    client.force_login(user)
    return user


def test_vote_up_then_down_then_take_back(client, voter):
    summary = make_summary()
    post_vote(client, summary, "up")
    assert stored(summary) == 1
    assert Vote.objects.get(summary=summary, user=voter).value == Vote.UP

    post_vote(client, summary, "down")
    assert stored(summary) == -1
    assert Vote.objects.get(summary=summary, user=voter).value == Vote.DOWN

    post_vote(client, summary, "down")
    assert stored(summary) == 0
    assert not Vote.objects.exists()


def test_votes_of_several_users_add_up_and_set_hotness(client, voter):
    summary = make_summary()
    for _ in range(3):
        services.vote(summary=summary, user=make_user(), value=Vote.UP)
    services.vote(summary=summary, user=make_user(), value=Vote.DOWN)
    post_vote(client, summary, "up")
    assert stored(summary) == 3
    assert summary.hotness == hotness(3, summary.created_at)


def test_form_post_goes_back_to_the_summary_on_the_page_it_came_from(client, voter):
    summary = make_summary(author=make_user("ada"))
    next_url = summary.paper.get_absolute_url()
    response = post_vote(client, summary, "up", data={"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == f"{next_url}#ada"
    html = client.get(next_url).content.decode()
    assert "<span data-vote-score>1</span>" in html
    assert pressed_buttons(html, summary) == ["up"]


def test_next_on_another_site_is_ignored(client, voter):
    summary = make_summary(author=make_user("ada"))
    response = post_vote(client, summary, "up", data={"next": "https://evil.example/"})
    assert response["Location"] == f"{summary.get_absolute_url()}#ada"


def test_anonymous_summary_is_landed_on_without_its_authors_name(client, voter):
    summary = make_summary(author=make_user("hidden_hand"), is_anonymous=True)
    response = post_vote(client, summary, "up", data={"next": summary.paper.get_absolute_url()})
    assert response["Location"].endswith(f"#anonymous-{summary.pk}")
    response = post_vote(client, summary, "up", **JSON)
    assert "hidden_hand" not in response.content.decode()


def test_json_answer_has_score_and_vote(client, voter):
    summary = make_summary()
    services.vote(summary=summary, user=make_user(), value=Vote.UP)
    response = post_vote(client, summary, "up", **JSON)
    assert response.status_code == 200
    assert response.json() == {"score": 2, "vote": "up"}
    assert post_vote(client, summary, "down", **JSON).json() == {"score": 0, "vote": "down"}
    assert post_vote(client, summary, "down", **JSON).json() == {"score": 1, "vote": None}


def test_a_browsers_form_post_gets_a_redirect_not_json(client, voter):
    summary = make_summary()
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert post_vote(client, summary, "up", HTTP_ACCEPT=accept).status_code == 302


def test_bad_value_is_refused_with_a_message(client, voter):
    summary = make_summary()
    response = post_vote(client, summary, "sideways", **JSON)
    assert response.status_code == 400
    assert response.json() == {"error": "A vote is either up or down."}
    response = post_vote(client, summary, "sideways", follow=True)
    assert "A vote is either up or down." in response.content.decode()
    assert not Vote.objects.exists()


def test_own_summary_cannot_be_voted_on(client):
    summary = make_summary()
    client.force_login(summary.author)
    assert post_vote(client, summary, "up").status_code == 403
    assert post_vote(client, summary, "up", **JSON).status_code == 403
    assert stored(summary) == 0
    assert not Vote.objects.exists()


def test_service_refuses_a_vote_on_ones_own_summary():
    summary = make_summary()
    with pytest.raises(PermissionDenied):
        services.vote(summary=summary, user=summary.author, value=Vote.UP)


def test_author_is_not_offered_the_buttons(client):
    summary = make_summary()
    client.force_login(summary.author)
    html = client.get(summary.get_absolute_url()).content.decode()
    assert vote_url(summary) not in html
    assert "Score: 0" in html
    client.force_login(make_user())
    assert vote_url(summary) in client.get(summary.get_absolute_url()).content.decode()


def test_logged_out_voter_goes_to_login_and_comes_back(client):
    summary = make_summary(author=make_user("ada"))
    make_user("late")
    paper_url = summary.paper.get_absolute_url()
    response = post_vote(client, summary, "up", data={"next": paper_url})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert not Vote.objects.exists()
    response = client.post(response["Location"], {"login": "late", "password": PASSWORD})
    assert response["Location"] == f"{paper_url}#ada"


def test_logged_out_fetch_gets_401(client):
    summary = make_summary()
    response = post_vote(client, summary, "up", **JSON)
    assert response.status_code == 401
    assert response.json() == {"error": "Log in to vote."}


@pytest.mark.parametrize("state", [{"is_private": True}, {"is_hidden": True}])
def test_private_or_hidden_summary_is_not_found(client, voter, state):
    summary = make_summary(**state)
    assert post_vote(client, summary, "up").status_code == 404
    assert post_vote(client, summary, "up", **JSON).status_code == 404
    assert not Vote.objects.exists()


def test_vote_needs_post(client, voter):
    assert client.get(vote_url(make_summary())).status_code == 405


def test_database_allows_one_vote_per_user_and_summary():
    summary = make_summary()
    user = make_user()
    Vote.objects.create(summary=summary, user=user, value=Vote.UP)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(summary=summary, user=user, value=Vote.DOWN)


def test_database_allows_only_up_or_down():
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(summary=make_summary(), user=make_user(), value=2)


@override_settings(RATE_LIMITS={"vote": (2, 600)})
def test_too_many_votes_are_refused_with_a_message(client, voter):
    summary = make_summary()
    post_vote(client, summary, "up")
    post_vote(client, summary, "up")
    response = post_vote(client, summary, "up")
    assert response.status_code == 429
    assert "Too many posts in a short time" in response.content.decode()
    assert stored(summary) == 0
    assert post_vote(client, summary, "up", **JSON).status_code == 429


def test_paper_page_orders_by_score_then_newest(client):
    paper = make_paper()
    now = timezone.now()
    ages = {"old and liked": 3, "new and liked": 1, "new and ignored": 0}
    summaries = {}
    for body, days in ages.items():
        summary = make_summary(paper=paper, body=body)
        Summary.objects.filter(pk=summary.pk).update(created_at=now - timedelta(days=days))
        summaries[body] = summary
    for body in ("old and liked", "new and liked"):
        services.vote(summary=summaries[body], user=make_user(), value=Vote.UP)
    html = client.get(paper.get_absolute_url()).content.decode()
    assert html.index("new and liked") < html.index("old and liked") < html.index("new and ignored")


@pytest.mark.parametrize("viewer", ["anonymous", "voter"])
def test_paper_page_query_count_does_not_grow_with_voted_summaries(client, viewer):
    paper = make_paper()
    user = make_user()
    if viewer == "voter":
        client.force_login(user)

    def add_summary():
        summary = make_summary(paper=paper)
        services.vote(summary=summary, user=user, value=Vote.UP)
        services.vote(summary=summary, user=make_user(), value=Vote.DOWN)

    add_summary()
    one = queries_for(client, paper.get_absolute_url())
    for _ in range(24):
        add_summary()
    # One COUNT more once the summaries fill more than a page (paginate), whatever votes.
    assert queries_for(client, paper.get_absolute_url()) == one + 1


def pressed_buttons(html, summary):
    """The values of the summary's vote buttons that show as pressed."""
    form = html[html.index(f'action="{vote_url(summary)}"') :]
    form = form[: form.index("</form>")]
    return re.findall(r'<button [^>]*value="(up|down)"[^>]*aria-pressed="true"', form)


def test_paper_page_shows_each_of_the_viewers_votes(client, voter):
    paper = make_paper()
    liked, disliked, unvoted = (make_summary(paper=paper) for _ in range(3))
    services.vote(summary=liked, user=voter, value=Vote.UP)
    services.vote(summary=disliked, user=voter, value=Vote.DOWN)
    services.vote(summary=unvoted, user=make_user(), value=Vote.UP)
    html = client.get(paper.get_absolute_url()).content.decode()
    assert pressed_buttons(html, liked) == ["up"]
    assert pressed_buttons(html, disliked) == ["down"]
    assert pressed_buttons(html, unvoted) == []


def test_summary_page_query_count_same_with_or_without_a_vote(client, voter):
    voted, unvoted = make_summary(), make_summary()
    services.vote(summary=voted, user=voter, value=Vote.DOWN)
    assert queries_for(client, voted.get_absolute_url()) == queries_for(
        client, unvoted.get_absolute_url()
    )


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database is shared between threads through a shared "
    "cache, whose table locks fail at once ('database table is locked') instead of waiting: "
    "this test runs on PostgreSQL only (scripts/with-postgres)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_keep_the_score_exact():
    summary = make_summary()
    # Each voter votes, takes the vote back, votes again and switches; a barrier makes all
    # of them take each step at the same moment, so their transactions on the one summary
    # overlap. Without the row lock, a score summed while another vote is uncommitted is
    # stored last often enough to fail this test most runs.
    plans = [[Vote.UP, Vote.UP, Vote.UP, Vote.DOWN]] * 6 + [[Vote.DOWN] * 3 + [Vote.UP]] * 2
    voters = [make_user() for _ in plans]
    step = threading.Barrier(len(voters))
    errors = []

    def cast(user, values):
        try:
            for value in values:
                step.wait(timeout=30)
                services.vote(summary=Summary.objects.get(pk=summary.pk), user=user, value=value)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
            step.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=pair) for pair in zip(voters, plans, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Vote.objects.filter(summary=summary, value=Vote.UP).count() == 2
    assert Vote.objects.filter(summary=summary, value=Vote.DOWN).count() == 6
    summary.refresh_from_db()
    assert summary.score == -4
    assert summary.hotness == hotness(-4, summary.created_at)
