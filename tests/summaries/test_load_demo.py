"""The demo content `make run` loads: every feature has something to show."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import User
from papers.models import Paper
from summaries.models import Comment, Summary, SummaryRevision, Vote

pytestmark = pytest.mark.django_db


def test_demo_has_votes_replies_a_revision_and_profiles(client):
    call_command("load_demo", verbosity=0)

    for summary in Summary.objects.all():
        total = summary.votes.aggregate(total=Sum("value"))["total"] or 0
        assert summary.score == total
    assert Summary.objects.filter(score__gt=0).count() >= 5
    reply = Comment.objects.get(parent__isnull=False)
    assert reply.parent.summary_id == reply.summary_id
    edited = Summary.objects.get(edited_at__isnull=False)
    assert edited.revisions.get().body != edited.body
    assert edited.revisions.get().written_at == edited.created_at

    popular = client.get("/popular/").content.decode()
    history = client.get(f"/summaries/{edited.pk}/history/").content.decode()
    profile = client.get("/user/ada/").content.decode()
    assert "Popular" in popular and "Version 1" in history
    assert "https://orcid.org/0000-0002-1825-0097" in profile


def test_loading_twice_adds_nothing(client):
    call_command("load_demo", verbosity=0)
    counts = [model.objects.count() for model in (Summary, Comment, Vote, SummaryRevision)]
    call_command("load_demo", verbosity=0)
    assert [model.objects.count() for model in (Summary, Comment, Vote, SummaryRevision)] == counts


def test_demo_accounts_have_verified_addresses_and_may_post():
    call_command("load_demo", verbosity=0)
    users = User.objects.all()
    assert users and all(user.can_post for user in users)


def test_demo_papers_are_listed_on_their_venues_pages(client):
    """Stored under the venue's name, as papers added through the site are: the demo's
    "NIPS" papers are NeurIPS's, and /venue/NIPS/ leads to a page that lists them."""
    call_command("load_demo", verbosity=0)

    assert not Paper.objects.filter(venue="NIPS").exists()
    response = client.get("/venue/NIPS/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/venue/NeurIPS/"
    assert "Attention Is All You Need" in html


def test_demo_papers_carry_their_arxiv_categories_as_topics(client):
    call_command("load_demo", verbosity=0)
    transformer = Paper.objects.get(arxiv_id="1706.03762")
    assert sorted(transformer.topics.values_list("slug", flat=True)) == ["cs.CL", "cs.LG"]
    assert all(paper.topics.exists() for paper in Paper.objects.all())
    # The homepage's cards link to them, and a topic's page lists its summaries.
    assert 'href="/topic/cs.CL/"' in client.get("/").content.decode()
    topic = client.get("/topic/cs.CL/").content.decode()
    assert "Attention Is All You Need" in topic
