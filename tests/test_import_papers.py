import json
import shutil
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.importing import Importer, read_file
from papers.models import Paper, PaperAlias
from search.models import Document
from summaries.models import Summary

from .factories import make_summary

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "import"
ON_POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY and the query planner are PostgreSQL's"
)


def run(*files):
    out, err = StringIO(), StringIO()
    call_command("import_papers", *map(str, files), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def tally_line(out):
    return out.strip().splitlines()[-1]


def copy(name, tmp_path):
    return Path(shutil.copy(DATA / name, tmp_path / name))


def test_bibtex_import_reports_bad_entries_with_lines():
    out, err = run(DATA / "papers.bib")
    assert tally_line(out) == "2 created, 0 updated, 0 unchanged, 2 rejected"
    assert "papers.bib:17: NoTitle2020: missing title" in out
    assert "papers.bib:22:" in out
    dense = Paper.objects.get(bibtex_key="conf/cvpr/HuangLMW17")
    assert dense.doi == "10.1109/CVPR.2017.243"
    assert dense.venue == "CVPR" and dense.year == 2017
    assert dense.author_list[2] == "Laurens van der Maaten"
    attention = Paper.objects.get(bibtex_key="Vaswani2017Attention")
    assert attention.arxiv_id == "1706.03762"
    assert attention.abstract_html  # rendered, as save() would
    assert "records" in err  # the progress line


def test_dblp_import_with_entities_and_skipped_records():
    out, _ = run(DATA / "dblp.xml")
    assert tally_line(out) == (
        "3 created, 0 updated, 0 unchanged, 1 rejected, 1 skipped (not papers)"
    )
    assert "dblp.xml:34: journals/x/NoTitle: missing title" in out
    faster = Paper.objects.get(bibtex_key="conf/nips/RenHGS15")
    assert faster.title == "Faster R-CNN: Towards Real-Time Object Detection"
    assert faster.authors == "Shaoqing Ren, Kaiming He, Jürgen Schmidhuber"
    resnet = Paper.objects.get(bibtex_key="journals/corr/HeZRS15")
    # Venues under their names in the venue table: NIPS, CoRR and DBLP's abbreviation
    # of TPAMI's title.
    assert faster.venue == "NeurIPS"
    assert resnet.arxiv_id == "1512.03385" and resnet.venue == "arXiv"
    entity = Paper.objects.get(bibtex_key="journals/pami/Francois20")
    assert entity.venue == "TPAMI"
    assert entity.title == "Café & Crème: an Entity Test"
    assert entity.doi == "10.1109/TPAMI.2020.0001"
    assert entity.url == "https://doi.org/10.1109/TPAMI.2020.0001"


def test_arxiv_jsonl_import():
    out, _ = run(DATA / "arxiv.jsonl")
    assert tally_line(out) == "3 created, 0 updated, 0 unchanged, 3 rejected"
    assert "arxiv.jsonl:4: invalid JSON" in out
    assert "arxiv.jsonl:5: invalid arXiv id 'not-an-id'" in out
    assert "arxiv.jsonl:6: journals/corr/2101.00001: missing title" in out
    paper = Paper.objects.get(bibtex_key="journals/corr/0704.0001")
    assert paper.title.startswith("Calculation of prompt diphoton production")
    assert paper.authors == "C. Balázs, E. L. Berger, P. M. Nadolsky, C. -P. Yuan"
    assert paper.year == 2007 and paper.doi == "10.1103/PhysRevD.76.013009"
    assert paper.abstract.startswith("A fully differential calculation")
    assert Paper.objects.get(arxiv_id="hep-th/9901001").year == 1999


def test_invalid_bibtex_key_is_rejected_with_reason():
    out, _ = run(DATA / "papers.bib")
    assert "invalid key 'bad key with spaces'" in out


def test_second_run_changes_nothing():
    files = [DATA / "papers.bib", DATA / "dblp.xml", DATA / "arxiv.jsonl"]
    first, _ = run(*files)
    # Attention Is All You Need is in the BibTeX file and the arXiv file, under two keys.
    assert "arxiv.jsonl:2: journals/corr/1706.03762: arXiv id 1706.03762 also at " in first
    assert tally_line(first).startswith("7 created, 0 updated, 0 unchanged, 7 rejected")
    papers, documents = Paper.objects.count(), Document.objects.count()
    second, _ = run(*files)
    assert tally_line(second).startswith("0 created, 0 updated, 7 unchanged, 7 rejected")
    assert (Paper.objects.count(), Document.objects.count()) == (papers, documents)


def test_changed_title_updates_one_paper_and_its_search_document(tmp_path):
    path = copy("dblp.xml", tmp_path)
    run(path)
    path.write_text(path.read_text().replace("Deep Residual Learning", "Deeper Residual Learning"))
    out, _ = run(path)
    assert tally_line(out).startswith("0 created, 1 updated, 2 unchanged")
    paper = Paper.objects.get(bibtex_key="journals/corr/HeZRS15")
    assert paper.title == "Deeper Residual Learning for Image Recognition"
    assert Document.objects.get(kind=Document.Kind.PAPER, object_id=paper.pk).title == paper.title


def test_summaries_citing_an_imported_paper_link_to_it():
    # An import writes without save(): it announces the new papers with names_added.
    summary = make_summary(body="Dense blocks \\cite{10.1109/cvpr.2017.243}.")
    assert "citation-unknown" in summary.body_html
    run(DATA / "papers.bib")
    summary = Summary.objects.get(pk=summary.pk)
    assert 'href="/paper/conf/cvpr/HuangLMW17/"' in summary.body_html
    assert "citation-unknown" not in summary.body_html


def test_many_changed_papers_update_their_search_documents(tmp_path):
    # Enough for the documents to go through the upsert from a temporary table.
    path = tmp_path / "changing.xml"
    write_dblp(path, 300)
    run(path)
    path.write_text(path.read_text().replace("Paper number", "Revised paper"))
    out, _ = run(path)
    assert tally_line(out) == "0 created, 300 updated, 0 unchanged, 1 rejected"
    titles = Document.objects.filter(kind=Document.Kind.PAPER).values_list("title", flat=True)
    assert len(titles) == 300 and all(title.startswith("Revised paper") for title in titles)
    if connection.vendor == "postgresql":  # the trigger made the vectors anew
        found = Document.objects.filter(search_vector=SearchQuery("revised", config="english"))
        assert found.count() == 300


def test_imported_papers_are_searchable():
    run(DATA / "dblp.xml")
    assert Document.objects.filter(kind=Document.Kind.PAPER).count() == 3


def test_import_keeps_fields_the_source_does_not_have():
    paper = Paper.objects.create(
        bibtex_key="journals/corr/HeZRS15", title="Old title", abstract="Kept abstract."
    )
    out, _ = run(DATA / "dblp.xml")
    paper.refresh_from_db()
    assert paper.title == "Deep Residual Learning for Image Recognition"
    assert paper.abstract == "Kept abstract."
    assert tally_line(out).startswith("2 created, 1 updated")


def test_record_under_an_alias_updates_the_aliased_paper():
    paper = Paper.objects.create(bibtex_key="He2016Deep", title="Deep Residual Learning")
    PaperAlias.objects.create(paper=paper, key="journals/corr/HeZRS15")
    run(DATA / "dblp.xml")
    paper.refresh_from_db()
    assert paper.arxiv_id == "1512.03385"
    assert not Paper.objects.filter(bibtex_key="journals/corr/HeZRS15").exists()


def test_duplicate_doi_of_another_paper_is_rejected():
    Paper.objects.create(bibtex_key="Other2017", title="Other", doi="10.1109/cvpr.2017.243")
    out, _ = run(DATA / "papers.bib")
    assert (
        "papers.bib:1: conf/cvpr/HuangLMW17: DOI 10.1109/CVPR.2017.243 belongs to another "
        "paper, Other2017"
    ) in out
    assert tally_line(out) == "1 created, 0 updated, 0 unchanged, 3 rejected"


def test_duplicates_within_a_file_are_rejected(tmp_path):
    path = tmp_path / "dup.bib"
    path.write_text(
        "@misc{A1, title={One}, doi={10.1000/x1}}\n"
        "@misc{a1, title={Same key}}\n"
        "@misc{B1, title={Same DOI}, doi={10.1000/X1}}\n"
    )
    out, _ = run(path)
    assert "dup.bib:2: a1: key repeated (first at line 1)" in out
    assert "dup.bib:3: B1: DOI 10.1000/X1 also at line 1 of " in out
    assert tally_line(out) == "1 created, 0 updated, 0 unchanged, 2 rejected"


def test_xml_syntax_error_keeps_records_before_it(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(
        '<dblp>\n<article key="a/b/C1"><title>Fine.</title></article>\n'
        '<article key="a/b/C2"><title>Broken</titel></article>\n</dblp>\n'
    )
    out, _ = run(path)
    assert "broken.xml:3: XML syntax error" in out
    assert Paper.objects.filter(bibtex_key="a/b/C1").exists()


def write_dblp(path, count, start=0):
    with path.open("w") as stream:
        stream.write("<dblp>\n")
        for i in range(start, start + count):
            stream.write(
                f'<inproceedings key="conf/test/P{i}">\n<author>Ann M&uuml;ller</author>\n'
                f"<title>Paper number {i}.</title>\n<booktitle>TEST</booktitle>\n"
                f"<year>{2000 + i % 20}</year>\n"
                f"<ee>https://doi.org/10.1000/test.{i}</ee>\n</inproceedings>\n"
            )
        # Past the first pieces the parser is fed: line numbers must still be the file's.
        stream.write('<article key="a/b/Late">\n<year>2020</year>\n</article>\n</dblp>\n')
    return 1 + 7 * count + 1  # the line of the last record


def test_large_dblp_file_is_streamed(tmp_path):
    path = tmp_path / "large.xml"
    count = 5000
    late = write_dblp(path, count)
    out, _ = run(path)
    assert tally_line(out) == f"{count} created, 0 updated, 0 unchanged, 1 rejected"
    assert f"large.xml:{late}: a/b/Late: missing title" in out
    assert Paper.objects.count() == count
    assert Paper.objects.get(bibtex_key="conf/test/P4999").authors == "Ann Müller"
    assert Document.objects.filter(kind=Document.Kind.PAPER).count() == count
    out, _ = run(path)
    assert tally_line(out) == f"0 created, 0 updated, {count} unchanged, 1 rejected"


def test_unknown_extension_is_refused(tmp_path):
    path = tmp_path / "papers.csv"
    path.write_text("x")
    with pytest.raises(Exception, match="unknown format"):
        run(path)


def test_dblp_file_in_its_declared_encoding_with_entities(tmp_path):
    # DBLP's own dump declares ISO-8859-1 and has no DOCTYPE in extracts.
    path = tmp_path / "latin1.xml"
    path.write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<dblp>\n'
        b'<article key="journals/x/Mueller21"><author>J\xfcrgen M&uuml;ller</author>'
        b"<title>Gr\xfc&szlig;e.</title><year>2021</year></article>\n</dblp>\n"
    )
    out, _ = run(path)
    assert tally_line(out) == "1 created, 0 updated, 0 unchanged, 0 rejected"
    paper = Paper.objects.get(bibtex_key="journals/x/Mueller21")
    assert (paper.authors, paper.title) == ("Jürgen Müller", "Grüße")


def test_undefined_entity_stops_the_file_with_its_line(tmp_path):
    path = tmp_path / "entity.xml"
    path.write_text(
        '<dblp>\n<article key="a/b/C1"><title>Fine.</title></article>\n'
        '<article key="a/b/C2">\n<title>&nosuchentity;</title></article>\n</dblp>\n'
    )
    out, _ = run(path)
    assert "entity.xml:4: XML syntax error, rest of file skipped: undefined entity" in out
    assert list(Paper.objects.values_list("bibtex_key", flat=True)) == ["a/b/C1"]


def inserts(captured):
    """The INSERT statements among captured queries: on PostgreSQL new papers and their
    documents are written with COPY, and an INSERT means a batch fell back to save()."""
    return [q["sql"] for q in captured if q["sql"].startswith("INSERT")]


def test_text_with_backslashes_tabs_and_line_breaks_is_stored_as_it_was(tmp_path):
    # COPY's text format gives backslash, tab, line breaks and \N (NULL) a meaning.
    xml = tmp_path / "escapes.xml"
    xml.write_text(
        '<dblp>\n<article key="a/b/N"><title>\\N</title><journal>C:\\temp\\</journal>'
        "<year>2020</year></article>\n</dblp>\n"
    )
    jsonl = tmp_path / "escapes.jsonl"
    abstract = "First\tparagraph, \\N is not NULL.\n\nSecond \\\\ paragraph."
    jsonl.write_text(
        json.dumps({"id": "2101.00002", "title": "Escapes", "authors": "A", "abstract": abstract})
        + "\n"
    )
    with CaptureQueriesContext(connection) as captured:
        out, _ = run(xml, jsonl)
    assert tally_line(out) == "2 created, 0 updated, 0 unchanged, 0 rejected"
    if connection.vendor == "postgresql":
        assert not inserts(captured)
    paper = Paper.objects.get(bibtex_key="a/b/N")
    assert (paper.title, paper.venue) == ("\\N", "C:\\temp\\")
    paper = Paper.objects.get(arxiv_id="2101.00002")
    assert paper.abstract == "First paragraph, \\N is not NULL.\n\nSecond \\\\ paragraph."
    assert paper.abstract_html.count("<p>") == 2
    for paper in Paper.objects.all():
        document = Document.objects.get(kind=Document.Kind.PAPER, object_id=paper.pk)
        assert (document.title, document.venue) == (paper.title, paper.venue)
    document = Document.objects.get(kind=Document.Kind.PAPER, title="Escapes")
    # The abstract as readers see it: Markdown reads "\\\\" as one backslash.
    assert document.body == "A\nFirst paragraph, \\N is not NULL. Second \\ paragraph."
    out, _ = run(xml, jsonl)
    assert tally_line(out) == "0 created, 0 updated, 2 unchanged, 0 rejected"


def test_nul_character_is_rejected_not_cut(tmp_path):
    path = tmp_path / "nul.jsonl"
    lines = [
        {"id": "2101.00003", "title": "Before", "authors": "A"},
        {"id": "2101.00004", "title": "Hidden\u0000null", "authors": "A"},
        {"id": "2101.00005", "title": "After", "authors": "A"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out, _ = run(path)
    assert "nul.jsonl:2: journals/corr/2101.00004: title holds a NUL character" in out
    assert tally_line(out) == "2 created, 0 updated, 0 unchanged, 1 rejected"


def test_key_repeated_in_a_later_batch_updates_the_paper(tmp_path):
    path = tmp_path / "repeat.bib"
    path.write_text(
        "@misc{K1, title={First}}\n@misc{K2, title={Second}}\n"
        "@misc{K3, title={Third}, doi={10.1000/K2}}\n@misc{k1, title={First, revised}}\n"
        "@misc{K4, title={Fourth}, doi={10.1000/k2}}\n"
    )
    tally = Importer(batch_size=3).run(read_file(path))
    assert (tally.created, tally.updated, tally.unchanged) == (3, 1, 0)
    assert Paper.objects.get(bibtex_key="K1").title == "First, revised"
    # The DOI was claimed by an earlier batch, so it is the database that says whose it is.
    assert [str(r) for r in tally.rejected] == [
        f"{path}:5: K4: DOI 10.1000/k2 belongs to another paper, K3"
    ]


def test_interrupted_import_keeps_finished_batches_and_resumes(tmp_path):
    path = tmp_path / "interrupted.xml"
    write_dblp(path, 10)
    batches = []

    def interrupt_after_the_second(count):
        batches.append(count)
        if len(batches) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Importer(batch_size=3, on_batch=interrupt_after_the_second).run(read_file(path))
    assert Paper.objects.count() == 6
    assert Document.objects.filter(kind=Document.Kind.PAPER).count() == 6
    assert not any(thread.name == "import-reader" for thread in threading.enumerate())
    out, _ = run(path)
    assert tally_line(out) == "4 created, 0 updated, 6 unchanged, 1 rejected"


def test_error_in_a_file_is_raised_and_stops_the_reader(tmp_path):
    path = tmp_path / "missing.xml"
    with pytest.raises(FileNotFoundError):
        Importer().run(read_file(path))
    assert not any(thread.name == "import-reader" for thread in threading.enumerate())


def test_batch_whose_write_fails_is_written_one_paper_at_a_time(tmp_path):
    # A search document already under the id the next paper gets (a restored backup, a
    # row written by hand) makes the batch's insert of documents fail. Nothing is lost:
    # the batch is written again paper by paper, as save() would.
    other = Paper.objects.create(bibtex_key="Other", title="Other")
    Document.objects.filter(object_id=other.pk + 1).delete()
    Document.objects.create(kind=Document.Kind.PAPER, object_id=other.pk + 1, paper=other)
    path = tmp_path / "two.bib"
    path.write_text("@misc{T1, title={Tau one}}\n@misc{T2, title={Tau two}}\n")
    with CaptureQueriesContext(connection) as captured:
        out, _ = run(path)
    assert tally_line(out) == "2 created, 0 updated, 0 unchanged, 0 rejected"
    one_paper = [q for q in inserts(captured) if 'INTO "papers_paper"' in q and "), (" not in q]
    assert len(one_paper) == 2
    for paper in Paper.objects.filter(bibtex_key__in=["T1", "T2"]):
        assert Document.objects.get(kind=Document.Kind.PAPER, object_id=paper.pk).title == (
            paper.title
        )


def test_queries_per_batch_do_not_grow_with_its_size(tmp_path):
    def queries(count):
        Paper.objects.all().delete()
        path = tmp_path / f"{count}.xml"
        write_dblp(path, count)
        with CaptureQueriesContext(connection) as captured:
            tally = Importer().run(read_file(path))
        assert tally.created == count
        return len(captured)

    assert queries(3) == queries(60)


@ON_POSTGRESQL_ONLY
def test_copy_writes_what_bulk_create_writes(tmp_path):
    files = [DATA / "papers.bib", DATA / "dblp.xml", DATA / "arxiv.jsonl"]

    def import_and_read(copy):
        Paper.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            for path in files:
                Importer(copy=copy).run(read_file(path))
        assert bool(inserts(captured)) is not copy
        papers = {
            paper.pop("bibtex_key"): paper
            for paper in Paper.objects.values().order_by()
            if not (paper.pop("id"), paper.pop("created_at"))
        }
        documents = {
            document.pop("title"): document
            for document in Document.objects.values(
                "kind", "title", "body", "venue", "year", "summary_id", "search_vector"
            )
        }
        return papers, documents

    assert import_and_read(copy=True) == import_and_read(copy=False)


@ON_POSTGRESQL_ONLY
def test_identifier_lookups_can_use_the_unique_indexes(tmp_path):
    # The unique indexes on lowercased arXiv ids and DOIs are partial (empty values
    # left out): a lookup that does not say so would read the whole table per batch.
    path = tmp_path / "many.xml"
    write_dblp(path, 3000)
    run(path)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE papers_paper")
    path = tmp_path / "new.xml"
    write_dblp(path, 2, start=5000)
    with CaptureQueriesContext(connection) as captured:
        run(path)
    lookups = [q["sql"] for q in captured if 'LOWER("papers_paper"."doi")' in q["sql"]]
    assert lookups
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + lookups[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "paper_doi_ci_unique" in plan, plan
