"""Every endpoint of the public API answers with what the pages show."""

import json

import pytest

from papers.models import PaperAlias
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db


def get(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.json() if response.content else None


@pytest.mark.parametrize(
    "name",
    [
        "conf/nips/VaswaniSPUJGKP17",
        "CONF/NIPS/vaswanispujgkp17",
        "1706.03762",
        "arXiv:1706.03762v5",
        "journals/corr/1706.03762",
        "10.5555/3295222.3295349",
        "doi:10.5555/3295222.3295349",
        "journals/corr/VaswaniSPUJGKP17",
    ],
)
def test_a_paper_by_any_of_its_names(client, world, name):
    PaperAlias.objects.create(paper=world["open_paper"], key="journals/corr/VaswaniSPUJGKP17")
    paper = get(client, f"/api/papers/{name}")
    assert paper["key"] == "conf/nips/VaswaniSPUJGKP17"
    assert paper["title"] == "Attention Is All You Need"
    assert paper["arxiv_id"] == "1706.03762"
    assert paper["url"].endswith("/paper/conf/nips/VaswaniSPUJGKP17/")
    assert paper["public_summary_count"] == 2
    assert paper["summaries_url"].endswith("/api/summaries?paper=conf%2Fnips%2FVaswaniSPUJGKP17")


def test_an_unknown_paper_is_a_404_that_names_it(client, world):
    answer = get(client, "/api/papers/conf/nips/Nobody99", status=404)
    assert "conf/nips/Nobody99" in answer["detail"]


def test_recent_summaries_are_the_homepage_feed(client, world):
    newest = make_summary(make_paper(), make_user(), body="The newest summary of all, here.")
    answer = get(client, "/api/summaries")
    ids = [item["id"] for item in answer["results"]]
    assert ids == [newest.pk, world["anonymous"].pk, world["public"].pk]
    first = answer["results"][0]
    assert first["url"].endswith(f"/summaries/{newest.pk}/")
    assert first["api_url"].endswith(f"/api/summaries/{newest.pk}")
    assert first["html"] == newest.body_html
    assert first["html_is_excerpt"] is False
    # A feed's items carry no Markdown: the summary's own endpoint has it.
    assert first["markdown"] is None
    assert answer["next"] is None and answer["previous"] is None


def test_a_papers_summaries_come_whole_with_their_markdown_best_first(client, world):
    world["anonymous"].__class__.objects.filter(pk=world["anonymous"].pk).update(score=5)
    answer = get(client, "/api/summaries?paper=arXiv:1706.03762")
    assert [item["id"] for item in answer["results"]] == [
        world["anonymous"].pk,
        world["public"].pk,
    ]
    public = answer["results"][1]
    assert public["markdown"] == world["public"].body
    assert public["html"] == world["public"].body_html
    assert public["comment_count"] == 1  # the plain one: not the deleted nor the hidden
    assert public["author"] == {
        "username": "keeper",
        "display_name": "",
        "url": "http://127.0.0.1:8000/user/keeper/",
    }


def test_a_papers_summaries_ten_at_most_a_page(client, world):
    answer = get(client, "/api/summaries?paper=1706.03762&limit=11", status=400)
    assert "at most 10" in answer["detail"]


def test_a_persons_signed_summaries(client, world):
    mine = make_summary(make_paper(), world["shy"], body="A signed summary by the shy author.")
    answer = get(client, f"/api/summaries?user={world['shy'].username}")
    assert [item["id"] for item in answer["results"]] == [mine.pk]


def test_a_venues_summaries_by_any_spelling(client, world):
    make_summary(make_paper(venue="ICML"), body="A summary of a paper from another venue.")
    answer = get(client, "/api/summaries?venue=neurips")
    assert [item["id"] for item in answer["results"]] == [
        world["anonymous"].pk,
        world["public"].pk,
    ]


def test_one_filter_at_a_time(client, world):
    answer = get(client, "/api/summaries?venue=NeurIPS&user=keeper", status=400)
    assert answer["detail"] == "Give one of paper, user or venue, not user and venue."


def test_unknown_people_and_papers_are_404(client, world):
    assert "nobody" in get(client, "/api/summaries?user=nobody", status=404)["detail"]
    assert get(client, "/api/summaries?paper=conf/x/Nope", status=404)["detail"]


def test_a_summary_whole(client, world):
    answer = get(client, f"/api/summaries/{world['public'].pk}")
    assert answer["markdown"] == world["public"].body
    assert answer["html"] == world["public"].body_html
    assert answer["paper"]["key"] == "conf/nips/VaswaniSPUJGKP17"
    assert answer["byline"] == "keeper"


def test_a_long_summary_is_an_excerpt_in_lists_and_whole_on_its_own(client):
    body = "\n\n".join(f"Paragraph {n}: " + "words and more words " * 40 for n in range(40))
    long = make_summary(body=body)
    listed = get(client, "/api/summaries")["results"][0]
    assert listed["html_is_excerpt"] is True
    assert listed["markdown"] is None
    assert len(listed["html"]) < len(long.body_html)
    whole = get(client, f"/api/summaries/{long.pk}")
    assert whole["html_is_excerpt"] is False
    assert whole["html"] == long.body_html
    assert whole["markdown"] == body


def test_a_summarys_comments_oldest_first_with_replies(client, world):
    answer = get(client, f"/api/summaries/{world['anonymous'].pk}/comments")
    question, reply = answer["results"]
    assert question["byline"] == "reader"
    assert question["markdown"] == "Why $x^2$?"
    assert "katex" in question["html"]
    assert reply["parent_id"] == question["id"]
    assert reply["url"].endswith(f"?comment={reply['id']}#comment-{reply['id']}")


def test_search(client, world):
    answer = get(client, "/api/search?q=attention")
    kinds = {(item["kind"], item["summary_id"]) for item in answer["results"]}
    assert ("paper", None) in kinds
    assert ("summary", world["public"].pk) in kinds
    assert answer["count"] == len(answer["results"])
    assert answer["capped"] is False
    bylines = {
        item["summary_id"]: item["byline"]
        for item in answer["results"]
        if item["kind"] == "summary"
    }
    assert bylines == {world["public"].pk: "keeper", world["anonymous"].pk: "Anonymous"}
    summary = next(item for item in answer["results"] if item["summary_id"] == world["public"].pk)
    assert "<mark>attention</mark>" in summary["snippet_html"].lower()


def test_search_pages_are_numbered(client, world):
    first = get(client, "/api/search?q=attention&limit=1")
    assert first["next"].endswith("/api/search?q=attention&limit=1&page=2")
    second = get(client, first["next"].removeprefix("http://127.0.0.1:8000"))
    assert second["results"][0] != first["results"][0]


def test_a_search_that_names_a_paper_answers_with_it(client, world):
    answer = get(client, "/api/search?q=https://arxiv.org/abs/1706.03762v2")
    assert answer["paper"]["key"] == "conf/nips/VaswaniSPUJGKP17"
    assert answer["results"] == []


def test_a_search_needs_a_query(client):
    answer = get(client, "/api/search", status=422)
    assert answer["detail"][0]["loc"] == ["query", "q"]


def test_batch_lookup(client, world):
    ids = [
        "https://arxiv.org/abs/1706.03762v5",
        "10.5555/3295222.3295349",
        "2001.00001",  # the paper with a private summary only
        "2101.99999",  # not on the site
        "not an id",
    ]
    answer = get(client, "/api/lookup?" + "&".join(f"id={i}" for i in ids))
    first, by_doi, private_only, missing, unreadable = answer["results"]
    assert first["id"] == ids[0]
    assert first["found"] and first["public_summary_count"] == 2
    assert first["paper"]["url"].endswith("/paper/conf/nips/VaswaniSPUJGKP17/")
    assert by_doi["found"] and by_doi["paper"]["key"] == first["paper"]["key"]
    assert private_only["found"] and private_only["public_summary_count"] == 0
    assert not missing["found"] and missing["error"] is None and missing["arxiv_id"] == "2101.99999"
    assert unreadable["error"] == "Not an arXiv id or DOI."
    assert answer["with_summaries"] == 2


def test_batch_lookup_by_post_needs_no_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/lookup", json.dumps({"ids": ["1706.03762"]}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["public_summary_count"] == 2


def test_batch_lookup_refuses_over_100_ids(client):
    ids = [f"2101.{n:05d}" for n in range(101)]
    answer = get(client, "/api/lookup?" + "&".join(f"id={i}" for i in ids), status=400)
    assert answer["detail"] == "At most 100 ids per lookup; this one had 101."
    response = client.post("/api/lookup", json.dumps({"ids": ids}), content_type="application/json")
    assert response.status_code == 400
    assert "had 101" in response.json()["detail"]


def test_the_schema_lists_every_endpoint(client):
    schema = get(client, "/api/schema")
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/api/papers/{name}",
        "/api/summaries",
        "/api/summaries/{pk}",
        "/api/summaries/{pk}/comments",
        "/api/search",
        "/api/lookup",
        "/api/me/export",
    }
    assert "AccessTokenAuth" in schema["components"]["securitySchemes"]


def test_the_docs_page_uses_no_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_an_unknown_summary_is_a_json_404(client):
    response = client.get("/api/summaries/999999")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Not found")


def test_comments_on_a_long_discussion_page_by_cursor(client):
    summary = make_summary()
    comments = [make_comment(summary, body=f"Comment number {n}.") for n in range(5)]
    seen, url = [], f"/api/summaries/{summary.pk}/comments?limit=2"
    while url:
        answer = get(client, url)
        seen += [item["id"] for item in answer["results"]]
        url = answer["next"] and answer["next"].removeprefix("http://127.0.0.1:8000")
    assert seen == [comment.pk for comment in comments]


def test_a_venues_listing_follows_new_summaries(client, world):
    before = get(client, "/api/summaries?venue=NeurIPS")
    assert len(before["results"]) == 2
    other = make_paper(venue="NeurIPS", year=2021)
    newest = make_summary(other, body="A summary of another NeurIPS paper, written later.")
    after = get(client, "/api/summaries?venue=NeurIPS")
    assert after["results"][0]["id"] == newest.pk


def test_a_venue_with_no_public_summary_lists_nothing(client, world):
    assert get(client, "/api/summaries?venue=NoSuchVenue")["results"] == []
