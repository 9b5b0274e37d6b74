"""The privacy walk, for the API: private summaries, hidden summaries and comments, and
deleted comments never appear, in any endpoint, count, search or batch lookup; an
anonymous summary never names its author, nor does a comment its author wrote under it.

Each endpoint is fetched by a visitor and with the cookies of the authors themselves:
the API reads no session, so even they see only what everyone sees.
"""

import json

import pytest

from tests.api.conftest import (
    DELETED_COMMENT_WORD,
    HIDDEN_COMMENT_WORD,
    HIDDEN_WORD,
    PRIVATE_WORD,
    SHY_DISPLAY,
    SHY_NAME,
)

pytestmark = pytest.mark.django_db

SECRETS = [PRIVATE_WORD, HIDDEN_WORD, HIDDEN_COMMENT_WORD, DELETED_COMMENT_WORD]
# Searched for: each must find nothing, and the answer echoes the query, so these are
# looked for in the results only.
SEARCHES = [*SECRETS, "because", "attention", "notes"]


def endpoints(world):
    """Every address that lists or counts summaries and comments."""
    open_paper, secret, hidden = world["open_paper"], world["secret_paper"], world["hidden_paper"]
    urls = [
        "/api/summaries",
        "/api/summaries?venue=NeurIPS",
        f"/api/summaries?venue={secret.venue}",
        "/api/summaries?user=keeper",
        "/api/summaries?user=reader",
        f"/api/summaries?user={SHY_NAME}",
        f"/api/papers/{open_paper.bibtex_key}",
        f"/api/papers/{secret.bibtex_key}",
        f"/api/papers/{hidden.bibtex_key}",
        f"/api/summaries?paper={open_paper.bibtex_key}",
        f"/api/summaries?paper={secret.bibtex_key}",
        f"/api/summaries?paper={hidden.bibtex_key}",
        f"/api/lookup?id={open_paper.arxiv_id}&id={secret.arxiv_id}",
    ]
    for summary in ("public", "anonymous", "private", "hidden"):
        urls += [
            f"/api/summaries/{world[summary].pk}",
            f"/api/summaries/{world[summary].pk}/comments",
        ]
    return urls


def walk(client, world):
    """Each endpoint's answer as text, and the search results as text."""
    answers = {}
    for url in endpoints(world):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        answers[url] = response.content.decode()
    for query in SEARCHES:
        response = client.get(f"/api/search?q={query}")
        assert response.status_code == 200
        answers[f"search {query}"] = json.dumps(response.json()["results"])
    return answers


def assert_nothing_leaks(answers):
    for where, text in answers.items():
        for secret in [*SECRETS, SHY_NAME, SHY_DISPLAY, "hannah.withheld", "user_id", "author_id"]:
            assert secret.lower() not in text.lower(), f"{secret!r} in {where}"


@pytest.mark.parametrize("who", [None, "keeper", SHY_NAME, "reader", "moderator"])
def test_nothing_private_hidden_deleted_or_anonymous_leaks(client, world, who):
    if who:
        # The authors themselves, logged in to the site in the same browser: the API
        # answers them as it answers anyone.
        client.force_login(
            world[who] if who in world else type(world["keeper"]).objects.get(username=who)
        )
    assert_nothing_leaks(walk(client, world))


def test_private_and_hidden_summaries_are_404(client, world):
    for name in ("private", "hidden"):
        pk = world[name].pk
        assert client.get(f"/api/summaries/{pk}").status_code == 404
        assert client.get(f"/api/summaries/{pk}/comments").status_code == 404


def test_counts_leave_private_and_hidden_out(client, world):
    for paper in ("secret_paper", "hidden_paper"):
        answer = client.get(f"/api/papers/{world[paper].bibtex_key}").json()
        assert answer["public_summary_count"] == 0
        assert client.get(f"/api/summaries?paper={world[paper].bibtex_key}").json()["results"] == []
    lookup = client.get(f"/api/lookup?id={world['secret_paper'].arxiv_id}").json()
    assert lookup["results"][0]["found"] is True
    assert lookup["results"][0]["public_summary_count"] == 0
    assert lookup["with_summaries"] == 0
    public = client.get(f"/api/summaries/{world['public'].pk}").json()
    assert public["comment_count"] == 1  # not the deleted one, nor the hidden one


def test_an_anonymous_summary_and_its_authors_replies_name_nobody(client, world):
    summary = client.get(f"/api/summaries/{world['anonymous'].pk}").json()
    assert summary["author"] is None
    assert summary["byline"] == "Anonymous"
    comments = client.get(f"/api/summaries/{world['anonymous'].pk}/comments").json()["results"]
    reply = comments[1]
    assert reply["author"] is None
    assert reply["byline"] == "The summary's author"
    # Only what the pages say: the reader's question names the reader.
    assert comments[0]["byline"] == "reader"


def test_deleted_and_hidden_comments_are_left_out(client, world):
    comments = client.get(f"/api/summaries/{world['public'].pk}/comments").json()["results"]
    assert [comment["markdown"] for comment in comments] == ["A plain comment on attention."]


def test_a_deleted_accounts_comments_name_no_one(client, world):
    from accounts.services import delete_account
    from summaries import services

    services.add_comment(summary=world["public"], author=world["shy"], body="Signed, for now.")
    delete_account(world["shy"], content="anonymise")
    comments = client.get(f"/api/summaries/{world['public'].pk}/comments").json()["results"]
    last = comments[-1]
    assert last["markdown"] == "Signed, for now."
    assert last["author"] is None
    assert last["byline"] == "A deleted account"
