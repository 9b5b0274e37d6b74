"""Personal access tokens: made and revoked on a settings page, shown once, stored as a
hash; with one, /api/me/export gives the owner's own data and nobody else's."""

import hashlib
import re

import pytest

from accounts.services import delete_account
from api.models import MAX_ACTIVE_TOKENS, AccessToken
from moderation.services import ban
from tests.factories import make_comment, make_summary, make_user

pytestmark = pytest.mark.django_db

PAGE = "/accounts/settings/tokens/"


def make_token(client, name="Browser extension"):
    response = client.post(PAGE, {"name": name})
    assert response.status_code == 200, response.content[:500]
    return re.search(r'id="new-token" type="text" value="(ss_[^"]+)"', response.content.decode())[1]


def export(client, token):
    return client.get("/api/me/export", headers={"Authorization": f"Bearer {token}"})


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_without_tokens_says_so(client):
    client.force_login(make_user())
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Access tokens · ShortScience</title>" in html
    assert "You have no tokens in use." in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_token_is_shown_once_and_only_its_hash_is_stored(client):
    user = make_user()
    client.force_login(user)
    token = make_token(client)
    row = AccessToken.objects.get(user=user)
    assert row.name == "Browser extension"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in AccessToken.objects.values_list().get()]
    assert not any(token in value for value in stored)
    assert token.startswith(row.prefix) and len(row.prefix) < 12
    again = client.get(PAGE).content.decode()
    assert token not in again
    assert "You have 1 token in use." in again
    assert f"{row.prefix}…" in again


def test_export_gives_the_owners_own_data(client, world):
    client.force_login(world["keeper"])
    token = make_token(client)
    client.logout()
    make_summary(author=world["reader"], body="The reader's own summary, not the keeper's.")
    response = export(client, token)
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    data = response.json()
    assert data["user"]["username"] == "keeper"
    bodies = {summary["body"] for summary in data["summaries"]}
    # Private ones included: they are the keeper's own.
    assert bodies == {world["public"].body, world["private"].body}
    assert {comment["body"] for comment in data["comments"]} == {"More zanzibarite."}
    assert "reader's own summary" not in response.content.decode()
    assert "hannah" not in response.content.decode().lower()


def test_export_needs_a_token(client, world):
    client.force_login(world["keeper"])  # a session is not enough: the API reads none
    response = client.get("/api/me/export")
    assert response.status_code == 401


def test_a_revoked_token_is_refused(client):
    user = make_user()
    client.force_login(user)
    token = make_token(client)
    assert export(client, token).status_code == 200
    row = AccessToken.objects.get(user=user)
    response = client.post(f"{PAGE}{row.pk}/revoke/", follow=True)
    assert "The token was revoked" in response.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is not None
    refused = export(client, token)
    assert refused.status_code == 401
    assert "unknown or revoked" in refused.json()["detail"]
    # Listed as revoked, and nobody else's to revoke.
    assert "Revoked" in client.get(PAGE).content.decode()


def test_nobody_revokes_anothers_token(client):
    owner, other = make_user(), make_user()
    client.force_login(owner)
    token = make_token(client)
    client.force_login(other)
    row = AccessToken.objects.get(user=owner)
    response = client.post(f"{PAGE}{row.pk}/revoke/", follow=True)
    assert "You have no such token in use." in response.content.decode()
    assert export(client, token).status_code == 200


def test_tokens_of_closed_or_banned_accounts_are_refused(client):
    banned, closed = make_user(), make_user()
    moderator = make_user(is_staff=True)
    tokens = {}
    for user in (banned, closed):
        client.force_login(user)
        tokens[user.pk] = make_token(client)
    ban(banned, by=moderator)
    delete_account(closed, content="delete")
    for token in tokens.values():
        assert export(client, token).status_code == 401


def test_at_most_ten_tokens_in_use(client):
    user = make_user()
    client.force_login(user)
    for n in range(MAX_ACTIVE_TOKENS):
        make_token(client, f"Token {n}")
    page = client.get(PAGE).content.decode()
    assert f"You have {MAX_ACTIVE_TOKENS} tokens in use, the most an account may have." in page
    response = client.post(PAGE, {"name": "One too many"})
    assert response.status_code == 400
    assert "revoke one you no longer need to make another" in response.content.decode()
    assert AccessToken.objects.filter(user=user).count() == MAX_ACTIVE_TOKENS


def test_a_token_needs_a_name(client):
    client.force_login(make_user())
    response = client.post(PAGE, {"name": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not AccessToken.objects.exists()


def test_a_comment_under_someone_elses_summary_keeps_its_address_private(client, world):
    # The export's own rule, through the API: a comment under a summary that became
    # private keeps the summary's address to itself.
    make_comment(world["public"], author=world["shy"], body="A comment by the shy one.")
    world["public"].is_private = True
    world["public"].save()
    client.force_login(world["shy"])
    token = make_token(client)
    data = export(client, token).json()
    comment = next(c for c in data["comments"] if c["body"] == "A comment by the shy one.")
    assert comment["summary_id"] is None and comment["url"] is None


def test_the_settings_page_links_to_the_tokens(client):
    client.force_login(make_user())
    assert PAGE in client.get("/accounts/settings/").content.decode()


def test_the_limit_holds_in_the_service_too():
    from api import tokens

    user = make_user()
    for n in range(MAX_ACTIVE_TOKENS):
        tokens.create_token(user, f"Token {n}")
    with pytest.raises(tokens.TokenLimitReached):
        tokens.create_token(user, "One too many")
    tokens.revoke_token(user, AccessToken.objects.filter(user=user).first().pk)
    tokens.create_token(user, "In place of the revoked one")


def test_staff_revoke_a_token_in_the_admin_without_seeing_its_hash(client):
    from api import tokens

    owner = make_user()
    row, token = tokens.create_token(owner, "Noisy bot")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/api/accesstoken/{row.pk}/change/").content.decode()
    assert "Noisy bot" in page and row.token_hash not in page and token not in page
    response = client.post(
        "/admin/api/accesstoken/",
        {"action": "revoke", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "1 token revoked." in response.content.decode()
    assert export(client, token).status_code == 401
