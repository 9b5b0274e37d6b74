"""Stored HTML is rendered when its source changes, and only then (shortscience/rendered.py):
papers, summaries, comments and bios alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from markup.render import RENDERER_VERSION
from papers.models import Paper
from summaries.models import Citation, Comment, Summary
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

# Stored in place of the HTML, so that a render, which would replace it, shows.
MARK = "<p>as stored</p>"


def marked(model, pk, **fields):
    """The row with its HTML replaced by MARK in the database, loaded again."""
    model.objects.filter(pk=pk).update(**fields)
    return model.objects.get(pk=pk)


def test_saving_a_summary_s_score_renders_nothing():
    summary = make_summary(body="Cites \\cite{nowhere/Key1}.")
    summary = marked(Summary, summary.pk, body_html=MARK)
    summary.score = 3
    with CaptureQueriesContext(connection) as queries:
        summary.save(update_fields=["score"])
    assert summary.body_html == MARK
    assert Summary.objects.get(pk=summary.pk).score == 3
    # One UPDATE of the score; the citations, derived with the HTML, are not read again.
    sql = [q["sql"] for q in queries.captured_queries]
    writes = [q for q in sql if q.startswith('UPDATE "summaries_summary"')]
    assert len(writes) == 1 and '"score"' in writes[0] and '"body_html"' not in writes[0]
    assert not [q for q in sql if "summaries_citation" in q]


def test_a_whole_save_of_an_unchanged_summary_renders_nothing():
    summary = marked(Summary, make_summary().pk, body_html=MARK)
    summary.is_private = True
    summary.save()
    stored = Summary.objects.get(pk=summary.pk)
    assert (stored.body_html, stored.is_private) == (MARK, True)


def test_changing_a_summary_s_text_renders_it_and_its_citations():
    summary = marked(Summary, make_summary().pk, body_html=MARK)
    summary.body = "Now it cites \\cite{conf/x/Cited1} and says **more**."
    summary.save(update_fields=["body"])
    stored = Summary.objects.get(pk=summary.pk)
    assert "<strong>more</strong>" in stored.body_html
    assert stored.renderer_version == RENDERER_VERSION
    assert list(Citation.objects.filter(summary=stored).values_list("key", flat=True)) == [
        "conf/x/cited1"
    ]


def test_a_text_saved_again_unchanged_after_an_edit_is_not_rendered_again():
    summary = make_summary()
    summary.body = "Edited once."
    summary.save()
    assert "Edited once." in summary.body_html
    summary.body_html = MARK  # what the instance holds now is what the next save compares to
    summary.save()
    assert summary.body_html == MARK


def test_an_old_renderer_version_renders_an_unchanged_text_again():
    summary = marked(Summary, make_summary(body="Some *words*.").pk, body_html=MARK)
    Summary.objects.filter(pk=summary.pk).update(renderer_version=RENDERER_VERSION - 1)
    summary = Summary.objects.get(pk=summary.pk)
    summary.save()
    stored = Summary.objects.get(pk=summary.pk)
    assert "<em>words</em>" in stored.body_html
    assert stored.renderer_version == RENDERER_VERSION


def test_a_deferred_text_is_unchanged_and_not_loaded():
    summary = marked(Summary, make_summary().pk, body_html=MARK)
    loaded = Summary.objects.only("pk", "score", "created_at").get(pk=summary.pk)
    loaded.score = 5
    with CaptureQueriesContext(connection) as queries:
        loaded.save(update_fields=["score"])
    # The body was not loaded to be compared (the rest is the author's recount).
    assert not [q for q in queries.captured_queries if '"body"' in q["sql"]]
    assert Summary.objects.get(pk=summary.pk).body_html == MARK


def test_a_text_loaded_late_counts_as_stored():
    summary = marked(Summary, make_summary().pk, body_html=MARK)
    loaded = Summary.objects.defer("body").get(pk=summary.pk)
    assert loaded.body  # loads it, as stored
    loaded.save()
    assert Summary.objects.get(pk=summary.pk).body_html == MARK


def test_comments_render_when_their_text_changes_only():
    comment = make_comment(make_summary(), body="First *take*.")
    assert "<em>take</em>" in comment.body_html
    comment = marked(Comment, comment.pk, body_html=MARK)
    comment.is_hidden = True
    comment.save(update_fields=["is_hidden"])
    assert Comment.objects.get(pk=comment.pk).body_html == MARK
    comment.body = "Second **take**."
    comment.save(update_fields=["body"])
    assert "<strong>take</strong>" in Comment.objects.get(pk=comment.pk).body_html


def test_a_paper_renders_what_changed_of_its_title_and_abstract():
    paper = make_paper(title="Plain title", abstract="An *abstract*.")
    assert "<em>abstract</em>" in paper.abstract_html and paper.title_html == ""
    paper = marked(Paper, paper.pk, abstract_html=MARK)
    paper.year = 2001
    paper.save(update_fields=["year"])
    paper.title = "The $\\alpha$ title"
    paper.save(update_fields=["title"])
    stored = Paper.objects.get(pk=paper.pk)
    # The title rendered, with its normalized form; the abstract, unchanged, was not.
    assert "katex" in stored.title_html and stored.normalized_title == "the alpha title"
    assert stored.abstract_html == MARK
    paper.abstract = "A new **abstract**."
    paper.save()
    assert "<strong>abstract</strong>" in Paper.objects.get(pk=paper.pk).abstract_html


def test_a_paper_of_an_old_renderer_keeps_its_version_until_all_is_rendered():
    paper = make_paper(title="Plain title", abstract="Text.")
    Paper.objects.filter(pk=paper.pk).update(renderer_version=RENDERER_VERSION - 1)
    paper = Paper.objects.get(pk=paper.pk)
    paper.title = "Another title"
    paper.save(update_fields=["title"])
    # The abstract's HTML is still the old renderer's: so is the recorded version.
    assert Paper.objects.get(pk=paper.pk).renderer_version == RENDERER_VERSION - 1
    paper.save()
    assert Paper.objects.get(pk=paper.pk).renderer_version == RENDERER_VERSION


def test_a_bio_renders_when_it_changes_only():
    user = make_user(bio="I study *graphs*.")
    assert "<em>graphs</em>" in user.bio_html
    user = marked(User, user.pk, bio_html=MARK)
    user.display_name = "Grace"
    user.save()
    assert User.objects.get(pk=user.pk).bio_html == MARK
    user.bio = "I study **trees**."
    user.save(update_fields=["bio"])
    stored = User.objects.get(pk=user.pk)
    assert "<strong>trees</strong>" in stored.bio_html
    assert stored.bio_renderer_version == RENDERER_VERSION
