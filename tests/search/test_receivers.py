"""One path for "content changed": every write reaches the search index and the cached
pages through receivers (search.receivers, summaries.receivers, topics.receivers), and no
caller re-indexes or invalidates by hand."""

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

import search.receivers
from moderation import services as moderation
from papers.importing import Importer, read_file
from papers.models import Paper
from papers.signals import papers_imported
from shortscience import fragments
from summaries.models import Summary
from tests.factories import make_comment, make_paper, make_summary, make_user
from topics.models import Topic
from topics.services import attach_categories, set_summary_topics

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
Kind = search.models.Document.Kind


def document(kind, pk):
    return search.models.Document.objects.filter(kind=kind, object_id=pk).first()


def version(*scopes):
    return fragments._versions(scopes)


@contextmanager
def without(signal, receiver, dispatch_uid, **connect):
    """The receiver taken off the signal for the block: what it alone does is left undone."""
    signal.disconnect(dispatch_uid=dispatch_uid, **connect)
    try:
        yield
    finally:
        signal.connect(receiver, dispatch_uid=dispatch_uid, **connect)


def test_changing_a_summary_s_text_re_indexes_it():
    summary = make_summary()
    summary.body = "A new text about zebras and their stripes, rendered and indexed."
    summary.save(update_fields=["body"])
    assert "zebras" in document(Kind.SUMMARY, summary.pk).body


def test_a_save_of_what_no_document_holds_leaves_the_index_alone():
    summary = make_summary()
    summary.score = 2
    with CaptureQueriesContext(connection) as queries:
        summary.save(update_fields=["score"])
    assert not [q for q in queries.captured_queries if "search_document" in q["sql"]]


def test_hiding_a_summary_re_indexes_and_invalidates_through_the_receivers():
    summary = make_summary()
    comment = make_comment(summary)
    scope = fragments.paper_scope(summary.paper_id)
    assert document(Kind.SUMMARY, summary.pk) and document(Kind.COMMENT, comment.pk)
    staff = make_user(is_staff=True)
    # Without the search receiver the documents stay: moderation indexes nothing itself.
    with without(post_save, search.receivers.index_summary, "search.index_summary", sender=Summary):
        moderation.hide(summary, by=staff)
    assert document(Kind.SUMMARY, summary.pk)
    moderation.restore(summary, by=staff)
    before = version(scope, fragments.LISTINGS)
    moderation.hide(Summary.objects.get(pk=summary.pk), by=staff)
    assert document(Kind.SUMMARY, summary.pk) is None
    assert document(Kind.COMMENT, comment.pk) is None
    assert version(scope, fragments.LISTINGS) != before
    assert Summary.objects.get(pk=summary.pk).is_hidden


def test_hiding_a_comment_drops_its_document():
    comment = make_comment(make_summary())
    moderation.hide(comment, by=make_user(is_staff=True))
    assert document(Kind.COMMENT, comment.pk) is None
    moderation.restore(comment, by=make_user(is_staff=True))
    assert document(Kind.COMMENT, comment.pk) is not None


def test_moderation_neither_indexes_nor_invalidates_by_hand():
    source = (ROOT / "moderation" / "services.py").read_text()
    assert "search" not in re.findall(r"^(?:from|import) (\w+)", source, re.M)
    assert "fragments" not in source


def write_bib(tmp_path, *keys):
    path = tmp_path / "papers.bib"
    path.write_text("".join(f"@misc{{{key}, title={{Paper {key}}}}}\n" for key in keys))
    return path


def test_an_import_indexes_its_papers_through_the_signal(tmp_path):
    with without(papers_imported, search.receivers.index_imported, "search.index_imported"):
        Importer().run(read_file(write_bib(tmp_path, "Quiet1")))
    assert document(Kind.PAPER, Paper.objects.get(bibtex_key="Quiet1").pk) is None
    Importer().run(read_file(write_bib(tmp_path, "Heard1")))
    assert document(Kind.PAPER, Paper.objects.get(bibtex_key="Heard1").pk).title == "Paper Heard1"


def test_an_import_that_updates_a_paper_re_indexes_it_and_invalidates_its_page(tmp_path):
    paper = make_paper(key="Known1", title="Old title")
    before = version(fragments.paper_scope(paper.pk))
    Importer().run(read_file(write_bib(tmp_path, "Known1")))
    assert document(Kind.PAPER, paper.pk).title == "Paper Known1"
    assert version(fragments.paper_scope(paper.pk)) != before


def test_an_import_left_to_reindex_writes_no_documents(tmp_path):
    Importer(index=False).run(read_file(write_bib(tmp_path, "Later1")))
    assert document(Kind.PAPER, Paper.objects.get(bibtex_key="Later1").pk) is None


def test_papers_imports_nothing_from_search():
    # search builds on papers; papers announces its writes with signals instead.
    importing = re.compile(r"^\s*(?:from\s+search(?:\.|\s)|import\s+search\b)", re.M)
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "papers").rglob("*.py"))
        if importing.search(path.read_text())
    ]
    assert offenders == []


def test_topics_changing_invalidates_the_pages_that_print_them():
    topic = Topic.objects.get(slug="cs.LG")
    summary = make_summary()
    scope = fragments.paper_scope(summary.paper_id)
    before = version(scope)
    attach_categories(summary.paper, ["cs.LG"])
    after_paper = version(scope)
    assert after_paper != before
    set_summary_topics(summary, [topic])
    assert version(scope) != after_paper
