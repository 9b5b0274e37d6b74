"""Reading a pasted BibTeX entry."""

import pytest

from papers.sources import SourceError, bibtex

DBLP_ENTRY = r"""
@inproceedings{DBLP:conf/cvpr/HuangLMW17,
  author    = {Gao Huang and
               Zhuang Liu and
               Laurens van der Maaten and
               Kilian Q. Weinberger},
  title     = {Densely Connected Convolutional Networks},
  booktitle = {2017 {IEEE} Conference on Computer Vision and Pattern Recognition,
               {CVPR} 2017, Honolulu, HI, USA, July 21-26, 2017},
  pages     = {2261--2269},
  publisher = {{IEEE} Computer Society},
  year      = {2017},
  url       = {https://doi.org/10.1109/CVPR.2017.243},
  doi       = {10.1109/CVPR.2017.243},
  timestamp = {Fri, 24 Mar 2023 00:02:54 +0100},
  biburl    = {https://dblp.org/rec/conf/cvpr/HuangLMW17.bib},
  bibsource = {dblp computer science bibliography, https://dblp.org}
}
"""


def test_reads_a_dblp_entry():
    paper = bibtex.parse(DBLP_ENTRY)
    assert paper.key == "conf/cvpr/HuangLMW17"  # DBLP's "DBLP:" prefix dropped
    assert paper.title == "Densely Connected Convolutional Networks"
    assert paper.authors == [
        "Gao Huang",
        "Zhuang Liu",
        "Laurens van der Maaten",
        "Kilian Q. Weinberger",
    ]
    assert paper.venue.startswith("2017 IEEE Conference on Computer Vision")
    assert (paper.year, paper.doi) == (2017, "10.1109/CVPR.2017.243")
    assert paper.url == "https://doi.org/10.1109/CVPR.2017.243"


def test_last_first_names_latex_accents_and_an_arxiv_eprint():
    paper = bibtex.parse(
        r"""@misc{schroder2019sparse,
          title={Learning {S}parse Codes \& More},
          author={Schr{\"o}der, Ren{\'e} and de la Cruz, Ana and King, Jr., Martin},
          year={2019},
          eprint={1901.00001v2},
          archivePrefix={arXiv},
          abstract={We show $\mathcal{O}(n^2)$ bounds.}
        }"""
    )
    assert paper.key == "schroder2019sparse"
    assert paper.title == "Learning Sparse Codes & More"
    assert paper.authors == ["René Schröder", "Ana de la Cruz", "Martin King Jr."]
    assert paper.arxiv_id == "1901.00001"
    assert paper.abstract == r"We show $\mathcal{O}(n^2)$ bounds."


@pytest.mark.parametrize(
    "venue_fields",
    [
        "journal={CoRR}, volume={abs/1608.06993}",
        "journal={arXiv preprint arXiv:1608.06993}",
    ],
)
def test_arxiv_papers_as_dblp_and_google_scholar_write_them(venue_fields):
    paper = bibtex.parse(f"@article{{k, title={{T}}, author={{A B}}, {venue_fields}}}")
    assert paper.arxiv_id == "1608.06993"


def test_first_of_several_entries_and_a_key_that_cannot_be_a_key():
    paper = bibtex.parse("@article{has space, title={One}}\n@article{b, title={Two}}")
    assert paper.title == "One"
    assert paper.key == ""


@pytest.mark.parametrize("text", ["@article{x, title={unclosed}", "just words", "@comment{x}"])
def test_text_without_a_readable_entry_is_refused(text):
    with pytest.raises(SourceError, match="No BibTeX entry"):
        bibtex.parse(text)


def test_an_entry_without_title_is_refused():
    with pytest.raises(SourceError, match="no title"):
        bibtex.parse("@article{x, author={A B}}")
