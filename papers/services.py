"""Writes that touch more than one row, or must survive races."""

from django.db import IntegrityError, transaction

from . import identifiers
from .keys import first_free_key, is_valid_key, make_key
from .models import Paper, PaperAlias
from .signals import names_added


def suggest_key(metadata):
    """The key a paper from this source is offered under.

    The source's own key where it has one (DBLP's, a BibTeX entry's, or for an arXiv
    paper the key of its published version where DBLP knows one, see
    sources.fetch); the old site's `journals/corr/<id>` for other arXiv papers; else
    one made from author, year and title, with a letter added if another paper has it.
    """
    if metadata.key and is_valid_key(metadata.key):
        return metadata.key
    if metadata.arxiv_id:
        return identifiers.corr_key(metadata.arxiv_id)
    base = make_key(authors=metadata.authors, year=metadata.year, title=metadata.title)
    return first_free_key(base, Paper.objects.taken_keys(base))


def add_paper(*, aliases=(), **fields):
    """Add a paper with its other keys, unless it is here already.

    "Here already" means any of its keys, its arXiv id or its DOI names a paper, as
    the database's constraints would say anyway; asking first gives the user the
    existing paper instead of an error. Two users adding the same paper at once meet
    the constraints instead, and the loser gets the winner's paper.
    Returns (paper, created).
    """
    paper = Paper(**fields)
    paper.normalize_identifiers()
    keys = [paper.bibtex_key, *aliases]
    if existing := _existing(keys, paper):
        return existing, False
    other_keys = {alias.lower(): alias for alias in aliases if is_valid_key(alias)}
    other_keys.pop(paper.bibtex_key.lower(), None)
    try:
        with transaction.atomic():
            paper.save()
            aliases = PaperAlias.objects.bulk_create(
                [PaperAlias(paper=paper, key=key) for key in other_keys.values()]
            )
            if aliases:
                # Summaries may have cited the paper by one of these keys already.
                names_added.send(sender=PaperAlias, papers=[], aliases=aliases)
    except IntegrityError:
        existing = _existing(keys, paper)
        if existing is None:
            raise
        return existing, False
    return paper, True


def _existing(keys, paper):
    return Paper.objects.matching(keys=keys, arxiv_id=paper.arxiv_id, doi=paper.doi).first()
