"""Batch lookup: which of up to MAX_IDS arXiv ids and DOIs the site has, and how many
public summaries each has. What a browser extension asks for a page full of links.

One query whatever the number of ids: the papers with any of the names (the union of
index lookups of `PaperQuerySet.named`) with their public summaries counted.
"""

from papers.models import Paper
from papers.sources import ARXIV, DOI, identify

from . import serialize

MAX_IDS = 100
# Longer than any arXiv id or DOI in use; a longer text is not read at all.
ID_MAX_LENGTH = 300


class TooManyIds(ValueError):
    pass


def read(text):
    """(arxiv_id, doi, error) for one id as sent: an arXiv id or DOI in any spelling the
    add-a-paper page reads, links to arxiv.org and doi.org included. arXiv's own DOIs
    (10.48550/arXiv.…) are read as the arXiv id."""
    if len(text) > ID_MAX_LENGTH:
        return "", "", f"Longer than {ID_MAX_LENGTH} characters: not an arXiv id or DOI."
    found = identify(text)
    if found is not None and found.kind == ARXIV:
        return found.value, "", None
    if found is not None and found.kind == DOI:
        return "", found.value, None
    return "", "", "Not an arXiv id or DOI."


def lookup(ids):
    """The answer for each of `ids`, in their order (api.schemas.LookupResult)."""
    if len(ids) > MAX_IDS:
        raise TooManyIds(f"At most {MAX_IDS} ids per lookup; this one had {len(ids)}.")
    names = [(text, *read(text)) for text in ids]
    wanted_arxiv = [arxiv_id for _, arxiv_id, _, _ in names if arxiv_id]
    wanted_doi = [doi for _, _, doi, _ in names if doi]
    by_arxiv, by_doi = {}, {}
    if wanted_arxiv or wanted_doi:
        papers = Paper.objects.named(arxiv_ids=wanted_arxiv, dois=wanted_doi).defer(
            "abstract", "abstract_html"
        )
        for paper in papers:
            if paper.arxiv_lower:
                by_arxiv[paper.arxiv_lower] = paper
            if paper.doi_lower:
                by_doi[paper.doi_lower] = paper
    results = []
    for text, arxiv_id, doi, error in names:
        paper = by_arxiv.get(arxiv_id.lower()) or by_doi.get(doi.lower())
        results.append(
            {
                "id": text,
                "arxiv_id": arxiv_id,
                "doi": doi,
                "found": paper is not None,
                "paper": serialize.paper_ref(paper) if paper else None,
                "public_summary_count": paper.public_summary_count if paper else 0,
                "error": error,
            }
        )
    return results
