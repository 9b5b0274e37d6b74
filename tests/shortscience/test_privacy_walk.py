"""One walk over every surface that shows summaries, for a private and an anonymous one.

A private summary must not reach feeds, the sitemap, search, counts, profiles, other
users' exports or notifications; an anonymous one must never name its author: not in
HTML, element ids, feeds, JSON, zip files or mail headers. Each surface is fetched as a
reader (another logged-in user) and as a logged-out visitor, and its bytes are searched
for the secret: the private text and its paper, the anonymous author's name and address.
"""

import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from summaries import services
from summaries.models import Comment, Summary
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

PRIVATE_WORD = "zanzibarite"
PRIVATE_TITLE = "Quillwort dynamics of unreleased work"
SHY_NAME = "hannahshy"
SHY_EMAIL = "hannah.withheld@example.org"
SHY_DISPLAY = "Hannah Withheld"


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    venue_paper = make_paper("conf/icml/Open20", title="An open paper", venue="ICML", year=2020)
    secret_paper = make_paper(
        "conf/icml/Secret20", title=PRIVATE_TITLE, venue="SecretConf", year=2020
    )
    keeper = make_user("keeper")
    shy = make_user(SHY_NAME, email=SHY_EMAIL, display_name=SHY_DISPLAY)
    reader = make_user("reader")
    public = make_summary(venue_paper, keeper, body="A public summary about ICML things.")
    private = make_summary(
        secret_paper, keeper, body=f"Notes on {PRIVATE_WORD}, for me alone.", is_private=True
    )
    anonymous = make_summary(
        venue_paper, shy, body="An anonymous summary with $x^2$ in it.", is_anonymous=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        # The keeper comments under their own private summary (nobody else may), the
        # reader under the anonymous one; its author answers, then the reader again.
        services.add_comment(summary=private, author=keeper, body=f"More {PRIVATE_WORD}.")
        first, _ = services.add_comment(summary=anonymous, author=reader, body="Why $x^2$?")
        services.add_comment(summary=anonymous, author=shy, body="Because.", parent=first)
        services.add_comment(summary=anonymous, author=reader, body="Thanks!", parent=first)
    services.save_summary(
        paper=venue_paper,
        author=shy,
        body="An anonymous summary with $x^3$ in it.",
        is_private=False,
        is_anonymous=True,
    )
    make_comment(public, author=reader, body="A plain comment.")
    return {
        "venue_paper": venue_paper,
        "secret_paper": secret_paper,
        "keeper": keeper,
        "shy": shy,
        "reader": reader,
        "private": private,
        "anonymous": Summary.objects.get(pk=anonymous.pk),
        "shy_reply": Comment.objects.get(author=shy),
    }


def surfaces(world):
    """Every page, feed and file that could show one of the two summaries."""
    paper, secret = world["venue_paper"], world["secret_paper"]
    anonymous = world["anonymous"]
    return [
        reverse("summaries:home"),
        reverse("summaries:popular"),
        reverse("summaries:top"),
        paper.get_absolute_url(),
        secret.get_absolute_url(),
        anonymous.get_absolute_url(),
        reverse("summaries:history", args=[anonymous.pk]),
        reverse("summaries:diff", args=[anonymous.pk]) + "?from=1&to=2",
        reverse("accounts:profile", args=["keeper"]),
        reverse("accounts:profile", args=["reader"]),
        reverse("papers:venues"),
        reverse("papers:venue_year", args=["ICML", 2020]),
        reverse("papers:bibtex", args=[paper.bibtex_key]),
        reverse("papers:history", args=[paper.bibtex_key]),
        reverse("search:results") + f"?q={PRIVATE_WORD}",
        reverse("search:results") + "?q=anonymous+summary",
        reverse("search:results") + "?q=Because",
        reverse("feeds:rss"),
        reverse("feeds:atom"),
        reverse("feeds:paper_rss", args=[paper.bibtex_key]),
        reverse("feeds:paper_atom", args=[paper.bibtex_key]),
        reverse("feeds:user_rss", args=["keeper"]),
        reverse("feeds:user_atom", args=["keeper"]),
        reverse("feeds:venue_rss", args=["ICML"]),
        reverse("feeds:venue_atom", args=["ICML"]),
        reverse("discovery:sitemap"),
        reverse("discovery:sitemap_section", args=["papers"]),
        reverse("discovery:sitemap_section", args=["venues"]),
        reverse("discovery:sitemap_section", args=["profiles"]),
        # Reports name what they are about: the anonymous summary, and its author's
        # reply under it (readers log in first; a visitor is sent to the login page).
        reverse("moderation:report", args=["summary", anonymous.pk]),
        reverse("moderation:report", args=["comment", world["shy_reply"].pk]),
    ]


SHY_SECRETS = (SHY_NAME, SHY_EMAIL, SHY_DISPLAY)
# Not the word alone: the search page repeats what was searched for.
PRIVATE_SECRETS = ("for me alone", f"More {PRIVATE_WORD}", PRIVATE_TITLE, "SecretConf", "Secret20")


def fetch(client, url):
    response = client.get(url)
    if response.status_code == 302:
        # Only the report pages, which a visitor reaches after logging in.
        assert url.startswith("/report/"), url
        assert response.url.startswith(reverse("account_login")), (url, response.url)
    else:
        # The secret paper's own page exists (papers are public); it must just not show
        # the private summary. Everything else answers, or hides behind a 404.
        assert response.status_code in (200, 404), (url, response.status_code)
    return b"".join(response) if response.streaming else response.content


def assert_keeps_secrets(content, url, secrets):
    text = content.decode("utf-8", errors="replace")
    for secret in secrets:
        assert secret.lower() not in text.lower(), f"{secret!r} shows on {url}"


@pytest.mark.parametrize("viewer", ["reader", None])
def test_no_surface_shows_the_private_summary_or_names_the_anonymous_author(client, world, viewer):
    if viewer:
        client.force_login(world[viewer])
    for url in surfaces(world):
        content = fetch(client, url)
        assert_keeps_secrets(content, url, SHY_SECRETS)
        # The secret paper's page may name its own paper, of course, just not the text.
        secrets = (
            (PRIVATE_WORD,)
            if url == world["secret_paper"].get_absolute_url()
            else (PRIVATE_SECRETS)
        )
        assert_keeps_secrets(content, url, secrets)


def test_the_surfaces_do_show_the_summaries_to_those_allowed(client, world):
    """The walk above would pass on empty pages; here the same pages do carry the content."""
    client.force_login(world["keeper"])
    private = world["private"]
    assert PRIVATE_WORD in fetch(client, private.get_absolute_url()).decode()
    assert "anonymous summary" in fetch(client, world["venue_paper"].get_absolute_url()).decode()
    feed = fetch(client, reverse("feeds:paper_rss", args=[world["venue_paper"].bibtex_key]))
    assert b"Anonymous" in feed and b"&lt;math" in feed
    history = fetch(client, reverse("summaries:history", args=[world["anonymous"].pk]))
    assert b"Anonymous" in history or b"anonymous" in history


@pytest.mark.parametrize("viewer", ["reader", None])
def test_the_anonymous_authors_reply_is_signed_as_the_summarys_author(client, world, viewer):
    """The author answering under their anonymous summary: each page that shows the
    reply (the walk above checks them all for the name) calls them the summary's
    author, and their own profile lists neither the reply nor the summary."""
    if viewer:
        client.force_login(world[viewer])
    reply, anonymous = world["shy_reply"], world["anonymous"]
    pages = [anonymous.get_absolute_url(), world["venue_paper"].get_absolute_url()]
    if viewer:
        pages.append(reverse("moderation:report", args=["comment", reply.pk]))
    for url in pages:
        text = fetch(client, url).decode()
        assert "Because." in text and "the summary's author" in text.lower(), url
    profile = fetch(client, reverse("accounts:profile", args=[SHY_NAME])).decode()
    assert "Because." not in profile and "anonymous summary" not in profile


def test_counts_leave_the_private_summary_out(client, world):
    html = fetch(client, reverse("accounts:profile", args=["keeper"])).decode()
    # keeper has one public summary and one private one.
    assert "1 summary" in html
    venues = fetch(client, reverse("papers:venues")).decode()
    assert "SecretConf" not in venues


def test_the_export_of_another_user_holds_nothing_of_theirs(client, world):
    client.force_login(world["reader"])
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response) if response.streaming else response.content)
    )
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert_keeps_secrets(everything, "reader's export", SHY_SECRETS + PRIVATE_SECRETS)
    # The reader's own comments are in it: the export is not simply empty.
    assert b"Why $x^2$?" in everything


def test_mail_never_names_the_anonymous_author_to_others(world):
    to_others = [message for message in mail.outbox if SHY_EMAIL not in message.to]
    assert to_others, "the reader should have been told about the author's reply"
    for message in to_others:
        headers = "\n".join(f"{k}: {v}" for k, v in message.message().items())
        bodies = [message.body] + [content for content, _ in getattr(message, "alternatives", [])]
        for part in [headers, message.subject, *bodies]:
            for secret in SHY_SECRETS:
                assert secret not in part


def test_no_mail_about_the_private_summary_reaches_anyone_but_its_author(world):
    for message in mail.outbox:
        if PRIVATE_WORD in message.body or PRIVATE_TITLE in message.body:
            assert message.to == [world["keeper"].email]


@pytest.mark.parametrize("viewer", ["reader", "keeper", None])
@pytest.mark.parametrize("answer", ["page", "csv"])
def test_a_checked_reading_list_leaves_the_private_summary_out_and_the_author_unnamed(
    client, world, viewer, answer
):
    if viewer:
        client.force_login(world[viewer])
    names = "conf/icml/Open20\nconf/icml/Secret20"
    data = {"text": names} | ({"format": "csv"} if answer == "csv" else {})
    response = client.post(reverse("papers:coverage"), data)
    text = response.content.decode()

    assert response.status_code == 200
    assert_keeps_secrets(response.content, "the reading list", SHY_SECRETS)
    # Papers are public: the list names the secret paper, never its private summary,
    # even to that summary's author.
    assert_keeps_secrets(response.content, "the reading list", ("for me alone", PRIVATE_WORD))
    assert f"/summaries/{world['private'].pk}/" not in text
    assert f"/summaries/{world['anonymous'].pk}/" in text  # the public ones are listed
    if answer == "page":
        assert "1 of 2 papers has a summary." in text
