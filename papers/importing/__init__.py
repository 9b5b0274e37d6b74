"""Bulk import of papers from BibTeX, DBLP XML and arXiv metadata (JSON lines).

Each reader yields `Record`s (a paper's fields and the file line it starts on) or
`Rejected`s (a line that could not be read, and why), streaming: a DBLP dump is
several gigabytes, so no reader holds more than a piece of it. `Importer` reads,
cleans and batches records on one thread while it writes the previous batch on the
calling one (see `reader.Reader`). Each batch is one transaction, sorted with a
constant number of queries (`matching`: the papers here under the batch's keys, arXiv
ids, DOIs and normalised titles): a record under a new key with a paper's arXiv id or
DOI adds its key to that paper as an alias, and one with a paper's title, first author
and year is reported as a probable duplicate rather than created. New papers are
inserted, with COPY on PostgreSQL and bulk_create elsewhere, and only rows whose fields
differ are written, with `bulk_update`, so a second run of the same file writes nothing.

A record only sets the fields it has: DBLP has no abstracts, and importing it must not
erase the abstracts other sources gave. An author list or abstract too long for a paper
is shortened (the first authors whole, then "others"; the abstract at a word, with
"…") and counted in the tally, rather than refused: a collaboration's paper with
thousands of authors is a real paper. Duplicate keys within one batch are rejected
(the first wins); a key repeated in a later batch updates the paper again.

One module per input format (`bibtex`, `dblp`, `arxiv`), the records they yield and
their cleaning (`records`), the reading thread (`reader`), the sorting of a batch
against the papers here (`matching`), the writing (`importer`) and the topics of the
papers' arXiv categories (`categories`).
"""

from pathlib import Path

from .arxiv import read_arxiv_jsonl
from .bibtex import read_bibtex
from .dblp import DBLP_PAPER_TAGS, read_dblp
from .importer import BATCH_SIZE, Importer
from .records import FIELDS, Record, Rejected, Tally, clean

__all__ = [
    "BATCH_SIZE",
    "DBLP_PAPER_TAGS",
    "FIELDS",
    "Importer",
    "Record",
    "Rejected",
    "Tally",
    "clean",
    "read_arxiv_jsonl",
    "read_bibtex",
    "read_dblp",
    "read_file",
]


def read_file(path):
    """The records of one file, by its extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".bib":
        return read_bibtex(path)
    if suffix == ".xml":
        return read_dblp(path)
    if suffix in (".jsonl", ".json"):
        return read_arxiv_jsonl(path)
    raise ValueError(f"{path}: unknown format (expected .bib, .xml, .jsonl or .json)")
