"""Texts made to be slow or large to render, each as long as a summary may be.

Each case repeats one construct that some part of the pipeline handles in more than
linear time, or whose output grows faster than its input. ``test_adversarial`` renders
every case through the whole pipeline: each must render or be refused quickly.
"""

SUMMARY_LENGTH = 100_000


def fill(unit, length=SUMMARY_LENGTH):
    """``unit`` repeated to exactly ``length`` characters."""
    return (unit * (length // len(unit) + 1))[:length]


def _nested(open_, close, inner="x", levels=None, length=SUMMARY_LENGTH):
    levels = levels or (length - 4 - len(inner)) // (len(open_) + len(close))
    return "$" + open_ * levels + inner + close * levels + "$"


CASES = {
    # Code fences: unclosed openers, with the attributes that made the scan cubic.
    "fence openers with hl_lines": fill('``` hl_lines="1"\n'),
    "fence openers with braces": fill("```{.python a=b}\n"),
    "fence openers, backticks and tildes": fill("```\n~~~~\n"),
    "many closed fences": fill("```\na\n```\n"),
    "raw pre unclosed": fill("<pre>"),
    "raw pre opener without >": fill("<pre "),
    "backtick runs": fill("`` ` ``` "),
    "one long backtick run": "`" * 50_000 + "a" + "`" * 49_999,
    # Markdown's block parser on one long block.
    "headings": fill("# a\n"),
    "setext headings": fill("a\n=\n"),
    "rules": fill("***\n"),
    "list items": fill("1. a\n"),
    "nested list": "".join("  " * i + "- a\n" for i in range(40)) * 60,
    "deep list": "".join(" " * i + "- a\n" for i in range(0, 2_000, 2)),
    "quotes nested": fill(">"),
    "quote lines": fill("> a\n"),
    "indented code": fill("    a\n"),
    "blank lines": fill("\n"),
    # Inline patterns.
    "unclosed links": fill("[a]("),
    "unclosed reference links": fill("[a]["),
    "links": fill("[a](http://x.example/) "),
    "reference links": fill("[a][b] ") + "\n\n[b]: http://x.example/\n",
    "brackets": fill("["),
    "nested brackets": "[" * 50_000 + "]" * 50_000,
    "emphasis marks": fill("*_"),
    "strong": fill("**a "),
    "backslashes": fill("\\"),
    "escapes": fill("\\*"),
    "entities": fill("&amp;"),
    "less-than signs": fill("<"),
    "open tags": fill("<span>"),
    "unclosed divs": fill("<div>\n"),
    "autolinks": fill("<http://a.example/b> "),
    "bare URLs": fill("http://a.example/b "),
    "bare image URLs": fill("http://x.example/a.png\n"),
    "images": fill("![a](http://x.example/a.png) "),
    # Footnotes and tables.
    "footnote references": fill("a[^1] ") + "\n\n[^1]: x\n",
    "footnote definitions": "".join(f"a[^{i}]\n" for i in range(5_000))
    + "\n"
    + "".join(f"[^{i}]: n{i}\n" for i in range(5_000)),
    "wide table": "|" + "a|" * 20_000 + "\n|" + "-|" * 20_000 + "\n",
    "long table": "|a|b|c|d|\n|-|-|-|-|\n" + fill("|a|b|c|d|\n", SUMMARY_LENGTH - 30),
    # Citations and math.
    "citations": fill("\\cite{k1} "),
    "many keys in one citation": "\\cite{" + ",".join(f"k{i}" for i in range(15_000)) + "}",
    "small formulas": fill("$x$ "),
    "display formulas": fill("$$x$$\n"),
    "unclosed dollars": fill("$a "),
    "unclosed display": fill("\\[ a "),
    "nested sqrt": _nested("\\sqrt{", "}"),
    "nested fractions": _nested("\\frac{1}{", "}"),
    "nested scripts": _nested("x^{", "}"),
    "nested left right": _nested("\\left(", "\\right)"),
    "nested environments": _nested("\\begin{matrix}", "\\end{matrix}"),
    "nested sqrt with index": _nested("\\sqrt[", "]{x}"),
    "nested overbrace": _nested("\\overbrace{", "}"),
    "nested boxes": _nested("\\boxed{", "}"),
    "nested colorbox": _nested("\\colorbox{red}{", "}"),
    "nested text": _nested("\\text{$", "$}"),
    "nested sizes": _nested("{\\Huge ", "}"),
    "long formulas": fill("$" + "x+" * 4_999 + "x$ "),
    "macro expansion": "$"
    + "\\def\\a{xxxxxxxx}\\def\\b{\\a\\a\\a\\a}\\def\\c{\\b\\b\\b\\b}"
    + "\\c" * 5_000
    + "$",
    "huge sizes": fill("$\\rule{1000em}{1000em}\\kern-1000em\\raisebox{1000em}{x}$ "),
    "big matrices": fill("$\\begin{pmatrix}" + "a&" * 200 + "a\\end{pmatrix}$ "),
    "accents": fill("$\\widehat{\\widetilde{\\overline{x}}}$ "),
    # LaTeX environments in prose (markup.environments), and the numbers of equations.
    "unclosed environments": fill("\\begin{align} "),
    "unclosed environments with rows": fill("\\begin{align}a&=b\\\\"),
    "unclosed environments on lines": fill("\\begin{equation}\n"),
    "mismatched environments": fill("\\begin{align}\\begin{gather}\\end{align}"),
    "environments": fill("\\begin{align}a\\end{align} "),
    "nested environments in prose": "\\begin{equation}" * 3_000 + "x" + "\\end{equation}" * 3_000,
    "nested unclosed environments": "\\begin{equation}" * 6_000 + "x",
    "numbered rows": "\\begin{align}" + "a\\\\" * 30_000 + "\\end{align}",
    "nested rows": "\\begin{align}" + "{a\\\\" * 30_000 + "\\end{align}",
    "labels and references": fill("\\label{a}\\eqref{a} "),
    "unclosed references": fill("\\label{a}\\eqref{"),
    # GitHub's syntax: strikethrough (pymdownx.tilde), task lists, lists nested at two
    # spaces (markup.lists), bare image and video addresses (markup.md).
    "tilde pairs": fill("~~"),
    "strikethrough": fill("~~a~~ "),
    "nested strikethrough": "~~" * 25_000 + "a" + "~~" * 24_999,
    "unbalanced strikethrough": fill("~~a "),
    "tilde runs": fill("~~~ "),
    "one tilde run": "~" * SUMMARY_LENGTH,
    "task list": fill("- [ ] a\n- [x] b\n"),
    "task list nested": "".join("  " * (i % 32) + "- [x] a\n" for i in range(9_000)),
    "list continuations": fill("- a\n\n  b\n"),
    "list items with wide markers": fill("123456789. a\n   - b\n"),
    "two-space list stairs": "".join("  " * (i % 33) + "- a\n  b\n" for i in range(4_900)),
    "one long address": "http://" + fill("a/", SUMMARY_LENGTH - 7),
    "addresses inside an address": fill("http://a/"),
    "closing parentheses after an image address": "http://x.example/a.png" + ")" * 99_000,
    "parentheses in an image address": "http://x.example/" + "(" * 49_000 + ")" * 49_000 + "a.png",
    "image addresses in sentences": fill("see http://x.example/a.png, "),
    "video addresses": fill("https://youtu.be/dQw4w9WgXcQ\n"),
    "video addresses between spaces": fill("  https://youtu.be/dQw4w9WgXcQ  \n\n"),
}


def _under(unit, count, separator=" ", paragraph=50):
    """``count`` copies of ``unit``, ``paragraph`` to a paragraph."""
    items = [unit] * count
    paragraphs = [separator.join(items[i : i + paragraph]) for i in range(0, count, paragraph)]
    return "\n\n".join(paragraphs)


# Texts just inside the limits of markup.limits, each with the costliest construct of
# its kind: these must render (not be refused), and quickly.
AT_THE_LIMITS = {
    "emphasis": _under("*a*", 2_990, paragraph=2_990),
    "strong and emphasis": _under("***a***", 990, paragraph=990),
    "inline code": _under("`a`", 2_990, paragraph=300),
    "entities": _under("&amp;", 5_990, paragraph=5_990),
    "escapes": _under("\\*", 2_990, paragraph=1_000),
    "table": "|" + "a|" * 8 + "\n|" + "-|" * 8 + "\n" + ("|" + "a|" * 8 + "\n") * 600,
    "links": _under("[a](http://x.example/)", 990, paragraph=990),
    "reference links": _under("[a][b]", 990) + "\n\n[b]: http://x.example/\n",
    "bare URLs": _under("http://x.example/a", 990, paragraph=990),
    "HTML tags": _under("<b>x</b>", 495, paragraph=495),
    "footnotes": _under("a[^1]", 199) + "\n\n[^1]: note\n",
    "headings": "\n".join(["# a"] * 999) + "\n\n" + "\n".join(["b\n="] * 499),
    "list": "\n".join(["- item"] * 999),
    "nested quotes": "\n\n".join([">" * 16 + " a"] * 1_000),
    "nested lists": "\n".join(" " * (2 * (i % 32)) + "- a" for i in range(999)),
    "code blocks": "\n\n".join(
        ["```python\ndef f(x):\n    return x * 2  # " + "a" * 400 + "\n```"] * 199
    ),
    "small formulas": _under("$x_i^2$", 999),
    "ordinary formulas": _under(
        "$\\sum_{i=1}^{n} \\frac{\\partial L}{\\partial w_i} = \\alpha$", 350
    ),
    "deep formulas": _under("$" + "\\sqrt{" * 24 + "x" + "}" * 24 + "$", 60),
    "deep fractions": _under("$" + "\\frac{1}{" * 24 + "x" + "}" * 24 + "$", 20_000 // 242),
    "matrices": _under("$\\begin{pmatrix}" + "a&" * 199 + "a\\end{pmatrix}$", 46),
    "long formula": "$" + "x+" * 4_999 + "x$\n\n$" + "x+" * 4_990 + "x$",
    "citations": _under("\\cite{conf/nips/RenHGS15}", 499),
    "distinct citations": " ".join(f"\\cite{{conf/x/Paper{i}}}" for i in range(499)),
    "numbered environments": _under(
        "\\begin{align}" + "a&=b\\label{x}\\\\" * 49 + "a&=b\\end{align} \\eqref{x}", 18
    ),
    "lines": "\n\n".join(["a"] * 4_999),
    "strikethrough": _under("~~a~~", 1_495, paragraph=1_495),
    "task lists": "\n".join(["- [x] item"] * 999),
    "two-space nested lists": "\n".join("  " * (i % 33) + "- a" for i in range(999)),
    "image addresses in sentences": _under("see http://x.example/a.png", 990, paragraph=990),
    "video addresses": "\n\n".join(["https://youtu.be/dQw4w9WgXcQ"] * 990),
}
