"""What a moderator hides disappears everywhere, except for its own author; a ban hides
everything the user wrote and shuts their account.

The search checks hold on SQLite and on PostgreSQL alike (distinct whole words).
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from moderation import services
from search.models import Document
from tests.factories import PASSWORD, make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

HIDDEN_BADGE = "hidden by a moderator: only you can see it"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def search(client, words):
    return page(client, f"{reverse('search:results')}?q={words}")


@pytest.fixture
def moderator():
    return make_user("moderator", is_staff=True)


@pytest.fixture
def hidden_summary(moderator):
    paper = make_paper(title="A paper on hiding", venue="HIDECONF", year=2021)
    summary = make_summary(paper=paper, author=make_user("ada"), body="Zanzibar quokkas explained.")
    services.hide(summary, moderator)
    return summary


def test_hidden_summary_is_gone_from_the_feeds(client, hidden_summary):
    for url in ["/", "/popular/", "/top/"]:
        html = page(client, url)
        assert "A paper on hiding" not in html, url
        assert "Zanzibar" not in html, url


def test_hidden_summary_is_gone_from_its_paper_page_for_others(client, hidden_summary):
    paper_url = hidden_summary.paper.get_absolute_url()
    for reader in [None, make_user("reader")]:
        if reader:
            client.force_login(reader)
        html = page(client, paper_url)
        assert "Zanzibar" not in html
        assert f'id="{hidden_summary.anchor}"' not in html
        assert "Nobody has summarized this paper yet." in html


def test_hidden_summary_page_answers_404_to_others(client, hidden_summary):
    assert client.get(hidden_summary.get_absolute_url()).status_code == 404
    client.force_login(make_user())
    assert client.get(hidden_summary.get_absolute_url()).status_code == 404


def test_the_author_still_sees_their_hidden_summary_with_a_badge(client, hidden_summary):
    client.force_login(hidden_summary.author)
    for url in [hidden_summary.get_absolute_url(), hidden_summary.paper.get_absolute_url()]:
        html = page(client, url)
        assert "Zanzibar quokkas explained." in html
        assert HIDDEN_BADGE in html


def test_hidden_summary_counts_nowhere(client, hidden_summary):
    make_summary(paper=make_paper(venue="HIDECONF", year=2020))
    venues = client.get("/venue/").context["venues"]
    assert [(v["name"], v["summary_count"]) for v in venues] == [("HIDECONF", 1)]
    assert [row["year"] for row in venues[0]["years"]] == [2020]
    html = page(client, hidden_summary.paper.get_absolute_url())
    assert "1 summary" not in html


def test_hidden_summary_is_gone_from_its_authors_profile(client, hidden_summary):
    make_summary(author=hidden_summary.author, paper=make_paper(title="Still public"))
    html = page(client, reverse("accounts:profile", args=["ada"]))
    assert "Still public" in html
    assert "A paper on hiding" not in html


def test_hidden_summary_and_its_comments_are_gone_from_search_until_restored(client, moderator):
    summary = make_summary(body="Zanzibar quokkas explained.")
    comment = make_comment(summary, body="Quokkas indeed, wombats too.")
    assert f'href="/summaries/{summary.pk}/"' in search(client, "zanzibar")

    services.hide(summary, moderator)

    assert f"/summaries/{summary.pk}/" not in search(client, "zanzibar")
    assert f"#comment-{comment.pk}" not in search(client, "wombats")
    assert not Document.objects.filter(summary=summary).exists()

    services.restore(summary, moderator)

    assert f'href="/summaries/{summary.pk}/"' in search(client, "zanzibar")
    assert f"#comment-{comment.pk}" in search(client, "wombats")


def test_hidden_comment_is_gone_from_every_page_and_search_until_restored(client, moderator):
    summary = make_summary(body="A plain summary.")
    kept = make_comment(summary, body="Numbat remarks stay.")
    hidden = make_comment(summary, body="Platypus spam goes.")
    services.hide(hidden, moderator)

    for viewer in [None, hidden.author, make_user()]:
        if viewer:
            client.force_login(viewer)
        for url in [summary.get_absolute_url(), summary.paper.get_absolute_url()]:
            html = page(client, url)
            assert "Numbat remarks stay." in html
            assert "Platypus" not in html and f'id="comment-{hidden.pk}"' not in html
            assert "1 comment<" in html
    assert "Platypus" not in page(client, "/")
    assert f"#comment-{hidden.pk}" not in search(client, "platypus")
    assert f"#comment-{kept.pk}" in search(client, "numbat")

    services.restore(hidden, moderator)

    assert "Platypus spam goes." in page(client, summary.get_absolute_url())
    assert f"#comment-{hidden.pk}" in search(client, "platypus")


def test_restoring_a_comment_under_a_hidden_summary_keeps_it_out_of_search(client, moderator):
    summary = make_summary()
    comment = make_comment(summary, body="Echidna thoughts.")
    services.hide(comment, moderator)
    services.hide(summary, moderator)

    services.restore(comment, moderator)

    assert f"#comment-{comment.pk}" not in search(client, "echidna")


def test_a_deleted_comment_has_no_search_document(client):
    comment = make_comment(make_summary(), body="Wallaby words.")
    assert f"#comment-{comment.pk}" in search(client, "wallaby")

    comment.deleted_at = timezone.now()
    comment.save()

    assert f"#comment-{comment.pk}" not in search(client, "wallaby")


def test_reindex_leaves_out_hidden_and_deleted_text(moderator):
    summary = make_summary()
    hidden_summary = make_summary()
    make_comment(hidden_summary)
    services.hide(hidden_summary, moderator)
    hidden_comment = make_comment(summary)
    services.hide(hidden_comment, moderator)
    make_comment(summary, deleted_at=timezone.now())
    shown = make_comment(summary)

    call_command("reindex", verbosity=0)

    assert {(d.kind, d.object_id) for d in Document.objects.exclude(kind="paper")} == {
        ("summary", summary.pk),
        ("comment", shown.pk),
    }


def test_a_banned_user_cannot_log_in_and_has_no_profile(client, moderator):
    spammer = make_user("spammer")
    summary = make_summary(author=spammer, body="Kookaburra offers.")
    comment = make_comment(make_summary(), author=spammer, body="Dingo deals.")
    other = make_client_logged_in(spammer)
    assert other.get("/").wsgi_request.user == spammer

    services.ban(spammer, moderator)

    response = client.post(reverse("account_login"), {"login": "spammer", "password": PASSWORD})
    # allauth's page for inactive accounts, and no session.
    assert response["Location"] == reverse("account_inactive")
    assert "_auth_user_id" not in client.session
    # A session opened before the ban ends with it.
    assert not other.get("/").wsgi_request.user.is_authenticated
    assert client.get(reverse("accounts:profile", args=["spammer"])).status_code == 404
    assert client.get(summary.get_absolute_url()).status_code == 404
    assert "Dingo" not in page(client, comment.summary.get_absolute_url())
    assert f"/summaries/{summary.pk}/" not in search(client, "kookaburra")
    assert f"#comment-{comment.pk}" not in search(client, "dingo")


def make_client_logged_in(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other
