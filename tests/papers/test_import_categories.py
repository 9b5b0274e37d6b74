"""Bulk import: papers get the topics of the arXiv categories their records carry."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.importing import Importer, read_file
from papers.models import Paper, PaperAlias
from search.models import Document
from tests.factories import make_summary
from topics.models import Topic

pytestmark = pytest.mark.django_db

PaperTopic = Topic.papers.through
LINK_TABLE = PaperTopic._meta.db_table


def arxiv_line(arxiv_id, title, categories, authors="Ann Lee", **extra):
    item = {"id": arxiv_id, "title": title, "authors": authors, "categories": categories}
    return json.dumps({**item, "update_date": "2017-06-12", **extra}) + "\n"


def write(path, *lines):
    path.write_text("".join(lines), encoding="utf-8")
    return path


def run(path):
    out = StringIO()
    call_command("import_papers", str(path), stdout=out, stderr=StringIO())
    return out.getvalue().strip().splitlines()


def topics_of(key):
    paper = Paper.objects.get(bibtex_key=key)
    return sorted(paper.topics.values_list("slug", flat=True))


def link_inserts(captured):
    return [q["sql"] for q in captured if q["sql"].startswith(f"INSERT INTO {LINK_TABLE}")] + [
        q["sql"] for q in captured if q["sql"].startswith(f"INSERT OR IGNORE INTO {LINK_TABLE}")
    ]


def link_reads(captured):
    return [q for q in captured if q["sql"].startswith(f'SELECT "{LINK_TABLE}"')]


def topic_reads(captured):
    return [q for q in captured if 'FROM "topics_topic"' in q["sql"] and "INSERT" not in q["sql"]]


def test_categories_become_topics_and_unknown_ones_are_counted(tmp_path):
    path = write(
        tmp_path / "arxiv.jsonl",
        arxiv_line("1706.03762", "Attention Is All You Need", "cs.CL cs.LG"),
        arxiv_line("1512.03385", "Deep Residual Learning", "cs.CV cs.CV math.AG"),
        arxiv_line("0704.0001", "Diphoton production", "hep-ph", authors="C. Balazs"),
        arxiv_line("0704.0002", "Sparsity-certifying graph decompositions", "math.CO cs.CG"),
        arxiv_line("0704.0003", "No categories", ""),
    )
    *listed, tally = run(path)
    assert topics_of("journals/corr/1706.03762") == ["cs.CL", "cs.LG"]
    assert topics_of("journals/corr/1512.03385") == ["cs.CV"]  # once, though listed twice
    assert topics_of("journals/corr/0704.0001") == []
    assert topics_of("journals/corr/0704.0003") == []
    assert tally == (
        "5 created, 0 updated, 0 unchanged, 0 rejected, 3 topics given to papers from their "
        "arXiv categories, 4 arXiv categories skipped (no such topic)"
    )
    assert listed[-1] == (
        "arXiv categories with no topic here (records listing them): "
        "math.AG (1), hep-ph (1), math.CO (1), cs.CG (1)"
    )
    tally = Importer().run(read_file(path))
    unknown = {"math.AG": 1, "hep-ph": 1, "math.CO": 1, "cs.CG": 1}
    assert tally.categories_unknown == Counter(unknown)


def test_second_run_adds_nothing(tmp_path):
    path = write(
        tmp_path / "arxiv.jsonl",
        arxiv_line("1706.03762", "Attention Is All You Need", "cs.CL cs.LG"),
        arxiv_line("1512.03385", "Deep Residual Learning", "cs.CV"),
    )
    assert Importer().run(read_file(path)).topics_attached == 3
    links = sorted(PaperTopic.objects.values_list("paper_id", "topic_id"))
    second = Importer().run(read_file(path))
    assert (second.unchanged, second.topics_attached) == (2, 0)
    assert sorted(PaperTopic.objects.values_list("paper_id", "topic_id")) == links
    assert run(path)[-1] == "0 created, 0 updated, 2 unchanged, 0 rejected"


def test_a_paper_here_gains_only_the_topics_it_lacks_and_its_cards_show_them(tmp_path, client):
    paper = Paper.objects.create(
        bibtex_key="Vaswani2017", title="Attention Is All You Need", arxiv_id="1706.03762"
    )
    paper.topics.add(Topic.objects.get(slug="cs.CL"))
    PaperAlias.objects.create(paper=paper, key="journals/corr/Vaswani17")
    make_summary(paper=paper)
    assert "/topic/cs.LG/" not in client.get("/").content.decode()  # the card, cached
    path = write(
        tmp_path / "arxiv.jsonl",
        # Under a new key with the paper's arXiv id: its key becomes an alias of it.
        arxiv_line("1706.03762", "Attention Is All You Need", "cs.CL cs.LG"),
    )
    tally = Importer().run(read_file(path))
    assert (tally.created, tally.merged, tally.topics_attached) == (0, 1, 1)
    assert topics_of("Vaswani2017") == ["cs.CL", "cs.LG"]
    assert "/topic/cs.LG/" in client.get("/").content.decode()


def test_a_record_merged_into_a_new_paper_of_the_batch_gives_it_its_topics(tmp_path):
    path = write(
        tmp_path / "arxiv.jsonl",
        arxiv_line("1706.03762", "Attention Is All You Need", "cs.CL", doi="10.1000/att"),
    )
    bib = tmp_path / "papers.bib"
    bib.write_text("@misc{Vaswani2017, title={Attention Is All You Need}, doi={10.1000/att}}\n")
    # One batch: the BibTeX entry is the new paper, the arXiv record names it by DOI.
    tally = Importer().run([*read_file(bib), *read_file(path)])
    assert (tally.created, tally.merged, tally.topics_attached) == (1, 1, 1)
    assert topics_of("Vaswani2017") == ["cs.CL"]


def test_a_probable_duplicate_gives_no_topics(tmp_path):
    Paper.objects.create(
        bibtex_key="conf/nips/Vaswani17",
        title="Attention Is All You Need",
        authors="Ashish Vaswani",
        year=2017,
    )
    path = write(
        tmp_path / "arxiv.jsonl",
        arxiv_line("1706.03762", "Attention is all you need", "cs.CL", authors="Ashish Vaswani"),
    )
    tally = Importer().run(read_file(path))
    assert (tally.created, tally.similar_count, tally.topics_attached) == (0, 1, 0)
    assert not PaperTopic.objects.exists()


def test_one_statement_a_batch_whatever_its_size(tmp_path):
    """The links of a batch are written with one statement, and the topics are read once
    a run: the queries of an import are the same in number for 3 records a batch as for
    60, each with known and unknown categories. (With COPY, which the queries captured
    do not show, see the next test.)"""

    def queries(count):
        Paper.objects.all().delete()
        path = write(
            tmp_path / f"{count}.jsonl",
            *(
                arxiv_line(f"2101.{i:05d}", f"Paper number {i}", "cs.LG stat.ML hep-th")
                for i in range(2 * count)
            ),
        )
        with CaptureQueriesContext(connection) as captured:
            tally = Importer(batch_size=count, copy=False).run(read_file(path))
        assert (tally.created, tally.topics_attached) == (2 * count, 4 * count)
        assert tally.categories_unknown == {"hep-th": 2 * count}
        assert len(link_inserts(captured)) == 2  # one a batch
        assert len(topic_reads(captured)) == 1  # one a run
        assert not link_reads(captured)  # new papers have no links yet
        first = len(captured)
        with CaptureQueriesContext(connection) as captured:
            tally = Importer(batch_size=count, copy=False).run(read_file(path))
        assert (tally.unchanged, tally.topics_attached) == (2 * count, 0)
        # The links of the papers here are read, one query a batch; none is missing.
        assert (len(link_reads(captured)), link_inserts(captured)) == (2, [])
        return first, len(captured)

    assert queries(3) == queries(60)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_writes_the_links_an_insert_writes(tmp_path):
    # The new papers' links go with COPY; a paper here gets its missing ones inserted.
    Paper.objects.create(bibtex_key="Here", title="A paper here", arxiv_id="1512.03385")
    path = write(
        tmp_path / "arxiv.jsonl",
        *(arxiv_line(f"2101.{i:05d}", f"Paper number {i}", "cs.LG stat.ML") for i in range(5)),
        arxiv_line("1512.03385", "A paper here", "cs.CV hep-th"),
    )

    def import_and_read(copy):
        Paper.objects.exclude(bibtex_key="Here").delete()
        PaperAlias.objects.all().delete()
        PaperTopic.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            tally = Importer(copy=copy).run(read_file(path))
        assert (tally.created, tally.merged, tally.topics_attached) == (5, 1, 11)
        # The insert: every link with it, or only the paper here's.
        (insert,) = link_inserts(captured)
        links = PaperTopic.objects.values_list("paper__bibtex_key", "topic__slug")
        return sorted(links)

    links = import_and_read(copy=True)
    assert links == import_and_read(copy=False)
    assert ("Here", "cs.CV") in links and len(links) == 11


def test_formats_without_categories_never_read_the_topics(tmp_path):
    path = tmp_path / "papers.bib"
    path.write_text("@misc{A1, title={One}}\n@misc{A2, title={Two}}\n")
    with CaptureQueriesContext(connection) as captured:
        tally = Importer().run(read_file(path))
    assert tally.created == 2
    assert not topic_reads(captured) and not link_inserts(captured)


def test_a_batch_written_again_paper_by_paper_gets_its_topics_counted_once(tmp_path):
    # A search document already under the id the next paper gets makes the batch's
    # insert of documents fail: the batch is written again one paper at a time.
    other = Paper.objects.create(bibtex_key="Other", title="Other")
    Document.objects.filter(object_id=other.pk + 1).delete()
    Document.objects.create(kind=Document.Kind.PAPER, object_id=other.pk + 1, paper=other)
    path = write(
        tmp_path / "arxiv.jsonl",
        arxiv_line("1706.03762", "Attention Is All You Need", "cs.CL cs.LG hep-th"),
        arxiv_line("1512.03385", "Deep Residual Learning", "cs.CV"),
    )
    tally = Importer().run(read_file(path))
    assert (tally.created, tally.topics_attached) == (2, 3)
    assert tally.categories_unknown == {"hep-th": 1}
    assert topics_of("journals/corr/1706.03762") == ["cs.CL", "cs.LG"]
    assert topics_of("journals/corr/1512.03385") == ["cs.CV"]
