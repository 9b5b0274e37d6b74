"""A text the renderer refuses (markup.limits) gets the refusal as a form error, with the
text kept and nothing saved, wherever it is written; one that arrives another way is
stored as a notice that says why."""

import pytest
from django.urls import reverse

from accounts.models import User
from markup.render import Refused, render
from papers.models import Paper
from summaries.models import Comment, Summary
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

# Over the limit on formulas, and far inside the length limit of every field.
TOO_MANY_FORMULAS = " ".join(["$x$"] * 1_001)
MESSAGE = "This text has 1,001 formulas; the limit is 1,000."


@pytest.fixture
def ada(client):
    user = make_user("ada")
    client.force_login(user)
    return user


def test_summary(client, ada):
    paper = make_paper()
    url = reverse("summaries:write", args=[paper.bibtex_key])
    response = client.post(url, {"body": TOO_MANY_FORMULAS, "publish": "1"})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert response.context["form"]["body"].value() == TOO_MANY_FORMULAS
    assert not Summary.objects.exists()


def test_summary_preview_in_the_form(client, ada):
    paper = make_paper()
    url = reverse("summaries:write", args=[paper.bibtex_key])
    response = client.post(url, {"body": TOO_MANY_FORMULAS, "preview": "1"})
    assert MESSAGE in response.content.decode()
    assert response.context["form"]["body"].value() == TOO_MANY_FORMULAS


def test_comment(client, ada):
    summary = make_summary()
    url = reverse("summaries:comment", args=[summary.pk])
    body = " ".join(["[a](b)"] * 1_001)
    response = client.post(url, {"body": body})
    assert response.status_code == 400
    assert "1,001 links and images; the limit is 1,000" in response.content.decode()
    assert response.context["comment_form"]["body"].value() == body
    assert not Comment.objects.exists()


def test_bio(client, ada):
    bio = ">" * 17 + " quoted"
    response = client.post(reverse("accounts:settings"), {"display_name": "", "bio": bio})
    assert response.status_code == 400
    assert "nests quotes 17 levels deep; the limit is 16" in response.content.decode()
    assert response.context["form"]["bio"].value() == bio
    ada.refresh_from_db()
    assert ada.bio == ""


def test_abstract(client, ada):
    abstract = "a[^1] " * 201
    data = {
        "title": "A paper",
        "authors": "A. Author",
        "abstract": abstract,
        "bibtex_key": "test/Paper26",
        "source": "hand",
    }
    response = client.post(reverse("papers:add_details"), data)
    assert response.status_code == 400
    assert "201 footnote references; the limit is 200" in response.content.decode()
    assert response.context["form"]["abstract"].value() == abstract
    assert not Paper.objects.exists()


def test_live_preview_says_why(client, ada):
    response = client.post(reverse("summaries:preview"), {"body": TOO_MANY_FORMULAS})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="text-danger preview-refused"' in html and MESSAGE in html


def test_live_preview_escapes_the_message(client, ada):
    # The message quotes no user text today; it is escaped all the same.
    response = client.post(reverse("summaries:preview"), {"body": "x" * 100_001})
    assert "100,001 characters; the limit is 100,000" in response.content.decode()


def test_text_saved_without_a_form_is_stored_as_a_notice():
    summary = make_summary(body=TOO_MANY_FORMULAS)
    assert summary.body == TOO_MANY_FORMULAS  # nothing the author wrote is lost
    assert summary.body_html == (
        f'<p class="render-refused">This text cannot be shown: {MESSAGE} '
        "Split it up or write fewer, longer formulas.</p>"
    )
    user = User.objects.get(pk=make_user(bio=">" * 17 + " a").pk)
    assert user.bio_html.startswith('<p class="render-refused">')


def test_the_notice_is_escaped():
    with pytest.raises(Refused):
        render(TOO_MANY_FORMULAS)
    paper = Paper.objects.create(
        bibtex_key="test/Notice1", title="t", authors="a", abstract="<b>" * 1_001
    )
    assert "<b>" not in paper.abstract_html
