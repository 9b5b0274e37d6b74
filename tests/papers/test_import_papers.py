import csv
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
from tests.factories import make_summary

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parents[1] / "data" / "import"
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
    # Attention Is All You Need is in the BibTeX file and the arXiv file, under two keys:
    # one paper, the arXiv key another name of it, the arXiv record filling in the rest.
    assert tally_line(first).startswith(
        "7 created, 0 updated, 0 unchanged, 6 rejected, 1 added as another key of a paper"
    )
    attention = Paper.objects.get(arxiv_id="1706.03762")
    assert attention.bibtex_key == "Vaswani2017Attention"
    assert [alias.key for alias in attention.aliases.all()] == ["journals/corr/1706.03762"]
    papers, documents = Paper.objects.count(), Document.objects.count()
    aliases = PaperAlias.objects.count()
    second, _ = run(*files)
    assert tally_line(second).startswith("0 created, 0 updated, 8 unchanged, 6 rejected")
    assert (Paper.objects.count(), Document.objects.count()) == (papers, documents)
    assert PaperAlias.objects.count() == aliases


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


def test_record_under_an_alias_fills_in_what_the_aliased_paper_lacks():
    paper = Paper.objects.create(bibtex_key="He2016Deep", title="Deep Residual Learning")
    PaperAlias.objects.create(paper=paper, key="journals/corr/HeZRS15")
    out, _ = run(DATA / "dblp.xml")
    paper.refresh_from_db()
    assert paper.arxiv_id == "1512.03385"
    assert paper.authors == "Kaiming He, Xiangyu Zhang"
    # The paper's own key has the last word: another name of it only fills in.
    assert paper.title == "Deep Residual Learning"
    assert not Paper.objects.filter(bibtex_key="journals/corr/HeZRS15").exists()
    assert tally_line(out).startswith("2 created, 1 updated, 0 unchanged")
    assert tally_line(run(DATA / "dblp.xml")[0]).startswith("0 created, 0 updated, 3 unchanged")


def test_new_key_with_the_doi_of_a_paper_here_becomes_its_alias():
    other = Paper.objects.create(bibtex_key="Other2017", title="Other", doi="10.1109/cvpr.2017.243")
    out, _ = run(DATA / "papers.bib")
    assert tally_line(out) == (
        "1 created, 0 updated, 0 unchanged, 2 rejected, "
        "1 added as another key of a paper here (same arXiv id or DOI)"
    )
    assert not Paper.objects.filter(bibtex_key="conf/cvpr/HuangLMW17").exists()
    assert [alias.key for alias in other.aliases.all()] == ["conf/cvpr/HuangLMW17"]
    other.refresh_from_db()
    # What the paper lacked is filled in; what it has is kept.
    assert (other.title, other.venue, other.year) == ("Other", "CVPR", 2017)
    assert other.author_list[0] == "Gao Huang"
    assert other.doi == "10.1109/cvpr.2017.243"
    # Under its new name, the record now names the paper: nothing more to do.
    out, _ = run(DATA / "papers.bib")
    assert tally_line(out) == "0 created, 0 updated, 2 unchanged, 2 rejected"
    assert PaperAlias.objects.count() == 1


def test_new_key_with_an_arxiv_id_here_becomes_an_alias_and_cites_link():
    paper = Paper.objects.create(
        bibtex_key="conf/nips/VaswaniSPUJGKP17",
        title="Attention is All you Need",
        arxiv_id="1706.03762",
    )
    summary = make_summary(body="See \\cite{Vaswani2017Attention}.")
    assert "citation-unknown" in summary.body_html
    out, _ = run(DATA / "papers.bib")
    assert "1 added as another key of a paper here" in tally_line(out)
    assert list(paper.aliases.values_list("key", flat=True)) == ["Vaswani2017Attention"]
    assert not Paper.objects.filter(bibtex_key="Vaswani2017Attention").exists()
    # The alias was written in bulk: names_added turned the citation into a link.
    summary.refresh_from_db()
    assert f'href="{paper.get_absolute_url()}"' in summary.body_html


def test_record_under_a_key_here_with_another_papers_doi_is_rejected():
    Paper.objects.create(bibtex_key="Other2017", title="Other", doi="10.1109/cvpr.2017.243")
    Paper.objects.create(bibtex_key="conf/cvpr/HuangLMW17", title="Densely")
    out, _ = run(DATA / "papers.bib")
    assert (
        "papers.bib:1: conf/cvpr/HuangLMW17: DOI 10.1109/CVPR.2017.243 belongs to another "
        "paper, Other2017"
    ) in out
    assert Paper.objects.get(bibtex_key="conf/cvpr/HuangLMW17").title == "Densely"
    assert not PaperAlias.objects.exists()


def test_identifiers_naming_two_papers_are_rejected(tmp_path):
    Paper.objects.create(bibtex_key="A2017", title="A", arxiv_id="1706.03762")
    Paper.objects.create(bibtex_key="B2017", title="B", doi="10.1000/b")
    path = tmp_path / "two.bib"
    path.write_text("@misc{New17, title={N}, eprint={1706.03762}, doi={10.1000/B}}\n")
    out, _ = run(path)
    assert (
        "two.bib:1: New17: arXiv id 1706.03762 belongs to another paper, A2017; "
        "DOI 10.1000/B belongs to another paper, B2017"
    ) in out
    assert tally_line(out) == "0 created, 0 updated, 0 unchanged, 1 rejected"
    assert not PaperAlias.objects.exists()


def test_duplicates_within_a_file_become_aliases_or_are_rejected(tmp_path):
    path = tmp_path / "dup.bib"
    path.write_text(
        "@misc{A1, title={One}, doi={10.1000/x1}}\n"
        "@misc{a1, title={Same key}}\n"
        "@misc{B1, title={Same DOI}, author={Ann Lee}, doi={10.1000/X1}}\n"
    )
    out, _ = run(path)
    assert "dup.bib:2: a1: key repeated (first at line 1)" in out
    assert tally_line(out) == (
        "1 created, 0 updated, 0 unchanged, 1 rejected, "
        "1 added as another key of a paper here (same arXiv id or DOI)"
    )
    paper = Paper.objects.get()
    assert (paper.bibtex_key, paper.title, paper.authors) == ("A1", "One", "Ann Lee")
    assert [alias.key for alias in paper.aliases.all()] == ["B1"]
    assert tally_line(run(path)[0]) == "0 created, 0 updated, 2 unchanged, 1 rejected"


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
    assert (tally.created, tally.updated, tally.unchanged, tally.merged) == (3, 1, 0, 1)
    assert Paper.objects.get(bibtex_key="K1").title == "First, revised"
    # The DOI was claimed by an earlier batch, so it is the database that says whose it is.
    assert not tally.rejected
    assert PaperAlias.objects.get(key="K4").paper.bibtex_key == "K3"


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
        # Aliases (the arXiv record naming a paper of the BibTeX file) are inserted.
        papers_inserted = [q for q in inserts(captured) if 'INTO "papers_paper"' in q]
        assert bool(papers_inserted) is not copy
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


RESNET = "Deep Residual Learning for Image Recognition"


def resnet_here():
    return Paper.objects.create(
        bibtex_key="conf/cvpr/HeZRS16", title=RESNET, authors="Kaiming He, Xiangyu Zhang", year=2016
    )


def test_record_like_a_paper_here_is_reported_not_created(tmp_path):
    resnet_here()
    path = tmp_path / "scholar.bib"
    path.write_text(
        # Google Scholar's entry for it, a year later: the same paper.
        "@inproceedings{he2016deep, title={Deep residual learning for image {R}ecognition},"
        " author={He, Kaiming and Zhang, Xiangyu}, year={2017}}\n"
        # Same title, another first author; same title and author, years apart.
        "@misc{Other16, title={" + RESNET + "}, author={Ann Lee}, year={2016}}\n"
        "@misc{Later19, title={" + RESNET + "}, author={Kaiming He}, year={2019}}\n"
    )
    out, _ = run(path)
    assert (
        f"probable duplicate {path}:1: he2016deep “Deep residual learning for image "
        "Recognition” looks like conf/cvpr/HeZRS16"
    ) in out
    assert tally_line(out) == (
        "2 created, 0 updated, 0 unchanged, 0 rejected, 1 not created as probable duplicates "
        "of papers here (same title, first author and year; --allow-similar creates them)"
    )
    assert not Paper.objects.filter(bibtex_key="he2016deep").exists()
    assert Paper.objects.filter(bibtex_key__in=["Other16", "Later19"]).count() == 2
    # A second run reports it again and writes nothing.
    out, _ = run(path)
    assert tally_line(out).startswith("0 created, 0 updated, 2 unchanged, 0 rejected, 1 not")


def test_records_alike_within_one_file_are_reported_across_batches(tmp_path):
    path = tmp_path / "twice.xml"
    path.write_text(
        "<dblp>\n"
        '<article key="journals/corr/HeZRS15"><author>Kaiming He 0001</author>'
        f"<title>{RESNET}.</title><year>2015</year></article>\n"
        '<inproceedings key="conf/cvpr/HeZRS16"><author>Kaiming He 0001</author>'
        f"<title>{RESNET}.</title><year>2016</year></inproceedings>\n"
        '<inproceedings key="conf/x/Other"><author>Ann Lee</author>'
        "<title>Other.</title><year>2016</year></inproceedings>\n"
        '<article key="journals/y/HeAgain"><author>K. He</author>'
        f"<title>{RESNET.upper()}</title><year>2016</year></article>\n"
        "</dblp>\n"
    )
    similar = []
    for batch_size in (2000, 1):  # in one batch, then one record a batch
        Paper.objects.all().delete()
        tally = Importer(batch_size=batch_size, on_similar=similar.append).run(read_file(path))
        assert (tally.created, tally.similar_count) == (2, 2)
        assert [(s.key, s.existing_key) for s in tally.similar] == [
            ("conf/cvpr/HeZRS16", "journals/corr/HeZRS15"),
            ("journals/y/HeAgain", "journals/corr/HeZRS15"),
        ]
        assert set(Paper.objects.values_list("bibtex_key", flat=True)) == {
            "journals/corr/HeZRS15",
            "conf/x/Other",
        }
    assert len(similar) == 4  # each reported as it was found


def test_allow_similar_creates_them(tmp_path):
    resnet_here()
    path = tmp_path / "scholar.bib"
    path.write_text(
        f"@misc{{he2016deep, title={{{RESNET}}}, author={{He, Kaiming}}, year={{2016}}}}\n"
    )
    out, err = StringIO(), StringIO()
    call_command("import_papers", str(path), "--allow-similar", stdout=out, stderr=err)
    assert tally_line(out.getvalue()) == "1 created, 0 updated, 0 unchanged, 0 rejected"
    assert Paper.objects.filter(normalized_title=RESNET.lower()).count() == 2


def test_similar_report_lists_every_probable_duplicate(tmp_path):
    resnet_here()
    path = tmp_path / "scholar.bib"
    path.write_text(
        "".join(
            f"@misc{{he2016deep{i}, title={{{RESNET}}}, author={{He, Kaiming}}, year={{2016}}}}\n"
            for i in range(3)
        )
    )
    report = tmp_path / "similar.csv"
    out, err = StringIO(), StringIO()
    call_command("import_papers", str(path), f"--similar-report={report}", stdout=out, stderr=err)
    assert "3 not created as probable duplicates" in tally_line(out.getvalue())
    rows = list(csv.reader(report.open(encoding="utf-8")))
    assert rows[0] == ["file", "line", "key", "title", "looks_like"]
    assert rows[1:] == [
        [str(path), str(i + 1), f"he2016deep{i}", RESNET, "conf/cvpr/HeZRS16"] for i in range(3)
    ]


def test_queries_per_batch_do_not_grow_with_the_number_of_matches(tmp_path):
    """Each kind of record in one batch: new, updated by key, filling in under an alias,
    merged by DOI into a paper here or into a new one, alike a paper here or a new one.
    The batch's queries are the same in number for 2 of each as for 20."""

    def queries(count):
        Paper.objects.all().delete()
        entries = []
        for i in range(count):
            here = Paper.objects.create(bibtex_key=f"Here{i}", title=f"Here {i}", year=2000)
            aliased = Paper.objects.create(bibtex_key=f"Aliased{i}", title=f"Aliased {i}")
            PaperAlias.objects.create(paper=aliased, key=f"Old{i}")
            Paper.objects.create(bibtex_key=f"Doi{i}", title=f"Doi {i}", doi=f"10.1000/d{i}")
            Paper.objects.create(
                bibtex_key=f"Like{i}", title=f"Like {i}", authors="Ann Lee", year=2000
            )
            entries += [
                f"@misc{{New{i}, title={{New {i}}}, author={{Bo Chen}}, doi={{10.1000/n{i}}}}}",
                f"@misc{{{here.bibtex_key}, title={{Here {i}, revised}}, year={{2000}}}}",
                f"@misc{{Old{i}, title={{Old {i}}}, author={{Ann Lee}}}}",
                f"@misc{{ByDoi{i}, title={{By DOI {i}}}, doi={{10.1000/D{i}}}}}",
                f"@misc{{ByNewDoi{i}, title={{By new DOI {i}}}, doi={{10.1000/N{i}}}}}",
                f"@misc{{Alike{i}, title={{Like {i}}}, author={{Lee, Ann}}, year={{2001}}}}",
                f"@misc{{AlikeNew{i}, title={{New {i}}}, author={{Chen, Bo}}}}",
            ]
        path = tmp_path / f"{count}.bib"
        path.write_text("\n".join(entries) + "\n")
        with CaptureQueriesContext(connection) as captured:
            tally = Importer().run(read_file(path))
        assert (tally.created, tally.updated, tally.unchanged) == (count, 2 * count, 0)
        assert (tally.merged, tally.similar_count, tally.rejected) == (2 * count, 2 * count, [])
        return len(captured)

    assert queries(2) == queries(20)


@ON_POSTGRESQL_ONLY
def test_title_lookup_uses_the_index_on_normalized_titles(tmp_path):
    path = tmp_path / "many.xml"
    write_dblp(path, 3000)
    run(path)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE papers_paper")
    path = tmp_path / "new.xml"
    write_dblp(path, 2, start=5000)
    with CaptureQueriesContext(connection) as captured:
        run(path)
    (lookup,) = [q["sql"] for q in captured if "normalized_title = t.title" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + lookup)  # without the import's enable_seqscan = off
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # One probe of the title index a title, each stopping at 20 rows.
    assert "Index Scan using paper_normalized_title_idx" in plan, plan
    # The first 20 in id order straight from the index: no sort of a title's papers.
    assert "Sort" not in plan, plan
    assert "Seq Scan on papers_paper" not in plan and "Limit" in plan, plan


def test_record_naming_a_probable_duplicate_by_its_doi_is_not_created_either(tmp_path):
    resnet_here()
    path = tmp_path / "scholar.bib"
    path.write_text(
        f"@misc{{he2016deep, title={{{RESNET}}}, author={{He, Kaiming}}, year={{2016}},"
        " doi={10.1000/resnet}}\n"
        "@misc{He16, title={ResNet}, doi={10.1000/RESNET}}\n"
    )
    tally = Importer().run(read_file(path))
    assert (tally.created, tally.merged, tally.rejected) == (0, 0, [])
    assert [(s.key, s.existing_key) for s in tally.similar] == [
        ("he2016deep", "conf/cvpr/HeZRS16"),
        ("He16", "conf/cvpr/HeZRS16"),
    ]
    assert Paper.objects.count() == 1 and not PaperAlias.objects.exists()


def test_titles_shared_by_many_papers_are_looked_at_twenty_at_a_time(tmp_path):
    from papers.importing import matching

    for i in range(25):
        Paper.objects.create(bibtex_key=f"Intro{i}", title="Introduction", authors=f"Ann Lee{i}")
    rows = matching._papers_titled("default", {"introduction", "nothing like it"})
    assert len(rows) == 20 and {row[0] for row in rows} == {"introduction"}
    path = tmp_path / "intro.bib"
    path.write_text("@misc{Intro, title={Introduction}, author={Lee3, Ann}}\n")
    tally = Importer().run(read_file(path))
    assert [(s.key, s.existing_key) for s in tally.similar] == [("Intro", "Intro3")]
