"""Drafts of summaries kept on the server (summaries.draft_models): the endpoint the
write page saves them through, the write form starting from one, publishing deleting
it, and the owner's list of them on their profile and in their data export."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.views import PROFILE_OWN_UNLISTED
from summaries.models import Draft, Summary
from tests.factories import make_paper, make_summary, make_user, summary_text
from tests.utils import queries_for

pytestmark = pytest.mark.django_db

TEXT = summary_text("Half a summary of the paper, with $\\alpha$ in it.")


def draft_url(paper):
    return reverse("summaries:save_draft", args=[paper.pk])


def write_url(paper):
    return reverse("summaries:write", args=[paper.bibtex_key])


def profile_url(user):
    return reverse("accounts:profile", args=[user.username])


@pytest.fixture
def ada(client):
    user = make_user("ada")
    client.force_login(user)
    return user


# The endpoint.


def test_saving_keeps_one_draft_per_author_and_paper(client, ada):
    paper = make_paper()
    assert client.post(draft_url(paper), {"body": "First words."}).status_code == 204
    assert client.post(draft_url(paper), {"body": TEXT}).status_code == 204
    draft = Draft.objects.get()
    assert (draft.author, draft.paper, draft.body) == (ada, paper, TEXT)


def test_an_emptied_text_deletes_the_draft(client, ada):
    paper = make_paper()
    client.post(draft_url(paper), {"body": TEXT})
    assert client.post(draft_url(paper), {"body": "  \n"}).status_code == 204
    assert not Draft.objects.exists()


def test_a_draft_is_saved_only_as_one_s_own(client, ada):
    """Nothing in the post names an author: each draft is its poster's, and another
    author's draft of the same paper is neither read nor changed."""
    paper = make_paper()
    grace = make_user("grace")
    Draft.objects.save_text(grace, paper, "Grace's own draft.")
    client.post(draft_url(paper), {"body": TEXT, "author": grace.pk})
    assert Draft.objects.get(author=grace).body == "Grace's own draft."
    assert Draft.objects.get(author=ada).body == TEXT
    html = client.get(write_url(paper)).content.decode()
    assert "Grace&#x27;s own draft." not in html and "Grace's own draft." not in html


def test_anonymous_posts_are_refused(client):
    paper = make_paper()
    assert client.post(draft_url(paper), {"body": TEXT}).status_code == 403
    assert not Draft.objects.exists()


def test_unverified_users_are_refused(client):
    client.force_login(make_user(verified=False))
    assert client.post(draft_url(make_paper()), {"body": TEXT}).status_code == 403
    assert not Draft.objects.exists()


def test_only_posts_are_taken(client, ada):
    assert client.get(draft_url(make_paper())).status_code == 405


def test_unknown_paper_is_404(client, ada):
    assert (
        client.post(reverse("summaries:save_draft", args=[999999]), {"body": TEXT}).status_code
        == 404
    )


def test_the_csrf_token_is_needed():
    user = make_user()
    paper = make_paper()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(draft_url(paper), {"body": TEXT}).status_code == 403
    assert not Draft.objects.exists()
    # With the token the write page carries, it is kept.
    client.get(write_url(paper))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(draft_url(paper), {"body": TEXT, "csrfmiddlewaretoken": token})
    assert response.status_code == 204
    assert Draft.objects.get().body == TEXT


def test_a_text_over_the_summary_limit_is_refused(client, ada):
    paper = make_paper()
    limit = settings.SUMMARY_MAX_LENGTH
    assert client.post(draft_url(paper), {"body": "x" * (limit + 1)}).status_code == 413
    assert not Draft.objects.exists()
    assert client.post(draft_url(paper), {"body": "x" * limit}).status_code == 204
    assert len(Draft.objects.get().body) == limit


# A few saves an hour: the counts live in fixed windows (shortscience.ratelimit), and a
# loop of the site's 30 a minute can cross into the next window on a busy machine.
@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "draft": (4, 3600)})
def test_saving_is_rate_limited(client, ada):
    paper = make_paper()
    allowed, _ = settings.RATE_LIMITS["draft"]
    for n in range(allowed):
        assert client.post(draft_url(paper), {"body": f"Text {n}"}).status_code == 204
    refused = client.post(draft_url(paper), {"body": "One too many"})
    assert refused.status_code == 429
    assert Draft.objects.get().body == f"Text {allowed - 1}"


def test_the_database_keeps_one_draft_per_author_and_paper(ada):
    paper = make_paper()
    Draft.objects.create(author=ada, paper=paper, body="One.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.create(author=ada, paper=paper, body="Two.")


def test_the_database_caps_the_text(ada):
    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.create(
            author=ada, paper=make_paper(), body="x" * (settings.SUMMARY_MAX_LENGTH + 1)
        )


# The write form.


def test_the_form_starts_from_a_draft_of_a_new_summary(client, ada):
    paper = make_paper()
    Draft.objects.save_text(ada, paper, TEXT)
    response = client.get(write_url(paper))
    assert response.context["form"]["body"].value() == TEXT
    assert "This is your draft, saved" in response.content.decode()


def test_the_form_starts_from_a_draft_newer_than_the_summary(client, ada):
    summary = make_summary(author=ada)
    Draft.objects.save_text(ada, summary.paper, TEXT)
    response = client.get(write_url(summary.paper))
    assert response.context["form"]["body"].value() == TEXT
    assert "newer than your published summary" in response.content.decode()


def test_a_draft_older_than_the_summary_is_left_aside(client, ada):
    summary = make_summary(author=ada)
    Draft.objects.save_text(ada, summary.paper, TEXT)
    Draft.objects.update(saved_at=timezone.now() - timedelta(days=1))
    Summary.objects.filter(pk=summary.pk).update(created_at=timezone.now() - timedelta(hours=1))
    response = client.get(write_url(summary.paper))
    assert response.context["form"]["body"].value() == summary.body
    assert "This is your draft" not in response.content.decode()


def test_a_draft_holding_the_published_text_goes(client, ada):
    """An autosave that arrived just after publishing: nothing to come back to."""
    summary = make_summary(author=ada)
    Draft.objects.save_text(ada, summary.paper, summary.body)
    response = client.get(write_url(summary.paper))
    assert "This is your draft" not in response.content.decode()
    assert not Draft.objects.exists()


def test_preview_saves_the_draft_even_below_the_floor(client, ada):
    paper = make_paper()
    client.post(write_url(paper), {"body": "Too short", "preview": "1"})
    assert Draft.objects.get().body == "Too short"
    assert not Summary.objects.exists()


def test_publishing_deletes_the_draft(client, ada):
    paper = make_paper()
    Draft.objects.save_text(ada, paper, "An earlier text.")
    response = client.post(write_url(paper), {"body": TEXT, "publish": "1"})
    assert response.status_code == 302
    assert Summary.objects.get().body == TEXT
    assert not Draft.objects.exists()


def test_a_refused_publish_keeps_the_draft(client, ada):
    paper = make_paper()
    Draft.objects.save_text(ada, paper, TEXT)
    response = client.post(write_url(paper), {"body": "ok.", "publish": "1"})
    assert response.status_code == 200
    assert Draft.objects.get().body == TEXT


# The owner's list.


def test_the_owner_sees_their_drafts_on_their_profile(client, ada):
    paper = make_paper(title="A paper half summarized")
    Draft.objects.save_text(ada, paper, TEXT)
    html = client.get(profile_url(ada)).content.decode()
    section = html.split('aria-label="Your drafts"')[1].split("</section>")[0]
    assert f'href="{write_url(paper)}"' in section
    assert "A paper half summarized" in section
    assert TEXT not in html


def test_nobody_else_sees_them(client):
    ada = make_user("ada")
    paper = make_paper(title="A paper half summarized")
    Draft.objects.save_text(ada, paper, TEXT)
    reader = Client()
    reader.force_login(make_user())
    for viewer in (client, reader):
        html = viewer.get(profile_url(ada)).content.decode()
        assert "Your drafts" not in html and "A paper half summarized" not in html


def test_the_list_is_bounded_newest_first(client, ada):
    papers = [make_paper() for _ in range(PROFILE_OWN_UNLISTED + 1)]
    now = timezone.now()
    for age, paper in enumerate(reversed(papers)):
        draft = Draft.objects.save_text(ada, paper, TEXT)
        Draft.objects.filter(pk=draft.pk).update(saved_at=now - timedelta(minutes=age))
    html = client.get(profile_url(ada)).content.decode()
    section = html.split('aria-label="Your drafts"')[1].split("</section>")[0]
    assert section.count("<li>") == PROFILE_OWN_UNLISTED
    assert f'href="{write_url(papers[-1])}"' in section  # the newest
    assert f'href="{write_url(papers[0])}"' not in section  # the oldest is left out
    assert "Export my data" in section


def test_the_list_takes_the_same_queries_for_one_and_many(client, ada):
    Draft.objects.save_text(ada, make_paper(), TEXT)
    one = queries_for(client, profile_url(ada))
    for _ in range(10):
        Draft.objects.save_text(ada, make_paper(), TEXT)
    assert queries_for(client, profile_url(ada)) == one


def test_the_export_has_the_drafts(client, ada):
    paper = make_paper()
    Draft.objects.save_text(ada, paper, TEXT)
    Draft.objects.save_text(make_user(), make_paper(), "Someone else's draft.")
    response = client.get(reverse("accounts:export"))
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    assert data["drafts"] == [
        {
            "paper": paper.bibtex_key,
            "paper_title": paper.title,
            "saved_at": data["drafts"][0]["saved_at"],
            "body": TEXT,
        }
    ]
    assert "Someone else" not in json.dumps(data)
