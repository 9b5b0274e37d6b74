"""Checking a reading list (/papers/coverage/): a pasted or uploaded .bib file or list
of names, each entry answered in order with its paper and public summaries; limits with
messages that name them and keep the text; a fixed number of queries for any length."""

import csv
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from papers import coverage, reading_lists
from papers.coverage import Coverage
from papers.merging import merge_papers
from papers.models import PaperAlias
from papers.sources.bibtex import parse_library
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

URL = reverse("papers:coverage")


@pytest.fixture
def densenet():
    return make_paper(
        "conf/cvpr/HuangLMW17",
        title="Densely Connected Convolutional Networks",
        arxiv_id="1608.06993",
        doi="10.1109/CVPR.2017.243",
    )


@pytest.fixture
def transformer():
    return make_paper(
        "conf/nips/VaswaniSPUJGKP17", title="Attention Is All You Need", arxiv_id="1706.03762"
    )


def check(client, text="", status=200, **data):
    response = client.post(URL, {"text": text, **data})
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def rows(html):
    """Each entry's row: (status, its HTML), in order."""
    return re.findall(
        r'<li class="coverage-row coverage-(\w+)" id="entry-\d+">(.*?)</li>', html, re.S
    )


def statuses(html):
    return [status for status, _ in rows(html)]


def headline(html):
    return unescape(re.search(r'id="coverage-headline"[^>]*>([^<]*)<', html).group(1))


def textarea(html):
    """The text in the box (Django writes a newline after <textarea>, which browsers drop)."""
    text = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    return unescape(text.removeprefix("\n"))


def form_error(html):
    errors = re.findall(r'class="invalid-feedback">\s*<p[^>]*><strong>(.*?)</strong>', html, re.S)
    return " ".join(unescape(error) for error in errors)


def add_link(row):
    """What the row's "add it" link gives the add page, or None for a plain link."""
    href = unescape(re.search(r'<a href="([^"]*)" class="coverage-add"', row).group(1))
    assert href.startswith(reverse("papers:add"))
    return parse_qs(urlsplit(href).query).get("text", [None])[0]


# The page -----------------------------------------------------------------------------


def test_the_page_offers_the_form_to_anyone(client):
    html = client.get(URL).content.decode()

    assert "<title>Check a reading list · ShortScience</title>" in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert '<textarea name="text"' in html and 'type="file" name="file"' in html
    assert "coverage-results" not in html
    assert "At most 500 entries" in html


@pytest.mark.parametrize(
    "page", [reverse("summaries:home"), reverse("search:results"), reverse("papers:add")]
)
def test_the_page_is_linked_from_the_footer_search_and_add_pages(client, page):
    client.force_login(make_user())
    html = client.get(page).content.decode()
    assert html.count(f'href="{URL}"') >= (2 if page != reverse("summaries:home") else 1)


def test_posts_need_the_csrf_token(densenet):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, {"text": "1608.06993"}).status_code == 403


# Lists of names -----------------------------------------------------------------------


def test_a_list_in_mixed_spellings_is_answered_in_order(client, densenet, transformer):
    PaperAlias.objects.create(paper=transformer, key="journals/corr/VaswaniSPUJGKP17")
    make_summary(paper=densenet, author=make_user("ada"))
    text = "\n".join(
        [
            "https://arxiv.org/abs/1706.03762v5",  # the transformer, no summary
            "",  # blank lines and comments are not entries
            "# from my notes",
            "doi:10.1109/cvpr.2017.243",  # DenseNet, by DOI in another case
            "arXiv:1608.06993v2",  # DenseNet again
            "journals/corr/VaswaniSPUJGKP17",  # the transformer's alias
            "https://doi.org/10.1145/3065386",  # not here
            "1512.03385  Deep residual learning",  # an id and a comment: not here
            "a title, not a name",
        ]
    )
    html = check(client, text)

    assert statuses(html) == [
        "unsummarised",
        "covered",
        "repeated",
        "repeated",
        "missing",
        "missing",
        "unreadable",
    ]
    found = rows(html)
    assert 'href="/paper/conf/nips/VaswaniSPUJGKP17/"' in found[0][1]
    assert 'href="/summaries/write/conf/nips/VaswaniSPUJGKP17/"' in found[0][1]
    assert "read as arXiv:1706.03762" in found[0][1]
    assert 'href="/paper/conf/cvpr/HuangLMW17/"' in found[1][1] and "by ada" in found[1][1]
    assert 'href="#entry-2"' in found[2][1] and 'href="#entry-1"' in found[3][1]
    assert add_link(found[4][1]) == "https://doi.org/10.1145/3065386"
    assert add_link(found[5][1]) == "1512.03385"
    assert "Line 9: not an arXiv id, a DOI" in unescape(found[6][1])
    # Entries are numbered as listed, counting neither blank lines nor comments.
    assert re.findall(r'id="entry-(\d+)"', html) == [str(n) for n in range(1, 8)]
    assert headline(html) == "1 of 4 papers has a summary."
    assert (
        "3 without a summary: 2 not on the site yet and 1 here with no summary yet. "
        "1 entry could not be read. 2 entries repeat earlier ones." in html
    )
    assert textarea(html).strip() == text.strip()


def test_a_link_to_a_paper_page_of_the_site_names_it(client, densenet):
    html = check(client, f"http://testserver{densenet.get_absolute_url()}\n/paper/1608.06993/")

    assert statuses(html) == ["unsummarised", "repeated"]


def test_any_key_is_looked_up_and_an_unknown_one_offered_to_the_add_page(client):
    make_paper("Goodfellow-GAN", title="Generative Adversarial Nets")
    html = check(client, "Goodfellow-GAN\nconf/icml/Unknown99\nsmith-notes")

    assert statuses(html) == ["unsummarised", "missing", "missing"]
    missing = rows(html)[1:]
    # A DBLP key is what the add page can look up; a key of one's own is not.
    assert add_link(missing[0][1]) == "conf/icml/Unknown99"
    assert add_link(missing[1][1]) is None


def test_a_merged_papers_old_key_answers_with_the_paper_it_was_merged_into(client):
    kept, merged = make_paper("conf/icml/Kept19"), make_paper("journals/corr/Dup19")
    make_summary(paper=merged, author=make_user("ada"))
    merge_papers(kept, merged, by=make_user("moderator", is_staff=True))
    html = check(client, "journals/corr/Dup19\nconf/icml/Kept19")

    assert statuses(html) == ["covered", "repeated"]
    assert f'href="{kept.get_absolute_url()}"' in rows(html)[0][1]


def test_the_filter_link_points_at_the_rows_without_a_summary(client, densenet, transformer):
    make_summary(paper=densenet)
    html = check(client, "1608.06993\n1706.03762\n10.1/unknown.doi")

    assert "Show only those without a summary (2)" in html
    assert 'href="#without-summary"' in html and 'id="without-summary"' in html
    # The rows the filter keeps are marked so (site.css hides the others).
    assert statuses(html) == ["covered", "unsummarised", "missing"]


# BibTeX -------------------------------------------------------------------------------

BIB = r"""% exported by a reference manager
@inproceedings{he2016deep,
  title     = {Deep Residual Learning for Image Recognition},
  author    = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  booktitle = {CVPR},
  year      = {2016},
  abstract  = {A long abstract with $\mathcal{O}(n)$ and {nested {braces}}.}
}

@article{huang2016densely,
  title   = {Densely Connected Convolutional Networks},
  journal = {arXiv preprint arXiv:1608.06993},
  year    = {2016}
}

@inproceedings{DBLP:conf/nips/VaswaniSPUJGKP17,
  title = {Attention is All you Need},
  booktitle = {NIPS},
  year = {2017}
}

@misc{kingma2014adam,
  title  = {Adam: A Method for Stochastic Optimization},
  eprint = {1412.6980},
  archivePrefix = {arXiv}
}

@article{lecun98,
  title = {Gradient-Based Learning Applied to Document Recognition},
  doi   = {https://doi.org/10.1109/5.726791}
}

@article{huang2016densely,
  title = {The same key again}
}
"""


def test_a_pasted_bib_file_is_read_entry_by_entry(client, densenet, transformer):
    make_summary(paper=transformer, author=make_user("ada"))
    make_summary(paper=transformer, is_anonymous=True)
    html = check(client, BIB)

    assert statuses(html) == [
        "missing",
        "unsummarised",
        "covered",
        "missing",
        "missing",
        "repeated",
    ]
    found = rows(html)
    assert "@inproceedings{he2016deep" in found[0][1]
    assert "Deep Residual Learning for Image Recognition" in found[0][1]
    # No id: the add page gets the entry itself, which it can read.
    assert add_link(found[0][1]).startswith("@inproceedings{he2016deep,\n  title")
    assert "read as arXiv:1608.06993" in found[1][1]
    assert "2 summaries" in found[2][1] and "by ada" in found[2][1] and "anonymous" in found[2][1]
    assert add_link(found[3][1]) == "1412.6980"
    assert add_link(found[4][1]) == "10.1109/5.726791"
    assert "The same key as" in found[5][1] and 'href="#entry-2"' in found[5][1]
    assert headline(html) == "1 of 5 papers has a summary."


def test_ids_outside_the_entries_count_and_other_text_is_a_comment(client, densenet):
    text = (
        "Automatically generated by Mendeley Desktop\n"
        "Any changes to this file will be lost.\n\n"
        "@misc{kingma2014adam, title = {Adam}, eprint = {1412.6980}}\n"
        "https://arxiv.org/abs/1608.06993\n"
        "% a note\n"
    )
    html = check(client, text)

    assert statuses(html) == ["missing", "unsummarised"]
    assert re.findall(r'class="coverage-given">([^<]*)<', html) == [
        "@misc{kingma2014adam",
        "https://arxiv.org/abs/1608.06993",
    ]


def test_an_uploaded_bib_file_is_checked_and_its_text_put_in_the_box(client, densenet):
    upload = SimpleUploadedFile("library.bib", BIB.encode(), content_type="application/x-bibtex")
    html = check(client, "text in the box is replaced", file=upload)

    assert statuses(html)[1] == "unsummarised"
    assert len(statuses(html)) == 6
    assert textarea(html).strip() == BIB.strip()


def test_a_latin_1_file_is_read(client):
    upload = SimpleUploadedFile("old.bib", "@article{a1, title={Gödel}}\n".encode("latin-1"))
    html = check(client, file=upload)

    assert "Gödel" in rows(html)[0][1]


def test_only_the_fields_that_name_a_paper_are_decoded():
    library = parse_library(BIB, keep=reading_lists._FieldsToRead())
    fields = set().union(*(entry.fields_dict for entry in library.entries))

    assert "abstract" not in fields and "author" not in fields and "booktitle" not in fields
    assert {"title", "journal", "eprint", "doi"} <= fields
    # Without the arguments, everything is read as before.
    assert "abstract" in parse_library(BIB).entries[0].fields_dict


# Privacy ------------------------------------------------------------------------------


def test_private_and_hidden_summaries_are_never_counted_nor_shown(client, densenet):
    owner = make_user("secretive")
    private = make_summary(paper=densenet, author=owner, is_private=True)
    hidden = make_summary(paper=densenet, author=make_user("hidden_author"), is_hidden=True)
    client.force_login(owner)  # even to their author
    html = check(client, "1608.06993")

    assert statuses(html) == ["unsummarised"]
    assert "secretive" not in html.split('id="main"')[1].replace("/user/secretive/", "")
    assert "hidden_author" not in html
    for summary in (private, hidden):
        assert f"/summaries/{summary.pk}/" not in html
    assert headline(html) == "The paper has no summary yet."


def test_anonymous_summaries_never_name_their_author(client, densenet):
    make_summary(paper=densenet, author=make_user("incognito"), is_anonymous=True)
    html = check(client, "1608.06993")
    response = client.post(URL, {"text": "1608.06993", "format": "csv"})

    assert "anonymous" in rows(html)[0][1]
    assert "incognito" not in html and "incognito" not in response.content.decode()


def test_a_paper_shows_its_first_summaries_and_how_many_more(client, densenet):
    for n in range(5):
        make_summary(paper=densenet, author=make_user(f"writer{n}"))
    make_summary(paper=densenet, is_private=True)
    html = check(client, "1608.06993")

    row = rows(html)[0][1]
    assert "5 summaries" in row
    assert len(re.findall(r'class="coverage-summary"', row)) == coverage.SUMMARIES_SHOWN
    assert "2 more" in row


# Limits -------------------------------------------------------------------------------


def test_more_entries_than_the_limit_are_refused_with_the_text_kept(client):
    text = "\n".join(f"key{n}" for n in range(reading_lists.MAX_ENTRIES + 1))
    html = check(client, text, status=400)

    assert "That list has 501 entries; the limit is 500." in form_error(html)
    assert textarea(html) == text
    assert "coverage-results" not in html


def test_the_limit_counts_the_entries_of_a_bib_file(client):
    text = "".join(f"@misc{{k{n}, title={{T}}}}\n" for n in range(reading_lists.MAX_ENTRIES + 1))
    html = check(client, text, status=400)

    assert "That list has 501 entries; the limit is 500." in form_error(html)


def test_exactly_the_limit_is_checked(client):
    html = check(client, "\n".join(f"key{n}" for n in range(reading_lists.MAX_ENTRIES)))

    assert len(statuses(html)) == reading_lists.MAX_ENTRIES


def test_a_text_over_1_mb_is_refused_and_kept(client):
    text = "1608.06993\n" + "x" * reading_lists.MAX_CHARS
    html = check(client, text, status=400)

    assert f"the limit is {reading_lists.MAX_CHARS:,} (1 MB)" in form_error(html)
    assert textarea(html) == text


def test_a_file_over_1_mb_is_refused_and_the_box_kept(client):
    upload = SimpleUploadedFile("big.bib", b"%" * (reading_lists.MAX_CHARS + 1))
    html = check(client, "1608.06993", status=400, file=upload)

    assert "That file is 1.0\xa0MB; the limit is 1 MB." in form_error(html)
    assert textarea(html) == "1608.06993"


def test_a_binary_file_is_refused(client):
    upload = SimpleUploadedFile("paper.pdf", b"%PDF-1.4\x00\x01\x02")
    html = check(client, status=400, file=upload)

    assert "That file is not text" in form_error(html)


def test_an_empty_post_asks_for_a_list(client):
    html = check(client, "  \n ", status=400)

    assert "Paste a list, or choose a file, to check." in unescape(html)


def test_a_very_long_line_is_said_to_be_no_name(client):
    html = check(client, "1608.06993" + "0" * 5000)

    assert statuses(html) == ["unreadable"]
    assert "too long to be a name (5,010 characters)" in unescape(html)


# Hostile BibTeX: refused or read within the limits, never a crash --------------------


def test_deeply_nested_braces_are_refused(client):
    text = "@article{a,\n title = {" + "{" * 10_000 + "x" + "}" * 10_000 + "}}"
    html = check(client, text, status=400)

    assert "Braces are nested more than 32 deep (line 2)" in form_error(html)
    assert textarea(html) == text


def test_a_flood_of_block_starts_is_refused_unread(client):
    html = check(client, "@a{" * 300_000, status=400)

    assert "That list has 300,000 entries; the limit is 500." in form_error(html)


@pytest.mark.parametrize(
    "text",
    [
        # A string a megabyte long, referenced by every entry: dropped, not decoded 500 times.
        "@string{t = {"
        + "x " * 200_000
        + "}}\n"
        + "".join(f"@misc{{k{n}, title = t}}\n" for n in range(reading_lists.MAX_ENTRIES)),
        # One title of nearly a megabyte.
        "@misc{k, title = {" + "\\'e" * 300_000 + "}}",
        # Unclosed entries and values.
        "@article{a, title = {" + "x{" * 20 + '\n@article{b, title = "' + "y" * 100_000,
        # Author lists of a collaboration, which are not read.
        "@article{c, author = {" + " and ".join(["A. Name"] * 50_000) + "}, doi = {10.1/x}}",
    ],
    ids=["string amplification", "long title", "unclosed", "huge author list"],
)
def test_hostile_bib_files_are_read_within_the_limits(client, text):
    html = check(client, text)

    assert rows(html), "no entry listed"
    for _, row in rows(html):
        title = re.search(r'class="coverage-title">(.*?)</div>', row, re.S)
        assert title is None or len(title.group(1)) <= 500


def test_titles_and_identifiers_past_what_one_check_decodes_are_refused(client):
    title = "A title of a hundred characters, " * 10  # 330
    text = "".join(
        f"@misc{{k{n}, title = {{{title}}}}}\n" for n in range(reading_lists.MAX_ENTRIES)
    )
    assert len(title) * reading_lists.MAX_ENTRIES > reading_lists.DECODED_MAX_LENGTH

    html = check(client, text, status=400)

    assert "come to more than 150,000 characters" in form_error(html)


# Queries ------------------------------------------------------------------------------


def mixed_list(papers, n):
    """n entries naming the papers by key, alias, arXiv id and DOI, and unknown ones."""
    lines = []
    for i in range(n):
        paper = papers[i % len(papers)]
        lines.append(
            [
                paper.bibtex_key,
                f"old/alias/{paper.pk}",
                f"arXiv:{paper.arxiv_id}v1",
                f"https://doi.org/{paper.doi}",
                f"10.9999/unknown.{i}",
            ][i % 5]
        )
    return "\n".join(lines)


def queries_for_list(client, text):
    client.post(URL, {"text": text})  # the session's first post settles what it keeps
    with CaptureQueriesContext(connection) as captured:
        response = client.post(URL, {"text": text})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_queries_do_not_grow_with_the_list(client, settings, logged_in):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "coverage": (100, 600)}
    papers = []
    for n in range(40):
        paper = make_paper(arxiv_id=f"2101.{n:05d}", doi=f"10.5555/paper.{n}")
        PaperAlias.objects.create(paper=paper, key=f"old/alias/{paper.pk}")
        for m in range(n % 3):
            make_summary(paper=paper, is_anonymous=bool(m))
        papers.append(paper)
    if logged_in:
        client.force_login(make_user())

    one = queries_for_list(client, mixed_list(papers, 1))
    many = queries_for_list(client, mixed_list(papers, 200))

    # Five entries already name papers in every way: by key, alias, arXiv id and DOI.
    assert many == queries_for_list(client, mixed_list(papers, 5))
    # Papers by all names, their aliases among them, the summaries: at most three (and
    # the session and its user when logged in).
    assert one <= many <= 3 + (2 if logged_in else 0)


def test_queries_for_a_list_of_one_and_of_two_hundred_are_equal(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "coverage": (100, 600)}
    papers = [make_paper(arxiv_id=f"2102.{n:05d}") for n in range(20)]
    for paper in papers:
        make_summary(paper=paper)
    one = "\n".join(f"{p.arxiv_id}" for p in papers[:1])
    many = "\n".join(f"{papers[n % 20].arxiv_id}v{n // 20 + 1}" for n in range(200))

    # The papers by all their names, then the summaries: no alias to tell apart.
    assert queries_for_list(client, one) == queries_for_list(client, many) == 2


# Rate limit, CSV, plurals -------------------------------------------------------------


def test_checks_past_the_limit_are_refused_with_the_list_kept(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "coverage": (1, 600)}
    check(client, "1608.06993")
    response = client.post(URL, {"text": "1608.06993\n1706.03762"})
    html = response.content.decode()

    assert response.status_code == 429 and response["Retry-After"] == "600"
    assert "try again in 10 minutes" in html
    assert textarea(html) == "1608.06993\n1706.03762"
    assert "coverage-results" not in html
    assert client.get(URL).status_code == 200  # reading the page is never counted
    upload = SimpleUploadedFile("library.bib", BIB.encode())
    html = check(client, status=429, file=upload)
    assert "try again in 10 minutes, choosing the file again." in html


def test_the_answer_downloads_as_csv(client, densenet):
    make_summary(paper=densenet, author=make_user("ada"))
    make_paper("conf/x/Formula", title='=HYPERLINK("http://evil")')
    response = client.post(URL, {"text": "1608.06993\nconf/x/Formula\nnope nope", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="reading-list.csv"' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:5] == ["entry", "line", "given", "title", "status"]
    assert table[1][4] == "has summaries" and table[1][7] == "1"
    assert table[1][5] == "http://testserver/paper/conf/cvpr/HuangLMW17/"
    assert table[2][6].startswith("'=HYPERLINK")  # a spreadsheet shows it as text
    assert table[3][4].startswith("could not be read")


@pytest.mark.parametrize(
    ("covered", "papers", "expected"),
    [
        (1, 1, "The paper has a summary."),
        (0, 1, "The paper has no summary yet."),
        (0, 30, "None of the 30 papers has a summary yet."),
        (1, 30, "1 of 30 papers has a summary."),
        (12, 30, "12 of 30 papers have summaries."),
        (2, 2, "All 2 papers have summaries."),
        (1200, 1500, "1,200 of 1,500 papers have summaries."),
    ],
)
def test_the_headline_has_correct_plurals(covered, papers, expected):
    assert Coverage(rows=[], papers=papers, covered=covered).headline == expected


def test_a_list_of_nothing_readable_says_so(client):
    html = check(client, "just some words\nand more words")

    assert headline(html) == "No paper could be read from this list."
    assert statuses(html) == ["unreadable", "unreadable"]
    assert "Show only those without" not in html
