"""The DBLP client, against recorded DBLP record XML."""

import pytest

from papers.sources import NotFound, SourceError, dblp


def test_reads_a_conference_paper(recorded_sources):
    paper = dblp.fetch("conf/cvpr/HuangLMW17")
    assert paper.key == "conf/cvpr/HuangLMW17"
    # DBLP's homonym numbers and the title's full stop are dropped.
    assert paper.title == "Densely Connected Convolutional Networks"
    assert paper.authors == [
        "Gao Huang",
        "Zhuang Liu",
        "Laurens van der Maaten",
        "Kilian Q. Weinberger",
    ]
    assert (paper.venue, paper.year) == ("CVPR", 2017)
    assert paper.doi == "10.1109/CVPR.2017.243"
    assert paper.url == "https://doi.org/10.1109/CVPR.2017.243"
    assert paper.arxiv_id == ""
    assert recorded_sources.requests == ["/dblp/rec/conf/cvpr/HuangLMW17.xml"]


def test_reads_a_corr_record_as_an_arxiv_paper(recorded_sources):
    paper = dblp.fetch("journals/corr/HuangLW16a")
    assert paper.arxiv_id == "1608.06993"
    assert (paper.venue, paper.year, paper.doi) == ("CoRR", 2016, "")


def test_character_references_and_markup_in_titles(recorded_sources):
    paper = dblp.fetch("journals/pami/GoncalvesS19")
    assert paper.authors == ["João Gonçalves", "René Schröder"]
    assert paper.title == "Learning Sparse Codes for Images"
    assert paper.venue == "IEEE Trans. Pattern Anal. Mach. Intell."


def test_named_html_entities_are_read():
    body = (
        b"<dblp><article key='a/b/C'><author>J&uuml;rgen Schmidhuber</author>"
        b"<title>Deep learning.</title><year>2015</year></article></dblp>"
    )
    assert dblp.parse(body, "a/b/C").authors == ["Jürgen Schmidhuber"]


def test_an_unknown_key_is_not_found(recorded_sources):
    with pytest.raises(NotFound, match="DBLP does not know the key conf/nips/Nobody99"):
        dblp.fetch("conf/nips/Nobody99")


def test_an_empty_record_list_is_not_found():
    with pytest.raises(NotFound):
        dblp.parse(b"<dblp></dblp>", "a/b/C")


def test_broken_xml_is_an_error():
    with pytest.raises(SourceError, match="could not be read"):
        dblp.parse(b"<dblp><article key='a'>", "a/b/C")
