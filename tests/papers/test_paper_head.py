"""A paper's head on its page (papers.head): kept once for every viewer, yet any change
to the paper or its topics shows at once, and the follow button is each viewer's own."""

import pytest

from papers.head import HEAD
from papers.models import Paper
from tests.factories import make_comment, make_paper, make_summary, make_user
from tests.summaries.test_cards import Renders
from topics.models import Topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fragments")]


def page(client, paper):
    response = client.get(paper.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def head(html):
    return html.split('<article class="paper')[1].split("</article>")[0]


def test_the_head_is_rendered_once_for_every_viewer(client):
    paper = make_paper(title="Kept Heads", abstract="What it says.")
    reader = make_user()
    with Renders(HEAD.name) as renders:
        page(client, paper)
        page(client, paper)
        client.force_login(reader)
        page(client, paper)
    assert renders.count == 1


def test_the_follow_button_is_the_viewers_own(client):
    paper = make_paper()
    visitor_head = head(page(client, paper))
    client.force_login(make_user())
    reader_head = head(page(client, paper))
    assert "Follow" in visitor_head and "/accounts/login/" in visitor_head
    assert 'name="csrfmiddlewaretoken"' not in visitor_head
    assert 'name="csrfmiddlewaretoken"' in reader_head
    assert 'value="follow"' in reader_head


def test_an_edited_paper_shows_at_once(client):
    paper = make_paper(title="Before", abstract="Old abstract.")
    page(client, paper)
    paper.title = "After"
    paper.abstract = "New abstract."
    paper.save()
    html = head(page(client, paper))
    assert "After" in html and "New abstract." in html
    assert "Before" not in html and "Old abstract." not in html


def test_a_change_written_without_save_shows_at_once(client):
    # A bulk update sends no signal: the kept head is keyed by the row itself.
    paper = make_paper(venue="OldConf")
    page(client, paper)
    Paper.objects.filter(pk=paper.pk).update(venue="NewConf")
    html = head(page(client, paper))
    assert "NewConf" in html and "OldConf" not in html


def test_a_new_topic_shows_at_once(client):
    paper = make_paper()
    page(client, paper)
    topic = Topic.objects.create(slug="test.kept-heads", name="Kept Heads Topic")
    topic.papers.add(paper)
    assert "Kept Heads Topic" in head(page(client, paper))


def test_the_comment_section_is_kept_for_visitors_and_readers_apart(client):
    summary = make_summary()
    make_comment(summary=summary, body="First words.")
    reader = make_user()
    visitor_html = page(client, summary.paper)
    client.force_login(reader)
    reader_html = page(client, summary.paper)
    assert "Log in</a> to comment." in visitor_html
    assert "data-draft-owner" not in visitor_html
    assert f'data-draft-owner="{reader.pk}"' in reader_html
    assert "Add a comment" in reader_html
    # Another reader's section carries their own id, not the first one's.
    other = make_user()
    client.force_login(other)
    assert f'data-draft-owner="{other.pk}"' in page(client, summary.paper)


def test_a_new_comment_counts_at_once(client):
    summary = make_summary()
    make_comment(summary=summary, body="One.")
    assert "1 comment<" in page(client, summary.paper)
    make_comment(summary=summary, body="Two.")
    html = page(client, summary.paper)
    assert "2 comments<" in html and "Two." in html
