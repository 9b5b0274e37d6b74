"""arXiv ids, DOIs and keys: their spellings, and what pasted text is taken for."""

import pytest

from papers import identifiers
from papers.keys import first_free_key, make_key
from papers.sources import ARXIV, BIBTEX, DBLP, DOI, Identifier, identify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1608.06993", "1608.06993"),
        ("1608.06993v2", "1608.06993"),
        ("arXiv:1608.06993", "1608.06993"),
        ("ARXIV: 1608.06993v12", "1608.06993"),
        ("0704.0001", "0704.0001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("1608.069931", ""),
        ("16080.6993", ""),
        ("conf/nips/RenHGS15", ""),
        ("", ""),
    ],
)
def test_normalize_arxiv_id(text, expected):
    assert identifiers.normalize_arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1109/CVPR.2017.243", "10.1109/CVPR.2017.243"),
        ("doi:10.1109/CVPR.2017.243", "10.1109/CVPR.2017.243"),
        ("DOI: 10.1109/CVPR.2017.243", "10.1109/CVPR.2017.243"),
        ("https://doi.org/10.1109/CVPR.2017.243", "10.1109/CVPR.2017.243"),
        ("http://dx.doi.org/10.1038/nature14539", "10.1038/nature14539"),
        (
            "https://doi.org/10.1002/(SICI)1097-4636(199706)35:4%3C423::AID-JBM3%3E3.0.CO;2-Q",
            "10.1002/(SICI)1097-4636(199706)35:4<423::AID-JBM3>3.0.CO;2-Q",
        ),
        ("10.1002/(SICI)1097-4636(199706)35:4<423::AID-JBM3>3.0.CO;2-Q", None),
        ("10.123/abc", ""),
        ("11.1109/x", ""),
        ("10.1109/", ""),
    ],
)
def test_normalize_doi(text, expected):
    assert identifiers.normalize_doi(text) == (text if expected is None else expected)


def test_arxiv_ids_hidden_in_keys_and_dois():
    assert identifiers.arxiv_id_from_key("journals/corr/1608.06993") == "1608.06993"
    assert identifiers.arxiv_id_from_key("JOURNALS/CORR/1608.06993v2") == "1608.06993"
    assert identifiers.arxiv_id_from_key("journals/corr/abs-1608-06993") == "1608.06993"
    assert identifiers.arxiv_id_from_key("journals/corr/HuangLW16a") == ""
    assert identifiers.arxiv_id_from_doi("10.48550/arXiv.1608.06993") == "1608.06993"
    assert identifiers.arxiv_id_from_doi("10.1109/CVPR.2017.243") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1608.06993", Identifier(ARXIV, "1608.06993")),
        ("  arXiv:1608.06993v2 \n", Identifier(ARXIV, "1608.06993")),
        ("https://arxiv.org/abs/1608.06993v5", Identifier(ARXIV, "1608.06993")),
        ("http://arxiv.org/pdf/1608.06993v1.pdf", Identifier(ARXIV, "1608.06993")),
        ("https://export.arxiv.org/abs/hep-th/9901001", Identifier(ARXIV, "hep-th/9901001")),
        ("arxiv.org/abs/1608.06993", Identifier(ARXIV, "1608.06993")),
        ("journals/corr/1608.06993", Identifier(ARXIV, "1608.06993")),
        ("DBLP:journals/corr/abs-1608-06993", Identifier(ARXIV, "1608.06993")),
        ("10.48550/arXiv.1608.06993", Identifier(ARXIV, "1608.06993")),
        ("10.1109/CVPR.2017.243", Identifier(DOI, "10.1109/CVPR.2017.243")),
        ("doi:10.1038/nature14539", Identifier(DOI, "10.1038/nature14539")),
        ("https://doi.org/10.1038/nature14539", Identifier(DOI, "10.1038/nature14539")),
        ("conf/cvpr/HuangLMW17", Identifier(DBLP, "conf/cvpr/HuangLMW17")),
        ("DBLP:conf/cvpr/HuangLMW17", Identifier(DBLP, "conf/cvpr/HuangLMW17")),
        ("https://dblp.org/rec/conf/cvpr/HuangLMW17", Identifier(DBLP, "conf/cvpr/HuangLMW17")),
        (
            "https://dblp.org/rec/conf/cvpr/HuangLMW17.html?view=bibtex",
            Identifier(DBLP, "conf/cvpr/HuangLMW17"),
        ),
        (
            "https://dblp.uni-trier.de/rec/bibtex/conf/cvpr/HuangLMW17",
            Identifier(DBLP, "conf/cvpr/HuangLMW17"),
        ),
        ("@article{x, title={T}}", Identifier(BIBTEX, "@article{x, title={T}}")),
        ("", None),
        ("Densely connected networks", None),
        ("HuangLMW17", None),
        ("https://example.org/paper.pdf", None),
        ("https://arxiv.org/list/cs.LG/recent", None),
    ],
)
def test_identify(text, expected):
    assert identify(text) == expected


def test_make_key_from_first_author_year_and_first_word():
    assert make_key(authors=["Gao Huang"], year=2017, title="Densely Connected") == (
        "Huang2017Densely"
    )
    assert make_key(authors=["René Schröder"], year=None, title="The Art of it") == ("SchroderArt")
    assert make_key(authors=[], year=None, title="") == "Paper"


def test_first_free_key_adds_a_letter():
    assert first_free_key("Huang2017Densely", set()) == "Huang2017Densely"
    taken = {"huang2017densely", "huang2017denselya"}
    assert first_free_key("Huang2017Densely", taken) == "Huang2017Denselyb"
