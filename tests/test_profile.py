import pytest
from django.urls import reverse

from .factories import make_comment, make_summary, make_user
from .utils import queries_for

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
    for _ in range(29):
        make_comment(make_summary(author=person))
    assert queries_for(client, profile_url(person)) == one
