import re

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from papers.rendering import render_text
from summaries.models import Summary
from tests.factories import PASSWORD, make_paper, make_summary, make_user, summary_text

pytestmark = pytest.mark.django_db


def write_url(paper):
    return reverse("summaries:write", args=[paper.bibtex_key])


def post(client, paper, body, **extra):
    data = {"body": body, "publish": "1", **extra}
    return client.post(write_url(paper), data)


def test_write_url_keeps_slashes():
    paper = make_paper("conf/nips/RenHGS15")
    assert write_url(paper) == "/summaries/write/conf/nips/RenHGS15/"


def test_form_needs_login(client):
    paper = make_paper()
    response = client.get(write_url(paper))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_publish_creates_summary_and_lands_on_it(client):
    paper = make_paper()
    author = make_user("ada")
    client.force_login(author)
    body = summary_text("Key idea: $a_i * b_i$.")
    response = post(client, paper, body)
    assert response.status_code == 302
    assert response["Location"] == f"{paper.get_absolute_url()}#ada"
    summary = Summary.objects.get()
    assert (summary.paper, summary.author) == (paper, author)
    assert summary.body == body
    assert summary.body_html


def test_private_and_anonymous_flags(client):
    paper = make_paper()
    client.force_login(make_user())
    post(client, paper, summary_text("notes"), is_private="on", is_anonymous="on")
    summary = Summary.objects.get()
    assert summary.is_private and summary.is_anonymous


def test_form_uses_crispy_and_has_both_checkboxes(client):
    paper = make_paper()
    client.force_login(make_user())
    html = client.get(write_url(paper)).content.decode()
    assert 'id="div_id_body"' in html  # crispy's field wrapper
    assert 'name="is_private"' in html and 'name="is_anonymous"' in html
    assert 'name="preview"' in html and 'name="publish"' in html
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert "maxlength" not in textarea  # browsers would silently cut a long paste


def test_preview_shows_rendered_text_and_saves_nothing(client):
    paper = make_paper()
    client.force_login(make_user())
    body = summary_text("Preview **me**")
    response = client.post(write_url(paper), {"body": body, "preview": "1"})
    assert response.status_code == 200
    assert Summary.objects.count() == 0
    assert response.context["preview_html"]
    assert response.context["form"]["body"].value() == body


def test_second_visit_edits_the_existing_summary(client):
    paper = make_paper()
    author = make_user()
    summary = make_summary(paper=paper, author=author, body="first version")
    client.force_login(author)
    html = client.get(write_url(paper)).content.decode()
    assert "first version" in html and "Edit your summary" in html
    post(client, paper, summary_text("second version"))
    summary.refresh_from_db()
    assert summary.body == summary_text("second version")
    assert Summary.objects.count() == 1


def test_double_publish_makes_one_summary(client):
    paper = make_paper()
    client.force_login(make_user())
    post(client, paper, summary_text("same text"))
    post(client, paper, summary_text("same text"))
    assert Summary.objects.count() == 1


def test_database_allows_one_summary_per_user_per_paper():
    paper, author = make_paper(), make_user()
    make_summary(paper=paper, author=author)
    with pytest.raises(IntegrityError), transaction.atomic():
        Summary.objects.create(paper=paper, author=author, body="again")


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_empty_summary_is_a_form_error(client, body):
    paper = make_paper()
    client.force_login(make_user())
    response = post(client, paper, body)
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert Summary.objects.count() == 0


def test_oversized_summary_is_a_form_error_that_keeps_the_text(client):
    paper = make_paper()
    client.force_login(make_user())
    body = "x" * (settings.SUMMARY_MAX_LENGTH + 1)
    response = post(client, paper, body)
    assert response.status_code == 200
    assert "at most 100000 characters" in response.content.decode()
    assert response.context["form"]["body"].value() == body
    assert Summary.objects.count() == 0


def test_summary_of_exactly_the_limit_is_accepted(client):
    paper = make_paper()
    client.force_login(make_user())
    post(client, paper, "x" * settings.SUMMARY_MAX_LENGTH)
    assert Summary.objects.count() == 1


def test_post_without_csrf_token_is_refused_and_hands_text_back():
    paper = make_paper()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    response = post(client, paper, "Hours of careful writing")
    assert response.status_code == 403
    assert "Hours of careful writing" in response.content.decode()
    assert Summary.objects.count() == 0


def test_expired_session_keeps_the_text_through_login(client):
    paper = make_paper()
    author = make_user("returning")
    response = post(client, paper, "Written while the session ran out", is_private="on")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    login = client.post(
        response["Location"], {"login": "returning", "password": PASSWORD}, follow=False
    )
    assert login["Location"] == write_url(paper)
    form = client.get(write_url(paper)).context["form"]
    assert form["body"].value() == "Written while the session ran out"
    assert form["is_private"].value() is True
    assert Summary.objects.filter(author=author).count() == 0


def test_other_users_cannot_delete(client):
    summary = make_summary()
    client.force_login(make_user())
    delete_url = reverse("summaries:delete", args=[summary.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url).status_code == 403
    assert Summary.objects.filter(pk=summary.pk).exists()


def test_others_private_summary_is_a_404_not_a_403(client):
    summary = make_summary(is_private=True)
    client.force_login(make_user())
    assert client.post(reverse("summaries:delete", args=[summary.pk])).status_code == 404
    assert client.get(summary.get_absolute_url()).status_code == 404


def test_author_deletes_own_summary(client):
    summary = make_summary()
    client.force_login(summary.author)
    response = client.post(reverse("summaries:delete", args=[summary.pk]))
    assert response.status_code == 302
    assert response["Location"] == summary.paper.get_absolute_url()
    assert not Summary.objects.exists()


def test_posting_for_an_unknown_paper_is_a_404(client):
    client.force_login(make_user())
    response = client.post("/summaries/write/conf/x/Missing/", {"body": "text"})
    assert response.status_code == 404
    assert "not known" in response.content.decode()


def test_preview_endpoint_renders_with_the_same_function(client):
    client.force_login(make_user())
    text = "Inline $x_1 + y_1$ and **bold**"
    response = client.post(reverse("summaries:preview"), {"body": text})
    assert response.status_code == 200
    assert response.content.decode() == render_text(text, flavor="summary")


def test_preview_endpoint_needs_login(client):
    assert client.post(reverse("summaries:preview"), {"body": "x"}).status_code == 403


def test_edit_link_leads_the_author_to_their_form(client):
    summary = make_summary()
    client.force_login(summary.author)
    response = client.get(reverse("summaries:edit", args=[summary.pk]))
    assert response["Location"] == write_url(summary.paper)


def test_editing_someone_elses_summary_is_forbidden(client):
    summary = make_summary()
    client.force_login(make_user())
    response = client.get(reverse("summaries:edit", args=[summary.pk]))
    assert response.status_code == 403
    assert "You can't do that" in response.content.decode()
