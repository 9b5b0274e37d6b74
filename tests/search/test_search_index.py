"""The search index follows papers, summaries and comments, and never holds private text."""

import pytest
from django.core.management import call_command
from django.db import connection

from papers.models import Paper
from search.models import Document
from summaries.models import Summary
from summaries.services import save_summary
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db


def documents():
    return {(d.kind, d.object_id) for d in Document.objects.all()}


def document(kind, obj):
    return Document.objects.get(kind=kind, object_id=obj.pk)


def test_a_paper_is_indexed_with_its_title_authors_abstract_venue_and_year():
    paper = make_paper(
        title="Deep Residual Learning",
        authors="Kaiming He, Xiangyu Zhang",
        abstract="We present a **residual** learning framework.",
        venue="CVPR",
        year=2016,
    )
    doc = document("paper", paper)
    assert doc.title == "Deep Residual Learning"
    assert doc.body == "Kaiming He, Xiangyu Zhang\nWe present a residual learning framework."
    assert (doc.paper, doc.summary, doc.venue, doc.year) == (paper, None, "CVPR", 2016)


def test_editing_a_paper_updates_its_document_and_the_filters_of_its_summaries():
    paper = make_paper(title="Old title", venue="arXiv", year=2015)
    summary = make_summary(paper=paper)
    comment = make_comment(summary)
    paper.title, paper.venue, paper.year = "New title", "ICLR", 2016
    paper.save()
    assert document("paper", paper).title == "New title"
    for doc in Document.objects.all():
        assert (doc.venue, doc.year) == ("ICLR", 2016), doc
    assert documents() == {("paper", paper.pk), ("summary", summary.pk), ("comment", comment.pk)}


def test_saving_twice_keeps_one_document():
    paper = make_paper()
    paper.save()
    paper.save()
    assert Document.objects.filter(kind="paper", object_id=paper.pk).count() == 1


def test_public_summary_and_its_comments_are_indexed_without_any_author():
    author = make_user("carol")
    summary = make_summary(author=author, body="The *main* idea is good.", is_anonymous=True)
    comment = make_comment(summary, author=make_user("dave"), body="Agreed, **good**.")
    doc = document("summary", summary)
    assert (doc.body, doc.title, doc.summary, doc.paper) == (
        "The main idea is good.",
        "",
        summary,
        summary.paper,
    )
    comment_doc = document("comment", comment)
    assert (comment_doc.body, comment_doc.summary) == ("Agreed, good.", summary)
    for doc in Document.objects.all():
        assert "carol" not in f"{doc.title} {doc.body}"
        assert "dave" not in f"{doc.title} {doc.body}"


def test_private_summary_and_comments_on_it_have_no_document():
    summary = make_summary(is_private=True, body="private notes")
    make_comment(summary, author=summary.author, body="a note to self")
    assert documents() == {("paper", summary.paper_id)}


def test_making_a_summary_private_removes_it_and_its_comments_and_public_brings_them_back():
    summary = make_summary(body="once public")
    comment = make_comment(summary)
    save_summary(
        paper=summary.paper, author=summary.author, body="now private", is_private=True,
        is_anonymous=False,
    )  # fmt: skip
    assert documents() == {("paper", summary.paper_id)}

    save_summary(
        paper=summary.paper, author=summary.author, body="public again", is_private=False,
        is_anonymous=False,
    )  # fmt: skip
    assert documents() == {
        ("paper", summary.paper_id),
        ("summary", summary.pk),
        ("comment", comment.pk),
    }
    assert document("summary", summary).body == "public again"


def test_deleting_a_comment_summary_or_paper_removes_their_documents():
    summary = make_summary()
    kept, deleted = make_comment(summary), make_comment(summary)
    deleted.delete()
    assert ("comment", deleted.pk) not in documents()
    assert ("comment", kept.pk) in documents()

    summary.delete()
    assert documents() == {("paper", summary.paper_id)}

    other = make_summary(paper=summary.paper)
    make_comment(other)
    summary.paper.delete()
    assert documents() == set()


def test_deleting_a_user_removes_their_summaries_and_comments_from_the_index():
    user = make_user()
    summary = make_summary(author=user)
    other = make_summary()
    comment = make_comment(other, author=user)
    user.delete()
    assert ("summary", summary.pk) not in documents()
    assert ("comment", comment.pk) not in documents()
    assert ("summary", other.pk) in documents()


def test_reindex_rebuilds_everything_in_batches_and_skips_private_text():
    paper = make_paper()
    public = make_summary(paper=paper)
    make_comment(public)
    private = make_summary(paper=paper, is_private=True)
    make_comment(private)
    # An import writes rows without save() or signals: no documents for these yet.
    imported = Paper.objects.bulk_create(
        [
            Paper(bibtex_key=f"imported/{n}", title=f"Imported {n}", authors="A. Author")
            for n in range(5)
        ]
    )
    before = {(d.kind, d.object_id, d.title, d.body) for d in Document.objects.all()}
    Document.objects.filter(kind="comment").delete()

    call_command("reindex", batch_size=2, verbosity=0)

    after = {(d.kind, d.object_id, d.title, d.body) for d in Document.objects.all()}
    assert before < after
    assert {(kind, pk) for kind, pk, *_ in after - before} == {("paper", p.pk) for p in imported}
    assert ("summary", private.pk) not in documents()


def test_reindex_reports_the_count(capsys):
    make_comment(make_summary())
    call_command("reindex")
    assert "Indexed 3 documents." in capsys.readouterr().out


def test_search_vector_is_kept_by_the_database_on_postgresql_only():
    paper = make_paper(title="Residual networks", abstract="Skip connections.")
    vector = Document.objects.values_list("search_vector", flat=True).get(object_id=paper.pk)
    if connection.vendor == "postgresql":
        # The title's words weigh "A", the body's "B"; stemmed by the English config.
        assert "'residu':1A" in vector and "'skip':" in vector and "B" in vector
    else:
        assert vector is None


def test_postgresql_only_schema_exists_on_postgresql_only():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "search_document")
    gin = constraints.get("search_document_vector_gin")
    if connection.vendor == "postgresql":
        assert gin is not None and gin["type"] == "gin"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'search_document_vector'"
            )
            assert cursor.fetchone()[0] == 1
            # Vectors stay in their rows, and searches run without parallel workers.
            cursor.execute(
                "SELECT attstorage, reloptions FROM pg_attribute JOIN pg_class c "
                "ON c.oid = attrelid WHERE relname = 'search_document' "
                "AND attname = 'search_vector'"
            )
            assert cursor.fetchone() == ("m", ["parallel_workers=0"])
    else:
        assert gin is None
    # The filter index exists everywhere.
    assert "search_document_venue_year" in constraints


def test_summary_update_through_queryset_is_hidden_even_if_its_document_remains():
    # A bulk update skips the signals and leaves a stale document; searches still must
    # not show it (the view's visibility filter), which test_search checks end to end.
    summary = make_summary(body="stale text")
    Summary.objects.filter(pk=summary.pk).update(is_private=True)
    assert ("summary", summary.pk) in documents()
    assert not Document.objects.visible().filter(kind="summary").exists()
