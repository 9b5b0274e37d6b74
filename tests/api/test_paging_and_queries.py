"""Cursor pages that neither skip nor repeat, and a fixed number of queries per answer:
the batch lookup of 100 ids in one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from summaries.models import Summary
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def fetch(client, url):
    response = client.get(url.removeprefix(SITE))
    assert response.status_code == 200, response.content[:300]
    return response.json()


def walk(client, url):
    """The ids of every page, following `next`, and the answers."""
    pages = []
    while url:
        answer = fetch(client, url)
        pages.append(answer)
        url = answer["next"]
    return [[item["id"] for item in page["results"]] for page in pages], pages


def test_the_recent_feed_pages_by_cursor(client):
    summaries = [
        make_summary(body=f"Summary number {n} " + "of some length. " * 8) for n in range(7)
    ]
    ids, pages = walk(client, "/api/summaries?limit=3")
    assert ids == [[s.pk for s in reversed(summaries)][i : i + 3] for i in (0, 3, 6)]
    assert "after=" in pages[0]["next"] and "limit=3" in pages[0]["next"]
    # Back from the last page.
    back = fetch(client, pages[2]["previous"])
    assert [item["id"] for item in back["results"]] == ids[1]


def test_a_summary_written_while_paging_neither_repeats_nor_hides_one(client):
    summaries = [make_summary() for _ in range(4)]
    first = fetch(client, "/api/summaries?limit=2")
    make_summary()  # lands on top: OFFSET paging would repeat an item on page 2
    second = fetch(client, first["next"])
    assert [item["id"] for item in second["results"]] == [summaries[1].pk, summaries[0].pk]


def test_a_papers_summaries_page_best_first(client):
    paper = make_paper()
    summaries = [make_summary(paper) for _ in range(5)]
    for n, summary in enumerate(summaries):
        Summary.objects.filter(pk=summary.pk).update(score=n % 3)  # 0, 1, 2, 0, 1
    # Best first, then newest first.
    expected = [summaries[n].pk for n in (2, 4, 1, 3, 0)]
    ids, _ = walk(client, f"/api/summaries?paper={paper.bibtex_key}&limit=2")
    assert [pk for page in ids for pk in page] == expected
    assert len(ids) == 3


def test_a_persons_summaries_page_newest_first(client):
    person = make_user()
    summaries = [make_summary(author=person) for _ in range(3)]
    ids, _ = walk(client, f"/api/summaries?user={person.username}&limit=2")
    assert ids == [[summaries[2].pk, summaries[1].pk], [summaries[0].pk]]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return [query["sql"] for query in captured]


@pytest.mark.parametrize("count", [2, 12])
def test_list_pages_take_a_fixed_number_of_queries_without_offset(client, count):
    paper = make_paper()
    for _ in range(count):
        summary = make_summary(paper)
        make_comment(summary)
    first = client.get("/api/summaries?limit=5").json()
    expected = {
        "/api/summaries?limit=5": 1,
        first["next"].removeprefix(SITE) if first["next"] else "/api/summaries": 1,
        # The venue's name is looked up in the venue table (papers.venues), then its
        # papers' ids are read, then a page of their summaries.
        f"/api/summaries?venue={paper.venue}&limit=5": 3,
        # The summary, then a page of its comments.
        f"/api/summaries/{summary.pk}/comments": 2,
    }
    for url, number in expected.items():
        sql = queries(client, url)
        assert len(sql) == number, (url, sql)
        assert all("OFFSET" not in statement.upper() for statement in sql)


def test_a_papers_summaries_and_the_paper_take_a_fixed_number_of_queries(client):
    paper = make_paper(arxiv_id="1706.03762")
    for _ in range(3):
        make_comment(make_summary(paper))
    # The paper, its count of summaries a column of it.
    assert len(queries(client, f"/api/papers/{paper.bibtex_key}")) == 1
    # By another name: the key is tried first.
    assert len(queries(client, "/api/papers/arXiv:1706.03762")) == 2
    assert len(queries(client, f"/api/summaries?paper={paper.bibtex_key}")) == 2
    assert len(queries(client, f"/api/summaries/{paper.summaries.first().pk}")) == 1


def test_batch_lookup_of_100_ids_is_one_query(client, django_assert_num_queries):
    papers = [make_paper(arxiv_id=f"2101.{n:05d}") for n in range(50)]
    for paper in papers[:10]:
        make_summary(paper)
    ids = [f"arXiv:2101.{n:05d}v1" for n in range(90)] + [f"10.1145/{n}" for n in range(10)]
    url = "/api/lookup?" + "&".join(f"id={i}" for i in ids)
    with django_assert_num_queries(1):
        answer = client.get(url).json()
    assert len(answer["results"]) == 100
    assert answer["with_summaries"] == 10
    assert sum(result["found"] for result in answer["results"]) == 50


def test_batch_lookup_of_unreadable_ids_needs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        answer = client.get("/api/lookup?id=nothing&id=at+all").json()
    assert [result["error"] for result in answer["results"]] == ["Not an arXiv id or DOI."] * 2
