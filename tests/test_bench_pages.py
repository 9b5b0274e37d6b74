"""`make bench`'s own parts: the pages it compares against, and its data builder."""

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from papers.citations import render_text
from papers.models import Paper
from search.models import Document
from search.text import plain_text
from summaries.models import Comment, Summary, Vote, hotness

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


def test_baseline_answers_through_the_site_middleware(client, bench_urls):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/baseline/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    # The middleware ran: its headers are there.
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert len(queries) == 0


def test_empty_page_is_the_site_template_without_queries(client, bench_urls):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/empty/")
    assert response.status_code == 200
    assert b'<main id="main"' in response.content
    assert len(queries) == 0


def test_the_site_is_served_too(client, bench_urls):
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


def test_the_site_itself_has_no_benchmark_route(client):
    assert client.get("/bench/baseline/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_generated_data_is_what_the_site_would_store():
    if connection.vendor != "postgresql":
        pytest.skip("the data builder writes PostgreSQL")
    from bench import sitedata

    sizes = sitedata.Sizes(0.001)
    sitedata.generate(sizes, log=lambda line: None)

    assert User.objects.count() == sizes.users
    assert Paper.objects.count() == sizes.papers
    assert Summary.objects.count() == sizes.summaries
    assert Comment.objects.count() == sizes.comments
    summaries = list(Summary.objects.order_by("pk"))
    assert {s.is_private for s in summaries} == {False, True}
    assert {s.is_anonymous for s in summaries} == {False, True}

    # The stored HTML is what rendering the body gives, and the search document holds
    # the body's plain text, as search.services would write it.
    for summary in summaries[::10]:
        assert summary.body_html == render_text(summary.body, flavor="summary")
        document = Document.objects.filter(kind="summary", object_id=summary.pk).first()
        if summary.is_private or summary.is_hidden:
            assert document is None
        else:
            assert document.body == plain_text(summary.body)
    comments = Comment.objects.filter(deleted_at__isnull=True).order_by("pk")
    for comment in comments[:: len(comments) // 10]:
        assert comment.body_html == render_text(comment.body, flavor="comment")
    private = Summary.objects.filter(is_private=True).values("pk")
    assert not Document.objects.filter(summary__in=private).exists()

    # Scores are the sums of the votes, and nobody votes on their own summary.
    sums = dict(Vote.objects.values_list("summary").annotate(total=Sum("value")))
    assert any(sums.values())
    for summary in summaries:
        assert summary.score == sums.get(summary.pk, 0)
        assert summary.hotness == pytest.approx(hotness(summary.score, summary.created_at))
    assert not Vote.objects.filter(user_id=F("summary__author_id")).exists()

    # Replies hang from a top-level comment of the same summary, and come after it.
    replies = Comment.objects.filter(parent__isnull=False).select_related("parent")
    assert replies.exists()
    for reply in replies:
        assert reply.parent.summary_id == reply.summary_id
        assert reply.parent.parent_id is None
        assert reply.parent.created_at < reply.created_at
