"""The Crossref client, against recorded answers of Crossref's REST API."""

import json

import pytest

from papers.sources import NotFound, SourceError, crossref


def test_reads_a_journal_article_with_its_abstract(recorded_sources):
    paper = crossref.fetch("10.1038/nature14539")
    assert paper.title == "Deep learning"
    assert paper.authors == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]
    assert (paper.venue, paper.year, paper.doi) == ("Nature", 2015, "10.1038/nature14539")
    assert paper.url == "https://doi.org/10.1038/nature14539"
    # JATS: the "Abstract" heading dropped, one paragraph per <jats:p>, entities decoded.
    first, second = paper.abstract.split("\n\n")
    assert first.startswith("Deep learning allows computational models")
    assert "internal parameters & compute" in second
    assert "jats" not in paper.abstract and "Abstract" not in paper.abstract


def test_reads_a_proceedings_article_dated_by_month(recorded_sources):
    paper = crossref.fetch("10.1109/CVPR.2017.243")
    assert paper.title == "Densely Connected Convolutional Networks"
    assert paper.authors[2] == "Laurens van der Maaten"
    assert paper.venue == "2017 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert paper.year == 2017
    assert paper.doi == "10.1109/CVPR.2017.243"
    assert paper.abstract == ""
    assert recorded_sources.requests == ["/crossref/works/10.1109/CVPR.2017.243"]


def test_an_unknown_doi_is_not_found(recorded_sources):
    with pytest.raises(NotFound, match="Crossref does not know the DOI 10.9999/nothing"):
        crossref.fetch("10.9999/nothing")


def test_doi_with_reserved_characters_is_sent_encoded(recorded_sources):
    with pytest.raises(NotFound):
        crossref.fetch("10.1002/(SICI)1097-4636(199706)35:4<423::AID-JBM3>3.0.CO;2-Q")
    assert "%3C423" in recorded_sources.requests[0]


def _work(**message):
    return json.dumps({"status": "ok", "message-type": "work", "message": message}).encode()


def test_organisations_and_missing_dates():
    paper = crossref.parse(
        _work(title=["A report"], author=[{"name": "The ATLAS Collaboration"}], DOI="10.1/x"),
        "10.1/x",
    )
    assert paper.authors == ["The ATLAS Collaboration"]
    assert paper.year is None and paper.venue == ""


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        json.dumps({"status": "failed", "message": []}).encode(),
        json.dumps(["a list"]).encode(),
    ],
)
def test_unreadable_answers_are_errors(body):
    with pytest.raises(SourceError, match="could not be read"):
        crossref.parse(body, "10.1/x")


def test_a_work_without_title_is_an_error():
    with pytest.raises(SourceError, match="no title"):
        crossref.parse(_work(title=[], DOI="10.1/x"), "10.1/x")
