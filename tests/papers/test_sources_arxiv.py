"""The arXiv client, against recorded answers of arXiv's API."""

import pytest

from papers.sources import NotFound, SourceError, arxiv


def test_reads_an_entry(recorded_sources):
    paper = arxiv.fetch("1608.06993")
    assert paper.title == "Densely Connected Convolutional Networks"
    assert paper.authors == [
        "Gao Huang",
        "Zhuang Liu",
        "Laurens van der Maaten",
        "Kilian Q. Weinberger",
    ]
    assert (paper.year, paper.venue, paper.arxiv_id, paper.doi) == (
        2016,
        "arXiv",
        "1608.06993",
        "",
    )
    assert paper.url == "https://arxiv.org/abs/1608.06993"
    # The hard-wrapped summary becomes one paragraph.
    assert paper.abstract.startswith("Recent work has shown that convolutional networks can")
    assert "\n" not in paper.abstract
    assert paper.abstract.endswith("https://github.com/liuzhuang13/DenseNet .")
    assert recorded_sources.requests == ["/arxiv/api/query?id_list=1608.06993&max_results=1"]


def test_reads_an_old_style_id_with_its_doi(recorded_sources):
    paper = arxiv.fetch("cond-mat/0102536")
    assert paper.arxiv_id == "cond-mat/0102536"
    assert paper.doi == "10.1063/1.1383585"
    assert paper.year == 2001
    assert paper.authors[0] == "David Prendergast"
    assert len(paper.authors) == 5


def test_an_id_arxiv_lacks_is_not_found(recorded_sources):
    with pytest.raises(NotFound, match=r"arXiv does not know arXiv:1701\.99999"):
        arxiv.fetch("1701.99999")


def test_an_error_entry_is_not_found(recorded_sources):
    # The API's answer to an id it cannot parse: HTTP 400 and an entry titled "Error".
    with pytest.raises(NotFound):
        arxiv.fetch("not-an-id")


def test_an_error_entry_in_a_successful_answer_is_not_found():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b"<id>http://arxiv.org/api/errors#incorrect_id_format_for_x</id><title>Error</title>"
        b"<summary>incorrect id format for x</summary></entry></feed>"
    )
    with pytest.raises(NotFound):
        arxiv.parse(body, "x")


def test_xml_that_is_not_a_feed_is_an_error():
    with pytest.raises(SourceError, match="could not be read"):
        arxiv.parse(b"<html><body>Hello</body></html>", "1608.06993")
