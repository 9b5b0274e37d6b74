"""Deleting one's account (/accounts/delete/): asked for the password again, offered
the data export first, then either deleting what one wrote or keeping it without a
name; and afterwards no page, feed, search or sitemap names the account any more."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts import services
from accounts.models import User
from search.models import Document
from summaries import services as summary_services
from summaries.models import Comment, Draft, Summary, Vote
from tests.factories import PASSWORD, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

NAME = "quintessa"
EMAIL = "quintessa.private@example.org"
DISPLAY = "Quintessa Marlowe"
SECRETS = (NAME, EMAIL, DISPLAY)
# Their draft, never published: no surface shows it, before or after.
DRAFT = "Unpublished musings on leaving, never meant for anyone else's eyes yet."


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """The leaving user's summaries, comments and votes among other people's."""
    paper = make_paper("conf/icml/Leaving20", title="A paper to leave", venue="ICML", year=2020)
    other_paper = make_paper("conf/icml/Staying20", title="A paper that stays", venue="ICML")
    leaving = make_user(NAME, email=EMAIL, display_name=DISPLAY, bio="I study things.")
    other = make_user("otto")
    voter = make_user("vera")
    with django_capture_on_commit_callbacks(execute=True):
        mine, _ = summary_services.save_summary(
            paper=paper,
            author=leaving,
            body="My summary of leaving.",
            is_private=False,
            is_anonymous=False,
        )
        summary_services.save_summary(
            paper=paper,
            author=leaving,
            body="My summary of leaving, edited.",
            is_private=False,
            is_anonymous=False,
        )
        private = make_summary(other_paper, leaving, body="Private notes.", is_private=True)
        theirs = make_summary(other_paper, other, body="Otto's summary stays.")
        under_mine, _ = summary_services.add_comment(summary=mine, author=other, body="Nice.")
        answered, _ = summary_services.add_comment(
            summary=theirs, author=leaving, body="A question answered by Otto."
        )
        summary_services.add_comment(
            summary=theirs, author=other, body="An answer.", parent=answered
        )
        alone, _ = summary_services.add_comment(
            summary=theirs, author=leaving, body="A remark nobody answered."
        )
        own_reply, _ = summary_services.add_comment(
            summary=theirs, author=leaving, body="And my own reply.", parent=answered
        )
    Draft.objects.save_text(leaving, paper, DRAFT)
    summary_services.vote(summary=theirs, user=leaving, value=Vote.UP)
    summary_services.vote(summary=theirs, user=voter, value=Vote.UP)
    summary_services.vote(summary=mine, user=voter, value=Vote.UP)
    return {
        "paper": paper,
        "other_paper": other_paper,
        "leaving": leaving,
        "other": other,
        "mine": Summary.objects.get(pk=mine.pk),
        "private": private,
        "theirs": Summary.objects.get(pk=theirs.pk),
        "under_mine": under_mine,
        "answered": answered,
        "alone": alone,
        "own_reply": own_reply,
    }


def log_in(client, username=NAME):
    assert client.post(reverse("account_login"), {"login": username, "password": PASSWORD})


def reauthenticate(client):
    """Open the deletion page, which asks for the password again first."""
    url = reverse("accounts:delete")
    asked = client.get(url)
    assert asked.status_code == 302 and asked.url.startswith(reverse("account_reauthenticate"))
    assert client.post(asked.url, {"password": PASSWORD}).url == url
    return client.get(url)


def delete_through_the_page(client, content):
    log_in(client)
    page = reauthenticate(client)
    assert page.status_code == 200
    response = client.post(reverse("accounts:delete"), {"content": content, "confirm": "on"})
    assert response.status_code == 302
    assert response.url == reverse("summaries:home")
    assert "_auth_user_id" not in client.session
    return response


def test_settings_link_to_the_page_which_offers_the_export_first(client):
    make_user(NAME)
    log_in(client)
    settings_page = client.get(reverse("accounts:settings")).content.decode()
    assert f'href="{reverse("accounts:delete")}"' in settings_page
    html = reauthenticate(client).content.decode()
    main = html.partition('<main id="main"')[2]
    assert main.index(reverse("accounts:export")) < main.index('name="content"')
    assert f'value="{services.DELETE}"' in main and f'value="{services.ANONYMISE}"' in main


def test_the_page_needs_a_login_and_the_password_again(client):
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    user = make_user(NAME)
    log_in(client)
    # Logged in, but a post without the password again deletes nothing.
    response = client.post(
        reverse("accounts:delete"), {"content": services.DELETE, "confirm": "on"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    wrong = client.post(response.url, {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert User.objects.get(pk=user.pk).is_active


def test_a_choice_and_the_confirmation_are_needed(client):
    user = make_user(NAME)
    log_in(client)
    reauthenticate(client)
    url = reverse("accounts:delete")
    assert client.post(url, {"content": services.DELETE}).status_code == 400
    assert client.post(url, {"content": "both", "confirm": "on"}).status_code == 400
    assert User.objects.get(pk=user.pk).deleted_at is None


def assert_scrubbed(user):
    user = User.objects.get(pk=user.pk)
    assert user.deleted_at is not None and not user.is_active
    assert user.username == f"deleted#{user.pk}"
    assert not user.has_usable_password()
    assert (user.email, user.display_name, user.bio, user.bio_html, user.orcid) == ("",) * 5
    assert not EmailAddress.objects.filter(user=user).exists()
    # The name is free again.
    assert not User.objects.filter(username=NAME).exists()


def test_delete_everything(client, world):
    delete_through_the_page(client, services.DELETE)
    assert_scrubbed(world["leaving"])
    assert not Summary.objects.filter(author=world["leaving"]).exists()
    assert not Draft.objects.filter(author=world["leaving"]).exists()
    # The discussion under their summary went with it, and its search documents.
    assert not Comment.objects.filter(pk=world["under_mine"].pk).exists()
    assert not Document.objects.filter(summary_id=world["mine"].pk).exists()
    # Their comment that Otto answered stays as a placeholder; the rest go.
    answered = Comment.objects.get(pk=world["answered"].pk)
    assert answered.is_gone and answered.body == "" and answered.placeholder == "[deleted]"
    assert not Document.objects.filter(kind="comment", object_id=answered.pk).exists()
    assert answered.replies.get().body == "An answer."
    assert not Comment.objects.filter(pk__in=[world["alone"].pk, world["own_reply"].pk]).exists()
    # Their vote is taken back, and the score counted again.
    assert not Vote.objects.filter(user=world["leaving"]).exists()
    assert Summary.objects.get(pk=world["theirs"].pk).score == 1
    page = client.get(world["theirs"].get_absolute_url()).content.decode()
    assert "[deleted]" in page and "An answer." in page


def test_keep_it_anonymised(client, world):
    delete_through_the_page(client, services.ANONYMISE)
    assert_scrubbed(world["leaving"])
    mine = Summary.objects.get(pk=world["mine"].pk)
    assert mine.is_anonymous and mine.body == "My summary of leaving, edited."
    assert mine.revisions.count() == 1
    assert not Summary.objects.filter(pk=world["private"].pk).exists()
    assert not Draft.objects.filter(author=world["leaving"]).exists()
    assert Comment.objects.filter(author=world["leaving"], deleted_at__isnull=True).count() == 3
    assert Summary.objects.get(pk=world["theirs"].pk).score == 2
    page = client.get(world["theirs"].get_absolute_url()).content.decode()
    assert "A question answered by Otto." in page and "A deleted account" in page
    paper_page = client.get(world["paper"].get_absolute_url()).content.decode()
    assert "My summary of leaving, edited." in paper_page and "Anonymous" in paper_page
    # Still found by its words, under no name.
    results = client.get(reverse("search:results") + "?q=leaving").content.decode()
    # (PostgreSQL's headline starts at the first word that is not a stop word.)
    assert "summary of <mark>leaving</mark>" in results and "Anonymous" in results


def test_the_service_refuses_an_unknown_choice(world):
    with pytest.raises(ValueError):
        services.delete_account(world["leaving"], content="keep")
    assert User.objects.get(pk=world["leaving"].pk).deleted_at is None


def surfaces(world):
    """Every page, feed and file that showed the account or what it wrote."""
    paper, other_paper = world["paper"], world["other_paper"]
    mine, theirs = world["mine"], world["theirs"]
    return [
        reverse("summaries:home"),
        reverse("summaries:popular"),
        reverse("summaries:top"),
        paper.get_absolute_url(),
        other_paper.get_absolute_url(),
        mine.get_absolute_url(),
        theirs.get_absolute_url(),
        world["answered"].get_absolute_url(),
        reverse("summaries:history", args=[mine.pk]),
        reverse("summaries:diff", args=[mine.pk]) + "?from=1&to=2",
        reverse("accounts:profile", args=[NAME]),
        reverse("accounts:profile", args=["otto"]),
        reverse("papers:venues"),
        reverse("papers:venue_year", args=["ICML", 2020]),
        reverse("search:results") + f"?q={NAME}",
        reverse("search:results") + "?q=leaving",
        reverse("search:results") + "?q=question",
        reverse("feeds:rss"),
        reverse("feeds:atom"),
        reverse("feeds:paper_rss", args=[paper.bibtex_key]),
        reverse("feeds:paper_atom", args=[paper.bibtex_key]),
        reverse("feeds:user_rss", args=[NAME]),
        reverse("feeds:user_atom", args=[NAME]),
        reverse("feeds:venue_rss", args=["ICML"]),
        reverse("feeds:venue_atom", args=["ICML"]),
        reverse("discovery:sitemap"),
        reverse("discovery:sitemap_section", args=["papers"]),
        reverse("discovery:sitemap_section", args=["venues"]),
        reverse("discovery:sitemap_section", args=["profiles"]),
        reverse("moderation:report", args=["summary", mine.pk]),
        reverse("moderation:report", args=["comment", world["answered"].pk]),
    ]


def fetch(client, url):
    response = client.get(url)
    if response.status_code == 302:
        # Only the report pages, which a visitor reaches after logging in.
        assert url.startswith("/report/"), url
    else:
        assert response.status_code in (200, 404), (url, response.status_code)
    return (b"".join(response) if response.streaming else response.content).decode()


@pytest.mark.parametrize("content", [services.DELETE, services.ANONYMISE])
def test_no_surface_names_the_deleted_account(
    client, world, content, django_capture_on_commit_callbacks
):
    visitor, reader = client, type(client)()
    reader.force_login(world["other"])
    # Each surface seen before, as a visitor (whose pages are cached whole) and as a
    # reader: the name is there, and cached pages must not keep it afterwards.
    before = {url: fetch(visitor, url) + fetch(reader, url) for url in surfaces(world)}
    assert any(NAME in text for text in before.values())
    assert not any(DRAFT in text for text in before.values())
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(world["leaving"], content=content)
    for url in surfaces(world):
        for viewer in (visitor, reader):
            # What a page repeats of its own address (a 404's og:url, the link to
            # log in and come back) or of the search asked for is not a leak.
            text = fetch(viewer, url).lower().replace(url.lower(), "")
            for echo in (f'value="{NAME}"', f"“{NAME}”", f"q%3d{NAME}"):
                text = text.replace(echo, "")
            for secret in SECRETS:
                assert secret.lower() not in text, f"{secret!r} shows on {url} after {content}"
    # Nothing is found under the old name.
    assert "search-result-" not in fetch(visitor, reverse("search:results") + f"?q={NAME}")
    for url in ("accounts:profile", "feeds:user_rss"):
        assert visitor.get(reverse(url, args=[NAME])).status_code == 404
    # Drafts go whatever becomes of the rest: nobody else could ever read them.
    assert not Draft.objects.filter(author=world["leaving"]).exists()


def test_with_two_factor_a_code_confirms_and_the_devices_go(client, settings):
    from allauth.mfa.models import Authenticator

    from tests.accounts.test_two_factor import totp_code, turn_on_totp

    settings.MFA_TOTP_TOLERANCE = 1
    user = make_user(NAME)
    log_in(client)
    secret, _ = turn_on_totp(client)
    client.post(reverse("account_logout"))
    log_in(client)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, 1)})
    # Asked again before deleting, the user may give a code instead of the password.
    asked = client.get(reverse("accounts:delete"))
    assert asked.url.startswith(reverse("account_reauthenticate"))
    page = client.get(asked.url).content.decode()
    assert reverse("mfa_reauthenticate") in page
    confirmed = client.post(
        reverse("mfa_reauthenticate") + "?next=" + reverse("accounts:delete"),
        {"code": totp_code(secret, -1)},
    )
    assert confirmed.url == reverse("accounts:delete")
    client.post(reverse("accounts:delete"), {"content": services.DELETE, "confirm": "on"})
    assert_scrubbed(user)
    assert not Authenticator.objects.filter(user=user).exists()


@pytest.mark.parametrize("content", ["delete", "anonymise"])
def test_its_orcid_and_github_sign_ins_go_with_it(world, content):
    from allauth.socialaccount.models import SocialAccount

    leaving = world["leaving"]
    SocialAccount.objects.create(user=leaving, provider="orcid", uid="0000-0002-1825-0097")
    SocialAccount.objects.create(user=leaving, provider="github", uid="4242")
    services.delete_account(leaving, content=content)
    assert not SocialAccount.objects.filter(user=leaving).exists()
