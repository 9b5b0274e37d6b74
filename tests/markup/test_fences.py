"""markup.fences finds the blocks Python-Markdown's fenced_code did, in linear time."""

import markdown
import pytest

from markup.fences import code_blocks, fenced_blocks
from markup.md import convert

CASES = [
    "```\ncode\n```",
    "```python\ndef f():\n    return 1\n```\n\nafter",
    "~~~\n```\n~~~",
    "````\n```\n````",
    "```\nunclosed",
    "``` {.python}\nx = 1\n```",
    '```python hl_lines="2"\na\nb\n```',
    "text\n```\nin a paragraph\n```\nmore",
    "```\n```",
    "```  \ntrailing spaces\n```   \n",
    "```\na\n```\n```\nb\n```",
    "```\n$x$\n~~~\n```",
]


def _reference(text):
    md = markdown.Markdown(
        extensions=["fenced_code", "codehilite"],
        extension_configs={"codehilite": {"css_class": "highlight", "guess_lang": False}},
    )
    return md.convert(text)


@pytest.mark.parametrize("text", CASES)
def test_same_blocks_as_python_markdown(text):
    ours = convert(text, "comment")
    theirs = _reference(text)
    assert ours.count("<pre>") + ours.count("<pre ") == theirs.count("<pre>") + theirs.count(
        "<pre "
    )
    assert ours.count("<code") == theirs.count("<code")


def test_block_offsets_and_parts():
    text = 'intro\n```python hl_lines="1"\nx = 1\n```\nrest'
    (block,) = fenced_blocks(text)
    assert text[block.start : block.end] == '```python hl_lines="1"\nx = 1\n```\n'
    assert (block.lang, block.hl_lines, block.code) == ("python", "1", "x = 1\n")


def test_a_closer_is_the_same_fence_only():
    assert list(fenced_blocks("```\na\n````\nb")) == []
    assert [b.code for b in fenced_blocks("````\na\n```\n````")] == ["a\n```\n"]


def test_raw_pre_blocks_and_fences_in_order():
    text = "<pre>a</pre>\n```\nb\n```\n<PRE class=x>c</pre >"
    assert [text[s:e] for s, e in code_blocks(text)] == [
        "<pre>a</pre>",
        "```\nb\n```\n",
        "<PRE class=x>c</pre >",
    ]


def test_unclosed_openers_by_the_thousand_cost_little():
    # Each opener finds (or misses) its closer through an index: the old scan took
    # 43 s on 8 KB of these.
    text = '``` hl_lines="1"\n' * 20_000 + "```{.a}\n" * 20_000
    assert list(fenced_blocks(text)) == []
