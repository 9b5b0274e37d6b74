"""arXiv metadata as JSON lines (the Kaggle snapshot)."""

import json
import re

from .. import identifiers
from ..sources.arxiv import MAX_CATEGORIES
from ..sources.base import author_name, paragraphs, parse_year, squash
from .records import Record, Rejected


def read_arxiv_jsonl(path):
    """The Kaggle arXiv metadata snapshot: one JSON object per line."""
    name = str(path)
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as error:
                yield Rejected(name, number, f"invalid JSON: {error}")
                continue
            if not isinstance(item, dict):
                yield Rejected(name, number, "not a JSON object")
                continue
            arxiv_id = identifiers.normalize_arxiv_id(str(item.get("id") or ""))
            if not arxiv_id:
                yield Rejected(name, number, f"invalid arXiv id {item.get('id')!r}")
                continue
            dois = str(item.get("doi") or "").split()
            yield Record(
                name,
                number,
                identifiers.corr_key(arxiv_id),
                {
                    "title": _latex(squash(item.get("title"))),
                    "authors": ", ".join(_arxiv_authors(item)),
                    "venue": "arXiv",
                    "year": _arxiv_year(item, arxiv_id),
                    "abstract": paragraphs(item.get("abstract")),
                    "url": identifiers.arxiv_abs_url(arxiv_id),
                    "arxiv_id": arxiv_id,
                    "doi": next((d for d in map(identifiers.normalize_doi, dois) if d), ""),
                },
                categories=_categories(item),
            )


def _categories(item):
    # "cs.LG stat.ML", primary first; each once, as many as arXiv's API would list.
    categories = item.get("categories")
    if not isinstance(categories, str):
        return ()
    return tuple(dict.fromkeys(categories.split()))[:MAX_CATEGORIES]


def _latex(text):
    # Most titles and names have no LaTeX; converting is slow, so only when needed.
    if "\\" not in text and "{" not in text:
        return text
    from pylatexenc.latex2text import LatexNodes2Text

    return squash(LatexNodes2Text(math_mode="verbatim").latex_to_text(text))


def _arxiv_authors(item):
    parsed = item.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = (" ".join(part for part in (p[1:2] + p[:1] + p[2:3]) if part) for p in parsed)
    else:
        names = re.split(r",\s*|\s+and\s+", str(item.get("authors") or ""))
    return [name for person in names if (name := author_name(_latex(person)))]


def _arxiv_year(item, arxiv_id):
    versions = item.get("versions")
    first = versions[0] if isinstance(versions, list) and versions else None
    if isinstance(first, dict) and (year := parse_year(first.get("created"))):
        return year
    if year := parse_year(item.get("update_date")):
        return year
    # New-style ids begin with the year and month of submission.
    if re.match(r"^\d{4}\.", arxiv_id):
        return 2000 + int(arxiv_id[:2])
    return None
