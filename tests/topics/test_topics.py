"""Topics: seeded arXiv categories, papers and summaries carrying them, the topic pages,
their feed and sitemap, and the write form's choice."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from papers.models import Paper
from summaries import services
from summaries.models import Summary
from tests.factories import make_paper, make_summary, make_user, summary_text
from tests.utils import pager_links, queries_for
from topics import services as topic_services
from topics.models import Topic
from topics.services import attach_categories, summaries_of

pytestmark = pytest.mark.django_db

ADD = "/papers/add/"
DETAILS = "/papers/add/details/"


def topic(slug="cs.LG"):
    return Topic.objects.get(slug=slug)


def test_arxiv_categories_are_seeded_with_human_names():
    names = dict(Topic.objects.values_list("slug", "name"))
    assert names["cs.LG"] == "Machine Learning"
    assert names["cs.CV"] == "Computer Vision and Pattern Recognition"
    assert names["stat.ML"] == "Machine Learning (Statistics)"
    assert {"cs.CL", "cs.AI", "cs.NE", "cs.RO", "cs.IR", "cs.CR", "math.OC"} <= names.keys()
    assert reverse("topics:detail", args=["cs.LG"]) == "/topic/cs.LG/"


def test_slug_and_name_may_not_be_empty():
    with pytest.raises(IntegrityError):
        Topic.objects.create(slug="", name="Nothing")


def test_an_arxiv_lookup_attaches_the_papers_categories(client, recorded_sources):
    client.force_login(make_user("ada"))
    response = client.post(ADD, {"text": "1608.06993"})
    form = response.context["form"]
    values = {name: form[name].value() for name in form.fields}
    # The recorded answer (tests/data/sources/arxiv/1608.06993.xml): primary cs.CV, then cs.LG.
    assert values["categories"] == "cs.CV cs.LG"
    values = {k: v for k, v in values.items() if v is not None}
    response = client.post(DETAILS, {**values, "source": "arXiv"})
    paper = Paper.objects.get()
    assert response.status_code == 302
    assert set(paper.topics.values_list("slug", flat=True)) == {"cs.CV", "cs.LG"}


def test_unknown_categories_are_ignored():
    paper = make_paper()
    attached = attach_categories(paper, ["cs.LG", "hep-th", "", "cs.LG"])
    assert [t.slug for t in attached] == ["cs.LG"]


def test_topic_page_lists_public_summaries_of_the_topic_newest_first(client):
    tagged_paper = make_paper(title="Paper in the category")
    attach_categories(tagged_paper, ["cs.LG"])
    by_paper = make_summary(paper=tagged_paper)
    by_author = make_summary()
    by_author.topics.add(topic())
    make_summary(body="Not in the topic at all, about something else entirely.")
    private = make_summary(paper=tagged_paper, is_private=True, body="PRIVATE-SECRET")
    hidden = make_summary(paper=tagged_paper, is_hidden=True, body="HIDDEN-SECRET")
    assert list(summaries_of(topic()).newest_first()) == [by_author, by_paper]

    html = client.get("/topic/cs.LG/").content.decode()
    assert "<title>Machine Learning · " in html
    assert html.index(f'id="summary-{by_author.pk}"') < html.index(f'id="summary-{by_paper.pk}"')
    for secret in (private, hidden):
        assert f'id="summary-{secret.pk}"' not in html
    assert "SECRET" not in html
    # The cards name their topics as links.
    assert 'href="/topic/cs.LG/"' in html


def test_topic_page_empty_state_and_unknown_topic(client):
    html = client.get("/topic/cs.RO/").content.decode()
    assert "No summaries in Robotics yet." in html
    assert client.get("/topic/no.such/").status_code == 404


def test_topic_list(client):
    html = client.get("/topic/").content.decode()
    assert "<title>Topics · " in html
    assert 'href="/topic/cs.CL/"' in html


def test_topic_page_is_keyset_paged_at_a_fixed_number_of_queries(client):
    paper = make_paper()
    attach_categories(paper, ["cs.CV"])
    make_summary(paper=paper)
    one = queries_for(client, "/topic/cs.CV/")
    for _ in range(12):
        other = make_paper()
        other.topics.add(topic("cs.CV"))
        make_summary(paper=other)
    assert queries_for(client, "/topic/cs.CV/") == one
    links = pager_links(client.get("/topic/cs.CV/").content.decode())
    assert "after=" in links["next"]
    second = client.get(links["next"]).content.decode()
    assert second.count('class="card mb-4 feed-item"') == 3
    assert queries_for(client, links["next"]) == one


def test_topic_feed_has_public_summaries_only(client):
    paper = make_paper(title="Seen in the feed")
    attach_categories(paper, ["cs.CL"])
    make_summary(paper=paper)
    make_summary(paper=paper, is_private=True, body="PRIVATE-SECRET text")
    make_summary(paper=paper, is_hidden=True, body="HIDDEN-SECRET text")
    anonymous = make_user("shy_author")
    make_summary(paper=paper, author=anonymous, is_anonymous=True)
    for url in ("/feeds/atom/topic/cs.CL/", "/feeds/rss/topic/cs.CL/"):
        body = client.get(url).content.decode()
        assert "Seen in the feed" in body
        assert "SECRET" not in body
        assert "shy_author" not in body
    assert client.get("/feeds/atom/topic/nope/").status_code == 404


def test_sitemap_lists_topics_with_public_summaries_only(client):
    paper = make_paper()
    attach_categories(paper, ["cs.IR"])
    make_summary(paper=paper)
    private_paper = make_paper()
    attach_categories(private_paper, ["cs.CR"])
    make_summary(paper=private_paper, is_private=True)
    body = client.get("/sitemap-topics.xml").content.decode()
    assert "/topic/cs.IR/" in body
    assert "/topic/cs.CR/" not in body
    assert "sitemap-topics.xml" in client.get("/sitemap.xml").content.decode()


def test_paper_page_shows_its_topics():
    paper = make_paper()
    attach_categories(paper, ["cs.NE"])
    from django.test import Client

    html = Client().get(paper.get_absolute_url()).content.decode()
    assert 'href="/topic/cs.NE/"' in html
    assert "Neural and Evolutionary Computing" in html


def test_a_card_is_rendered_again_when_its_topics_change(client):
    summary = make_summary()
    assert "/topic/cs.AI/" not in client.get("/").content.decode()
    services.save_summary(
        paper=summary.paper,
        author=summary.author,
        body=summary.body,
        is_private=False,
        is_anonymous=False,
        topics=[topic("cs.AI")],
    )
    assert "/topic/cs.AI/" in client.get("/").content.decode()


def test_the_write_form_takes_up_to_three_topics(client):
    author = make_user("writer")
    client.force_login(author)
    paper = make_paper()
    url = reverse("summaries:write", args=[paper.bibtex_key])
    body = summary_text("My summary of the paper, kept across a refusal.")
    four = [topic(s).pk for s in ("cs.AI", "cs.CL", "cs.CV", "cs.LG")]
    response = client.post(url, {"body": body, "topics": four})
    assert response.status_code == 200
    assert "Choose at most 3 topics; you chose 4." in response.content.decode()
    assert "kept across a refusal" in response.content.decode()
    assert not Summary.objects.exists()

    response = client.post(url, {"body": body, "topics": four[:2]})
    assert response.status_code == 302
    summary = Summary.objects.get()
    assert set(summary.topics.values_list("slug", flat=True)) == {"cs.AI", "cs.CL"}
    # The form opens with them chosen, and an edit replaces them.
    form = client.get(url).context["form"]
    assert set(form["topics"].value()) == set(four[:2])
    client.post(url, {"body": body, "topics": [four[3]]})
    assert list(summary.topics.values_list("slug", flat=True)) == ["cs.LG"]
    # A topic that does not exist is refused.
    response = client.post(url, {"body": body, "topics": [999999]})
    assert response.status_code == 200
    assert list(summary.topics.values_list("slug", flat=True)) == ["cs.LG"]


@pytest.mark.parametrize("few", [2, topic_services.FEW_SUMMARIES])
def test_a_topic_lists_the_same_by_ids_or_by_walking(client, monkeypatch, few):
    """A topic with at most FEW_SUMMARIES public summaries is listed by their ids; a
    larger one by walking the site's newest summaries. Either way the same list: each
    summary once (carrying the topic and of a paper that does), none private or hidden."""
    monkeypatch.setattr(topic_services, "FEW_SUMMARIES", few)
    paper = make_paper()
    attach_categories(paper, ["cs.NE"])
    both = make_summary(paper=paper)
    both.topics.add(topic("cs.NE"))
    tagged = make_summary()
    tagged.topics.add(topic("cs.NE"))
    of_paper = make_summary(paper=paper)
    make_summary(paper=paper, is_private=True)
    make_summary(paper=paper, is_hidden=True).topics.add(topic("cs.NE"))
    make_summary()  # in no topic
    with CaptureQueriesContext(connection) as queries:
        listed = list(summaries_of(topic("cs.NE")).newest_first())
    assert listed == [of_paper, tagged, both]
    by_ids = any('"summaries_summary"."id" IN (' in q["sql"] for q in queries)
    assert by_ids == (few == topic_services.FEW_SUMMARIES)
    html = client.get("/topic/cs.NE/").content.decode()
    assert [html.index(f'id="summary-{s.pk}"') for s in listed] == sorted(
        html.index(f'id="summary-{s.pk}"') for s in listed
    )
