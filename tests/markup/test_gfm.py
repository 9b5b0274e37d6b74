"""The original site's (GitHub-flavoured) Markdown: lists nested at two spaces,
strikethrough, task lists, autolinks and video previews."""

import re

import pytest

from markup.links import video
from markup.lists import reindent
from markup.render import render

REL = 'rel="nofollow ugc noopener"'
YOUTUBE_ID = "dQw4w9WgXcQ"


def squeeze(html):
    """The HTML without the line breaks Python-Markdown puts between block tags."""
    return re.sub(r">\s+<", "><", html)


# --- Lists -------------------------------------------------------------------------------


@pytest.mark.parametrize("indent", [2, 3, 4])
def test_bullet_lists_nest_at_two_three_or_four_spaces(indent):
    pad = " " * indent
    html = squeeze(render(f"- a\n{pad}- b\n{pad}{pad}- c\n- d"))
    assert html == "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. a\n   1. b\n2. c", "<ol><li>a<ol><li>b</li></ol></li><li>c</li></ol>"),
        ("1. a\n  1. b\n2. c", "<ol><li>a<ol><li>b</li></ol></li><li>c</li></ol>"),
        ("1. a\n    1. b\n2. c", "<ol><li>a<ol><li>b</li></ol></li><li>c</li></ol>"),
        ("- a\n  1. b\n  2. c\n- d", "<ul><li>a<ol><li>b</li><li>c</li></ol></li><li>d</li></ul>"),
        ("1. a\n   - b\n2. c", "<ol><li>a<ul><li>b</li></ul></li><li>c</li></ol>"),
        ("10. a\n    - b", '<ol start="10"><li>a<ul><li>b</li></ul></li></ol>'),
    ],
)
def test_ordered_lists_nest_under_ordered_and_unordered(text, expected):
    assert squeeze(render(text)) == expected


def test_one_space_is_a_sibling_not_a_child():
    assert squeeze(render("- a\n - b")) == "<ul><li>a</li><li>b</li></ul>"


def test_back_out_to_an_outer_level():
    html = squeeze(render("- a\n  - b\n    - c\n  - d\n- e"))
    assert html == ("<ul><li>a<ul><li>b<ul><li>c</li></ul></li><li>d</li></ul></li><li>e</li></ul>")


def test_paragraph_and_code_inside_a_two_space_item():
    html = squeeze(render("- a\n\n  more about a\n\n      code in a\n\n- b"))
    assert "<li><p>a</p><p>more about a</p>" in html
    assert "<code>code in a\n</code>" in html
    assert html.endswith("<li><p>b</p></li></ul>")


def test_indented_code_outside_lists_is_still_code():
    html = render("Text.\n\n    - not a list\n    x = 1\n\nAfter.")
    assert "<code>- not a list\nx = 1\n</code>" in html
    assert "<li>" not in html


def test_indented_code_after_a_list_that_ended():
    html = render("- a\n\nParagraph.\n\n    code")
    assert "<code>code\n</code>" in html


def test_fenced_code_in_and_after_lists_is_untouched():
    code = "- a\n  - b\n    - c"
    html = render(f"- item\n  - child\n\n```\n{code}\n```\n")
    assert f"<code>{code}\n</code>" in html
    assert squeeze(html).startswith("<ul><li>item<ul><li>child</li></ul></li></ul>")


def test_lazy_lines_continue_the_item():
    html = squeeze(render("- a\nlazy\n  - b"))
    assert html == "<ul><li>a\nlazy<ul><li>b</li></ul></li></ul>"


def test_reindent_leaves_text_without_lists_alone():
    lines = ["Para", "  two spaces", "", "    code", "    - code too", "", "Para"]
    assert reindent(lines) == lines


def test_reindent_rewrites_two_spaces_to_four_per_level():
    lines = ["- a", "  - b", "", "    more b", "", "        code in b", "- c"]
    assert reindent(lines) == [
        "- a",
        "    - b",
        "",
        "        more b",
        "",
        "            code in b",
        "- c",
    ]


# --- Strikethrough -----------------------------------------------------------------------


def test_strikethrough():
    assert render("~~gone~~ and ~~two words~~") == (
        "<p><del>gone</del> and <del>two words</del></p>"
    )


@pytest.mark.parametrize(
    "text",
    ["~5 ms", "x ~ N(0, 1)", "a~b~c", "~a~", "~~", "~~~", "a ~~ b", "~~ a ~~"],
)
def test_single_tildes_and_loose_pairs_stay_tildes(text):
    html = render(text)
    assert "<del" not in html and "<sub" not in html
    assert html == f"<p>{text}</p>"


def test_tildes_in_code_and_math_are_not_strikethrough():
    html = render("`~~a~~` and $x \\sim y$ and\n\n```\n~~b~~\n```")
    assert "<del" not in html
    assert "<code>~~a~~</code>" in html


def test_strikethrough_in_comments_and_abstracts():
    for flavor in ("comment", "abstract"):
        assert "<del>x</del>" in render("~~x~~", flavor=flavor)


# --- Task lists --------------------------------------------------------------------------


def test_task_list_items_show_a_box_that_cannot_be_ticked():
    html = squeeze(render("- [ ] open\n- [x] done\n- [X] also done\n- plain"))
    assert html == (
        '<ul class="task-list">'
        '<li class="task-list-item">\u2610 open</li>'
        '<li class="task-list-item">\u2611 done</li>'
        '<li class="task-list-item">\u2611 also done</li>'
        "<li>plain</li></ul>"
    )
    assert "<input" not in html


def test_loose_and_nested_task_lists():
    html = squeeze(render("- [x] done\n\n- [ ] open\n  - [ ] sub"))
    assert '<li class="task-list-item"><p>\u2611 done</p></li>' in html
    assert '<ul class="task-list"><li class="task-list-item">\u2610 sub</li></ul>' in html


def test_brackets_elsewhere_are_not_tasks():
    html = render("[ ] not in a list\n\n- a [x] b\n- [y] c")
    assert "task" not in html and "\u2610" not in html and "\u2611" not in html


@pytest.mark.parametrize(
    "written",
    [
        '<input type="checkbox" checked>',
        '<input type="checkbox" disabled>',
        '<ul class="task-list"><li class="task-list-item"><input type="checkbox"></li></ul>',
        "<form><input name=x></form>",
    ],
)
def test_written_inputs_stay_text(written):
    html = render(written)
    assert "<input" not in html and "<form" not in html


# --- Autolinks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "link"),
    [
        (
            "<https://example.org/a>",
            f'<a href="https://example.org/a" {REL}>https://example.org/a</a>',
        ),
        (
            "see https://example.org/a.",
            f'<a href="https://example.org/a" {REL}>https://example.org/a</a>.',
        ),
        ("www.example.org", f'<a href="http://www.example.org" {REL}>www.example.org</a>'),
        (
            "see www.example.org/page now",
            f'<a href="http://www.example.org/page" {REL}>www.example.org/page</a> now',
        ),
    ],
)
def test_autolinks_as_on_github(text, link):
    assert link in render(text)


def test_names_with_dots_are_still_text():
    assert "<a" not in render("Load model.pt and numpy.org, not www alone.")


# --- Video previews ----------------------------------------------------------------------


def preview(url, provider, video_id, label):
    return (
        f'<a class="video-preview" href="{url}" {REL} data-video="{provider}" '
        f'data-video-id="{video_id}"><span class="video-play"></span>'
        f'<span class="video-caption">{label} video: {url}</span></a>'
    )


@pytest.mark.parametrize(
    ("url", "provider", "video_id", "label"),
    [
        (f"https://www.youtube.com/watch?v={YOUTUBE_ID}", "youtube", YOUTUBE_ID, "YouTube"),
        (f"https://youtube.com/watch?v={YOUTUBE_ID}&amp;t=42s", "youtube", YOUTUBE_ID, "YouTube"),
        (f"https://youtu.be/{YOUTUBE_ID}", "youtube", YOUTUBE_ID, "YouTube"),
        (f"https://www.youtube.com/shorts/{YOUTUBE_ID}", "youtube", YOUTUBE_ID, "YouTube"),
        (f"https://www.youtube.com/embed/{YOUTUBE_ID}", "youtube", YOUTUBE_ID, "YouTube"),
        (f"http://m.youtube.com/watch?v={YOUTUBE_ID}", "youtube", YOUTUBE_ID, "YouTube"),
        ("https://vimeo.com/76979871", "vimeo", "76979871", "Vimeo"),
        ("https://www.vimeo.com/76979871/", "vimeo", "76979871", "Vimeo"),
    ],
)
def test_video_address_on_its_own_line_becomes_a_preview(url, provider, video_id, label):
    written = url.replace("&amp;", "&")
    for text in (written, f"Watch:\n{written}\nthen read on.", f"- {written}"):
        html = render(text)
        assert preview(url, provider, video_id, label) in html
        assert "<iframe" not in html and "<script" not in html


@pytest.mark.parametrize(
    "text",
    [
        f"Watch https://youtu.be/{YOUTUBE_ID} now.",
        f"https://youtu.be/{YOUTUBE_ID} and more",
        f"[a video](https://youtu.be/{YOUTUBE_ID})",
        f"<https://youtu.be/{YOUTUBE_ID}>",
        f"`https://youtu.be/{YOUTUBE_ID}`",
    ],
)
def test_video_address_in_a_sentence_link_or_code_is_no_preview(text):
    html = render(text)
    assert "video-preview" not in html and "data-video" not in html


@pytest.mark.parametrize(
    "url",
    [
        "https://youtu.be/dQw4w9WgXc",  # ten characters
        "https://youtu.be/dQw4w9WgXcQQ",  # twelve
        "https://youtu.be/dQw4w9WgX%51",
        "https://youtu.be/dQw4w9WgX.Q",
        "https://youtu.be/",
        "https://www.youtube.com/watch?v=dQw4w9WgXc",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=aaaaaaaaaaa",
        "https://www.youtube.com/watch?list=dQw4w9WgXcQ",
        "https://www.youtube.com/playlist?list=PLdQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ/extra",
        "https://www.youtube.com/channel/dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example/youtube.com/watch?v=dQw4w9WgXcQ",
        "https://user@youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com:8080/watch?v=dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://vimeo.com/channels/staffpicks/76979871",
        "https://vimeo.com/7697987a",
        "https://vimeo.com/1234567890123",
        "https://player.vimeo.com/video/76979871",
        "ftp://youtu.be/dQw4w9WgXcQ",
    ],
)
def test_other_addresses_are_never_framed(url):
    assert video(url) is None
    html = render(url)
    assert "video-preview" not in html and "data-video" not in html


def test_comments_link_to_videos():
    html = render(f"https://youtu.be/{YOUTUBE_ID}", flavor="comment")
    url = f"https://youtu.be/{YOUTUBE_ID}"
    assert html == f'<p><a href="{url}" {REL}>{url}</a></p>'


def test_abstracts_show_previews():
    assert "video-preview" in render(f"https://youtu.be/{YOUTUBE_ID}", flavor="abstract")
