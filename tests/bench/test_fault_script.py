"""The load and fault harness (bench/fault.py) itself: its client really logs in, posts
and votes, and its verdicts catch what they are there to catch.

The harness runs against gunicorn and PostgreSQL in `make fault`; these tests keep it
honest in the ordinary suite, where a change to the site (the outage page's wording,
the login session) would otherwise only show up in that run.
"""

import uuid
from urllib.parse import urlsplit

import pytest

from bench import fault_http, fault_stream
from tests.factories import make_summary, make_user
from tests.unreachable_db import database_away, unreachable_connection


def test_made_sessions_log_users_in_to_post_and_vote(live_server):
    summary = make_summary()
    ada = make_user("ada")
    address = urlsplit(live_server.url)
    (browser,) = fault_http.browsers_for(
        [ada], address.port, summary.get_absolute_url(), host=address.hostname
    )

    reply = browser.post_comment(summary.pk, "Posted by the harness.", str(uuid.uuid4()))
    assert fault_http.is_comment_redirect(reply, summary.pk), (reply.status, reply.location)
    (comment,) = summary.comments.all()
    assert (comment.author, comment.body) == (ada, "Posted by the harness.")

    assert fault_http.vote_in(browser.vote(summary.pk, "up", str(uuid.uuid4()))) == "up"
    summary.refresh_from_db()
    assert summary.score == 1


def _reply(response):
    return fault_http.Reply(
        response.status_code,
        0.0,
        0.0,
        {name.lower(): value for name, value in response.items()},
        response.content.decode(),
    )


@pytest.mark.django_db
def test_the_sites_outage_page_passes_the_check(client, tmp_path):
    summary = make_summary()
    client.force_login(make_user())
    with database_away(unreachable_connection("postgresql", tmp_path)):
        response = client.post(
            f"/summaries/{summary.pk}/comments/", {"body": "Kept while the database is away."}
        )
    reply = _reply(response)
    assert fault_http.friendly_503_problems(reply, "Kept while the database is away.") == []
    assert fault_http.friendly_503_problems(reply, "Some other text.") == [
        "the posted text is not handed back"
    ]


def test_the_outage_check_refuses_other_answers():
    page = f"<h1>{fault_http.FRIENDLY_503_TEXT}</h1><p>Kept.</p>"
    assert (
        fault_http.friendly_503_problems(
            fault_http.Reply(503, 0, 0, {"retry-after": "30"}, page), "Kept."
        )
        == []
    )
    assert fault_http.friendly_503_problems(fault_http.Reply(500, 0, 0, {}, page), "Kept.") == [
        "status 500, not 503"
    ]
    assert fault_http.friendly_503_problems(fault_http.Reply(503, 0, 0, {}, page), "Kept.") == [
        "Retry-After is ''"
    ]
    assert fault_http.friendly_503_problems(
        fault_http.Reply(503, 0, 0, {"retry-after": "30"}, "Service Unavailable Kept."), "Kept."
    ) == [f"no {fault_http.FRIENDLY_503_TEXT!r} on the page"]
    (problem,) = fault_http.friendly_503_problems(
        fault_http.Reply(None, 0, 0, error="ConnectionResetError"), "Kept."
    )
    assert problem.startswith("no answer")


def _posts(*outcomes):
    posts = []
    for number, statuses in enumerate(outcomes, 1):
        key = str(uuid.uuid4())
        post = fault_stream.Post(key, fault_stream.stream_body(key, number))
        post.attempts = [fault_http.Reply(status, 0, 0) for status in statuses]
        posts.append(post)
    return posts


def test_stream_verdict_passes_each_success_stored_once():
    posts = _posts([302], [503, 503, 302], [503])
    # The last post never succeeded: whether it was stored is unknown, so either is fine.
    assert fault_stream.stream_problems(posts, [posts[0].body, posts[1].body]) == []
    assert fault_stream.stream_problems(posts, [post.body for post in posts]) == []


def test_stream_verdict_catches_lost_doubled_and_stray_posts():
    first, second = _posts([302], [503, 302])
    (lost,) = fault_stream.stream_problems([first, second], [first.body])
    assert "not stored" in lost

    doubled = fault_stream.stream_problems([first, second], [first.body, second.body, second.body])
    assert len(doubled) == 2
    assert "texts stored more than once" in doubled[0]
    assert "keys stored more than once" in doubled[1]

    # The same key under another text: a retry that the site took for a new post.
    retold = fault_stream.stream_problems(
        [first, second], [first.body, second.body, fault_stream.stream_body(second.key, 99)]
    )
    assert retold == [f"1 keys stored more than once, e.g. {second.key}"]

    stranger = fault_stream.stream_body(str(uuid.uuid4()), 3)
    (stray,) = fault_stream.stream_problems([first, second], [first.body, second.body, stranger])
    assert "never sent" in stray
