from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from summaries.models import Summary

from .factories import make_comment, make_paper, make_summary, make_user
from .utils import queries_for

pytestmark = pytest.mark.django_db
FEED = reverse("summaries:feed")


def test_empty_feed_says_so(client):
    response = client.get(FEED)
    assert response.status_code == 200
    assert "No summaries yet" in response.content.decode()


def test_item_shows_paper_author_date_and_comment_count(client):
    paper = make_paper(title="Deep Residual Learning", authors="K. He, X. Zhang", venue="CVPR")
    summary = make_summary(paper=paper, author=make_user("ada"), body="Residuals help.")
    make_comment(summary)
    html = client.get(FEED).content.decode()
    assert f'href="{paper.get_absolute_url()}"' in html
    assert "Deep Residual Learning" in html and "K. He, X. Zhang" in html
    assert "CVPR 2020" in html
    assert 'href="/user/ada/"' in html
    assert "1 comment<" in html
    assert f'href="{summary.get_absolute_url()}" rel="bookmark"' in html
    assert "<time datetime=" in html and "UTC" in html


def test_comment_count_plural(client):
    summary = make_summary()
    for _ in range(3):
        make_comment(summary)
    make_summary()
    html = client.get(FEED).content.decode()
    assert "3 comments<" in html
    assert "0 comments<" in html


def test_newest_first_and_ten_a_page(client):
    now = timezone.now()
    for age in range(12):
        summary = make_summary(body=f"summary number {age}")
        Summary.objects.filter(pk=summary.pk).update(created_at=now - timedelta(hours=age))
    first = client.get(FEED).content.decode()
    assert first.index("summary number 0") < first.index("summary number 9")
    assert "summary number 10" not in first
    assert "?page=2" in first
    second = client.get(FEED, {"page": 2}).content.decode()
    assert "summary number 10" in second and "summary number 11" in second
    assert "summary number 0<" not in second


def test_bad_page_number_falls_back(client):
    make_summary()
    assert client.get(FEED, {"page": "abc"}).status_code == 200
    assert client.get(FEED, {"page": "999"}).status_code == 200


def test_anonymous_summary_hides_author(client):
    make_summary(author=make_user("secretive"), is_anonymous=True, body="hidden author")
    html = client.get(FEED).content.decode()
    assert "hidden author" in html
    assert "Anonymous" in html
    assert "secretive" not in html


def test_private_summary_not_in_feed(client):
    author = make_user()
    make_summary(author=author, is_private=True, body="my private notes")
    client.force_login(author)
    assert "my private notes" not in client.get(FEED).content.decode()


def test_long_summary_is_folded_with_read_more(client):
    summary = make_summary(body="word " * 1000)
    html = client.get(FEED).content.decode()
    assert "folded" in html
    assert f'href="{summary.get_absolute_url()}" data-unfold>Read more' in html


def test_query_count_does_not_grow_with_items(client):
    make_summary()
    one = queries_for(client, FEED)
    for _ in range(29):
        summary = make_summary()
        make_comment(summary)
    assert queries_for(client, FEED) == one
    assert one <= 3  # count + page of summaries (with paper, author and comment count)
