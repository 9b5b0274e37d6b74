"""BibTeX files, read with the same field helpers as a pasted entry (sources.bibtex)."""

from pathlib import Path

from ..sources import bibtex
from ..sources.base import paragraphs, parse_year, squash
from .records import Record, Rejected


def read_bibtex(path):
    # BibTeX files are small (a bibliography, a DBLP export of one venue), and
    # bibtexparser reads a whole text at once; the records still come one by one.
    text = Path(path).read_text(encoding="utf-8")
    library = bibtex.parse_library(text)
    name = str(path)
    blocks = [(entry.start_line, entry) for entry in library.entries]
    blocks += [(block.start_line, block) for block in library.failed_blocks]
    for start, block in sorted(blocks, key=lambda pair: pair[0]):
        line = start + 1  # bibtexparser counts from 0
        if not hasattr(block, "fields_dict"):
            yield Rejected(name, line, f"unreadable BibTeX: {block.error}")
            continue
        values = {key: value.value for key, value in block.fields_dict.items()}
        text_of = bibtex.field_text
        venue = next((v for f in bibtex.VENUE_FIELDS if (v := squash(text_of(values.get(f))))), "")
        yield Record(
            name,
            line,
            block.key.strip().removeprefix("DBLP:"),
            {
                "title": squash(text_of(values.get("title"))),
                "authors": ", ".join(
                    bibtex.author_names(values.get("author") or values.get("editor"))
                ),
                "venue": venue,
                "year": parse_year(text_of(values.get("year"))),
                "abstract": paragraphs(text_of(values.get("abstract"))),
                "url": squash(text_of(values.get("url"))),
                "arxiv_id": bibtex.entry_arxiv_id(values),
                "doi": text_of(values.get("doi")),
            },
        )
