from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from summaries.models import Summary
from tests.factories import make_comment, make_paper, make_summary, make_user
from tests.utils import pager_links, queries_for

pytestmark = pytest.mark.django_db
HOME = reverse("summaries:home")


def test_empty_feed_says_so(client):
    response = client.get(HOME)
    assert response.status_code == 200
    assert "No summaries yet" in response.content.decode()


def test_item_shows_paper_author_date_and_comment_count(client):
    paper = make_paper(title="Deep Residual Learning", authors="K. He, X. Zhang", venue="CVPR")
    summary = make_summary(paper=paper, author=make_user("ada"), body="Residuals help.")
    make_comment(summary)
    html = client.get(HOME).content.decode()
    assert f'href="{paper.get_absolute_url()}"' in html
    assert "Deep Residual Learning" in html and "K. He, X. Zhang" in html
    assert '<a class="venue-link" href="/venue/CVPR/">CVPR</a> 2020' in html
    assert 'href="/user/ada/"' in html
    assert "1 comment<" in html
    assert f'href="{summary.get_absolute_url()}" rel="bookmark"' in html
    assert "<time datetime=" in html and "UTC" in html


def test_comment_count_plural(client):
    summary = make_summary()
    for _ in range(3):
        make_comment(summary)
    make_summary()
    html = client.get(HOME).content.decode()
    assert "3 comments<" in html
    assert "0 comments<" in html


def test_newest_first_and_ten_a_page(client):
    now = timezone.now()
    for age in range(12):
        summary = make_summary(body=f"summary number {age}")
        Summary.objects.filter(pk=summary.pk).update(created_at=now - timedelta(hours=age))
    first = client.get(HOME).content.decode()
    assert first.index("summary number 0") < first.index("summary number 9")
    assert "summary number 10" not in first
    assert pager_links(first)["next"].startswith(f"{HOME}?after=")
    second = client.get(pager_links(first)["next"]).content.decode()
    assert "summary number 10" in second and "summary number 11" in second
    assert "summary number 0<" not in second


def test_old_page_numbers_go_to_the_first_page(client):
    make_summary()
    for number in ("2", "abc", "999"):
        response = client.get(HOME, {"page": number})
        assert (response.status_code, response["Location"]) == (301, HOME)


def test_anonymous_summary_hides_author(client):
    make_summary(author=make_user("secretive"), is_anonymous=True, body="hidden author")
    html = client.get(HOME).content.decode()
    assert "hidden author" in html
    assert "Anonymous" in html
    assert "secretive" not in html


def test_private_summary_not_in_feed(client):
    author = make_user()
    make_summary(author=author, is_private=True, body="my private notes")
    client.force_login(author)
    assert "my private notes" not in client.get(HOME).content.decode()


def test_long_summary_shows_its_excerpt_with_read_more(client):
    summary = make_summary(body="First words. " + "word " * 1000 + "The last words.")
    short = make_summary(body="A short one.")
    html = client.get(HOME).content.decode()
    assert "First words." in html and "The last words." not in html
    assert html.count(">Read more<") == 1
    assert f'href="{summary.get_absolute_url()}">Read more' in html
    assert f'href="{short.get_absolute_url()}">Read more' not in html


def test_query_count_does_not_grow_with_items(client):
    make_summary()
    one = queries_for(client, HOME)
    for n in range(29):
        # Long ones too: a card's excerpt comes in the same query, the body not at all.
        summary = make_summary(body="Words and $x$. " + "More words. " * (200 if n % 2 else 1))
        make_comment(summary)
    assert queries_for(client, HOME) == one
    assert one <= 2  # the page of summaries (with paper, author and comment count), no count
