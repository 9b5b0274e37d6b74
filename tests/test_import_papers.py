import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from papers.models import Paper, PaperAlias
from search.models import Document

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "import"


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
    assert resnet.arxiv_id == "1512.03385" and resnet.venue == "CoRR"
    entity = Paper.objects.get(bibtex_key="journals/pami/Francois20")
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


def test_large_dblp_file_is_streamed(tmp_path):
    path = tmp_path / "large.xml"
    count = 5000
    with path.open("w") as stream:
        stream.write("<dblp>\n")
        for i in range(count):
            stream.write(
                f'<inproceedings key="conf/test/P{i}">\n<author>Ann M&uuml;ller</author>\n'
                f"<title>Paper number {i}.</title>\n<booktitle>TEST</booktitle>\n"
                f"<year>{2000 + i % 20}</year>\n"
                f"<ee>https://doi.org/10.1000/test.{i}</ee>\n</inproceedings>\n"
            )
        stream.write("</dblp>\n")
    out, _ = run(path)
    assert tally_line(out) == f"{count} created, 0 updated, 0 unchanged, 0 rejected"
    assert Paper.objects.count() == count
    assert Paper.objects.get(bibtex_key="conf/test/P4999").authors == "Ann Müller"
    assert Document.objects.filter(kind=Document.Kind.PAPER).count() == count
    out, _ = run(path)
    assert tally_line(out) == f"0 created, 0 updated, {count} unchanged, 0 rejected"


def test_unknown_extension_is_refused(tmp_path):
    path = tmp_path / "papers.csv"
    path.write_text("x")
    with pytest.raises(Exception, match="unknown format"):
        run(path)
