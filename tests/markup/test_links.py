"""Links: linkify, rel, and the old site's paper links pointed at their new addresses."""

import pytest

from markup.links import legacy_paper_url
from markup.render import render

REL = 'rel="nofollow ugc noopener"'


def test_links_get_rel():
    html = render("[site](https://example.com) and <https://example.org> and [mail](mailto:a@b.c)")
    assert html.count(REL) == 3


def test_bare_urls_become_links():
    html = render("See https://example.com/paper?id=1 now.")
    assert (
        f'<a href="https://example.com/paper?id=1" {REL}>https://example.com/paper?id=1</a>'
    ) in html


def test_bare_names_with_dots_are_not_links():
    html = render("Load model.pt with torch.nn and numpy.org.")
    assert "<a" not in html


def test_urls_in_code_are_not_links():
    html = render("`https://example.com`\n\n```\nhttps://example.org\n```")
    assert "<a" not in html


def test_relative_and_fragment_links_are_kept():
    html = render("[a](/papers/1) [b](#section)")
    assert 'href="/papers/1"' in html
    assert 'href="#section"' in html


# --- The old site's links ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/paper?bibtexKey=conf/nips/RenHGS15#alice", "/paper/conf/nips/RenHGS15/#alice"),
        ("/paper?bibtexKey=conf/nips/RenHGS15&a=alice", "/paper/conf/nips/RenHGS15/#alice"),
        ("/paper?bibtexKey=conf/nips/RenHGS15", "/paper/conf/nips/RenHGS15/"),
        (
            "/paper?a=alice&bibtexKey=journals%2Fcorr%2F1608.06993",
            "/paper/journals/corr/1608.06993/#alice",
        ),
        ("http://shortscience.org/paper?bibtexKey=a/b#c", "/paper/a/b/#c"),
        ("https://shortscience.org/paper?bibtexKey=a/b&a=c", "/paper/a/b/#c"),
        ("http://www.shortscience.org/paper?bibtexKey=a/b#c", "/paper/a/b/#c"),
        ("https://WWW.ShortScience.org/paper?bibtexKey=a/b&a=c", "/paper/a/b/#c"),
        # Decoded as the redirect view decodes it, then quoted for the path.
        ("/paper?bibtexKey=a%3Ab%2Bc", "/paper/a:b+c/"),
        ("/paper?bibtexKey=k&a=J%C3%B6rg%20B", "/paper/k/#J%C3%B6rg%20B"),
        ("/paper?bibtexKey=k#J%C3%B6rg B", "/paper/k/#J%C3%B6rg%20B"),
        ("/paper?bibtexKey=k&a=a%2Fb%23c", "/paper/k/#a%2Fb%23c"),
    ],
)
def test_legacy_paper_url(old, new):
    assert legacy_paper_url(old) == new


@pytest.mark.parametrize(
    "url",
    [
        "/paper",
        "/paper?bibtexKey=",
        "/paper?bibtexKey=%20",
        # Not a key (a space, a `..` segment): left as written, for the 404 page to say so.
        "/paper?bibtexKey=a+b",
        "/paper?bibtexKey=a/../../admin",
        "/paper?a=alice",
        "/paper/?bibtexKey=k",
        "/papers?bibtexKey=k",
        "/paper/k/",
        "https://example.org/paper?bibtexKey=k",
        "https://shortscience.org.evil.example/paper?bibtexKey=k",
        "https://user@shortscience.org/paper?bibtexKey=k",
        "ftp://shortscience.org/paper?bibtexKey=k",
        "javascript:/paper?bibtexKey=k",
        "http://[/paper?bibtexKey=k",
    ],
)
def test_other_urls_are_not_legacy_paper_urls(url):
    assert legacy_paper_url(url) is None


def test_markdown_links_to_the_old_site_are_rewritten():
    html = render(
        "[one](/paper?bibtexKey=conf/nips/RenHGS15#alice) "
        "[two](https://www.shortscience.org/paper?bibtexKey=conf/nips/RenHGS15&a=bob) "
        '<a href="http://shortscience.org/paper?bibtexKey=x/y&amp;a=carol">three</a>'
    )
    assert f'<a href="/paper/conf/nips/RenHGS15/#alice" {REL}>one</a>' in html
    assert f'<a href="/paper/conf/nips/RenHGS15/#bob" {REL}>two</a>' in html
    assert f'<a href="/paper/x/y/#carol" {REL}>three</a>' in html
    assert "bibtexKey" not in html


def test_bare_old_site_urls_are_rewritten_and_keep_their_text():
    old = "https://shortscience.org/paper?bibtexKey=conf/nips/RenHGS15&a=alice"
    html = render(f"As explained at {old} and http://www.shortscience.org/paper?bibtexKey=k#b.")
    assert (
        f'<a href="/paper/conf/nips/RenHGS15/#alice" {REL}>{old.replace("&", "&amp;")}</a>' in html
    )
    assert (
        f'<a href="/paper/k/#b" {REL}>http://www.shortscience.org/paper?bibtexKey=k#b</a>' in html
    )


@pytest.mark.parametrize("flavor", ["summary", "comment", "abstract"])
def test_old_site_links_are_rewritten_in_every_flavor(flavor):
    html = render(
        "[x](/paper?bibtexKey=k&a=u) https://shortscience.org/paper?bibtexKey=k", flavor=flavor
    )
    assert 'href="/paper/k/#u"' in html and 'href="/paper/k/"' in html


def test_old_site_urls_in_code_stay_as_written():
    html = render("`https://shortscience.org/paper?bibtexKey=k` and\n\n    /paper?bibtexKey=k\n")
    assert "<a" not in html
    assert html.count("bibtexKey=k") == 2


def test_other_sites_paper_links_are_not_rewritten():
    html = render(
        "[x](https://example.org/paper?bibtexKey=k) https://example.org/paper?bibtexKey=k"
    )
    assert html.count('href="https://example.org/paper?bibtexKey=k"') == 2
