import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from following.models import Follow
from summaries.models import Comment
from tests.factories import make_comment, make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db


def profile_url(user):
    return reverse("accounts:profile", args=[user.username])


def test_lists_public_named_summaries_only(client):
    person = make_user("ada")
    make_summary(author=person, body="public and signed")
    make_summary(author=person, body="private notes", is_private=True)
    make_summary(author=person, body="said anonymously", is_anonymous=True)
    html = client.get(profile_url(person)).content.decode()
    assert "public and signed" in html
    assert "private notes" not in html
    assert "said anonymously" not in html
    assert "1 summary" in html


def test_owner_sees_their_hidden_summaries_listed_apart(client):
    person = make_user()
    hidden = make_summary(author=person, is_private=True)
    client.force_login(person)
    html = client.get(profile_url(person)).content.decode()
    assert "Only you see these" in html
    assert hidden.paper.title in html


def test_the_owner_s_unlisted_summaries_are_a_bounded_list_newest_first(client):
    from accounts.views import PROFILE_OWN_UNLISTED

    person = make_user()
    summaries = [
        make_summary(author=person, is_private=True) for _ in range(PROFILE_OWN_UNLISTED + 1)
    ]
    client.force_login(person)
    html = client.get(profile_url(person)).content.decode()
    section = html.split("Only you see these here")[1].split("</section>")[0]
    assert summaries[-1].paper.title in section  # the newest
    assert summaries[0].paper.title + "<" not in section  # the oldest is left out
    assert section.count("<li>") == PROFILE_OWN_UNLISTED
    assert "Export my data" in section


def test_others_do_not_see_the_hidden_list(client):
    person = make_user()
    hidden = make_summary(author=person, is_anonymous=True)
    client.force_login(make_user())
    html = client.get(profile_url(person)).content.decode()
    assert "Only you see these" not in html
    assert hidden.paper.title not in html


def test_unknown_user_is_404(client):
    assert client.get("/user/nobody-here/").status_code == 404


def test_empty_profile(client):
    person = make_user("quiet")
    html = client.get(profile_url(person)).content.decode()
    assert "has not published a summary yet" in html
    assert "0 summaries" in html


def test_query_count_does_not_grow(client):
    person = make_user()
    make_summary(author=person)
    one = queries_for(client, profile_url(person))
    for n in range(29):
        # Long ones too: a card's excerpt comes in the same query, the body not at all.
        make_comment(
            make_summary(
                author=person, body="Words and $x$. " + "More words. " * (200 if n % 2 else 1)
            )
        )
    assert queries_for(client, profile_url(person)) == one


def test_owner_sees_summaries_hidden_by_a_moderator_in_their_own_list(client):
    person = make_user()
    hidden = make_summary(
        author=person, paper=make_paper(title="Taken down"), body="hidden words", is_hidden=True
    )
    client.force_login(person)
    html = client.get(profile_url(person)).content.decode()
    own_list = html[html.index("Only you see these here") :]
    assert hidden.paper.title in own_list
    assert "hidden by a moderator" in own_list
    # Listed apart, never among the public summaries, whose count leaves it out.
    assert "hidden words" not in html
    assert "0 summaries" in html

    client.force_login(make_user())
    html = client.get(profile_url(person)).content.decode()
    assert "Taken down" not in html
    assert "Only you see these" not in html


def test_shows_display_name_username_bio_and_orcid(client):
    person = make_user(
        "ada",
        display_name="Ada Lovelace",
        bio="Works on $\\mathbb{R}^n$ and *engines*.<script>alert(1)</script>",
        orcid="0000-0002-1825-0097",
    )
    html = client.get(profile_url(person)).content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert "Ada Lovelace" in heading and "(ada)" in heading
    assert "<em>engines</em>" in html
    assert 'class="katex' in html
    assert "<script>alert(1)" not in html
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in html


def test_without_display_name_the_heading_is_the_username(client):
    person = make_user("grace")
    html = client.get(profile_url(person)).content.decode()
    assert re.search(r"<h1[^>]*>grace</h1>", html)
    assert "orcid.org" not in html


def test_counts_and_lists_public_comments_with_their_papers(client):
    person = make_user()
    summary = make_summary(paper=make_paper(title="A paper worth a comment"))
    comment = make_comment(summary, author=person, body="Sharp *remark*.")
    html = client.get(profile_url(person)).content.decode()
    assert "1 comment" in html
    section = html[html.index("Recent comments") :]
    assert "A paper worth a comment" in section
    assert "<em>remark</em>" in section
    assert f'href="{comment.get_absolute_url()}"' in section


def test_comments_that_are_not_public_are_neither_listed_nor_counted(client):
    person = make_user()
    shown = make_comment(make_summary(), author=person, body="visible remark")
    on_private = make_summary(paper=make_paper(title="Privately summarized"))
    make_comment(on_private, author=person, body="said before it went private")
    on_private.is_private = True
    on_private.save()
    on_hidden = make_summary(paper=make_paper(title="Summary taken down"), is_hidden=True)
    make_comment(on_hidden, author=person, body="under hidden summary")
    make_comment(make_summary(), author=person, body="hidden remark", is_hidden=True)
    make_comment(make_summary(), author=person, body="deleted remark", deleted_at=timezone.now())
    # Their own reply under their anonymous summary would give away whose summary it is.
    anonymous = make_summary(
        author=person, paper=make_paper(title="Said anonymously"), is_anonymous=True
    )
    make_comment(anonymous, author=person, body="thanks from the anonymous author")

    html = client.get(profile_url(person)).content.decode()

    assert "visible remark" in html
    assert "1 comment" in html and "1 comments" not in html
    for text in [
        "Privately summarized",
        "said before it went private",
        "Summary taken down",
        "under hidden summary",
        "hidden remark",
        "deleted remark",
        "Said anonymously",
        "thanks from the anonymous author",
        f"summaries/{anonymous.pk}/",
    ]:
        assert text not in html, text
    assert shown.summary.paper.title in html


def test_recent_comments_are_the_latest_ten_newest_first(client):
    person = make_user()
    summary = make_summary()
    comments = [make_comment(summary, author=person, body=f"remark {n:02}") for n in range(12)]
    start = timezone.now() - timedelta(days=1)
    for n, comment in enumerate(comments):
        Comment.objects.filter(pk=comment.pk).update(created_at=start + timedelta(minutes=n))
    html = client.get(profile_url(person)).content.decode()
    assert "12 comments" in html
    shown = re.findall(r"remark (\d\d)", html)
    assert shown == [f"{n:02}" for n in range(11, 1, -1)]


@pytest.mark.parametrize("as_owner", [False, True])
def test_query_count_is_the_same_for_one_and_twenty_summaries_and_comments(client, as_owner):
    person = make_user()
    if as_owner:
        client.force_login(person)

    def add_one():
        make_summary(author=person)
        make_summary(author=person, is_private=True)
        make_summary(author=person, is_hidden=True)
        make_comment(make_summary(), author=person)

    add_one()
    one = queries_for(client, profile_url(person))
    for _ in range(19):
        add_one()
    twenty = queries_for(client, profile_url(person))
    assert twenty == one
    html = client.get(profile_url(person)).content.decode()
    assert "20 summaries" in html and "20 comments" in html


def test_each_profile_shows_its_own_person_comments_and_followers(client):
    # The profile's queries are built once and narrowed for each view (accounts.views):
    # nothing of one view may stay for the next.
    ada, bob = make_user("ada"), make_user("bob")
    make_comment(make_summary(paper=make_paper(title="Read by Ada")), author=ada, body="Ada wrote")
    make_comment(make_summary(paper=make_paper(title="Read by Bob")), author=bob, body="Bob wrote")
    Follow.objects.create(user=make_user(), person=bob)
    for person, own, other, followers in [
        (ada, "Ada", "Bob", "0 followers"),
        (bob, "Bob", "Ada", "1 follower<"),
        (ada, "Ada", "Bob", "0 followers"),
    ]:
        html = client.get(profile_url(person)).content.decode()
        assert f'<h1 class="h3 mb-1">{person.username}</h1>' in html
        assert followers in html
        section = html[html.index("Recent comments") :]
        assert f"{own} wrote" in section and f"Read by {own}" in section
        assert f"{other} wrote" not in section and f"Read by {other}" not in section
