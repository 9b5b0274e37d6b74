"""User text rendered with its `\\cite{key}` references resolved against the catalogue.

Every summary, comment and abstract is rendered through `render_text`: the markup
module knows nothing of papers, so this is where the keys a text cites are looked up
(one query per text) before rendering.

A citation may name a paper by anything its page answers to (`Paper.objects.resolve`):
its key, an alias, its arXiv id in any spelling or its DOI, whatever the case. The same
names decide which summaries cite a paper: each cited key is recorded (see
`citation_names`) both as written and, where it is an arXiv id or a DOI, in the stored
form of that id, which is what a paper's own names are compared with
(`paper_citation_names`).
"""

from django.db.models.functions import Lower
from django.urls import reverse

from markup.citations import CitedPaper
from markup.mentions import mentioned_names
from markup.render import Refused, cited_keys, refusal_html, render

from . import identifiers

# Prefixes of the recorded names that stand for an arXiv id or a DOI rather than a key.
# They are spellings a key may have too (`arXiv:1608.06993`), meaning the same paper.
ARXIV_PREFIX = "arxiv:"
DOI_PREFIX = "doi:"


def _identifiers(key):
    """The arXiv id and DOI a cited key stands for, lowercased ("" for none)."""
    arxiv_id, doi = identifiers.arxiv_id_and_doi(key)
    return arxiv_id.lower(), doi.lower()


def citation_names(keys):
    """The lowercased names under which citations of `keys` are recorded: each key as
    written, plus `arxiv:<id>` and `doi:<doi>` for keys that are an arXiv id or DOI."""
    names = set()
    for key in keys:
        names.add(key.lower())
        arxiv_id, doi = _identifiers(key)
        if arxiv_id:
            names.add(f"{ARXIV_PREFIX}{arxiv_id}")
        if doi:
            names.add(f"{DOI_PREFIX}{doi}")
    return names


def paper_citation_names(paper):
    """The recorded names that cite `paper`, its aliases aside (`paper_alias_names`):
    its key lowercased, its arXiv id and DOI in the form `citation_names` gives them."""
    names = {paper.bibtex_key.lower()}
    if paper.arxiv_id:
        names.add(f"{ARXIV_PREFIX}{paper.arxiv_id.lower()}")
    if paper.doi:
        names.add(f"{DOI_PREFIX}{paper.doi.lower()}")
    return names


def paper_alias_names(paper):
    """The paper's alias keys lowercased, as citations record them: a subquery."""
    return paper.aliases.annotate(name=Lower("key")).values("name")


def citation_targets(keys):
    """{lowercased key: markup.citations.CitedPaper} for the cited keys the site knows:
    canonical key, title, authors (split as `Paper.author_list` splits them), year and
    venue, which is what a citation and a summary's references show.

    One query whatever the number of keys: the papers any key names by key, alias,
    arXiv id or DOI, one row per alias of each. A key is read the way the paper page
    reads it: as a key first, then as an alias, an arXiv id, a DOI.
    """
    from .models import Paper

    wanted = {key.lower(): _identifiers(key) for key in keys}
    if not wanted:
        return {}
    rows = (
        Paper.objects.named(
            keys=wanted,
            arxiv_ids=[arxiv_id for arxiv_id, _ in wanted.values()],
            dois=[doi for _, doi in wanted.values()],
        )
        .annotate(alias_lower=Lower("aliases__key"))
        .order_by()
        .values_list(
            "key_lower", "alias_lower", "arxiv_lower", "doi_lower",
            "bibtex_key", "title", "authors", "year", "venue",
        )
    )  # fmt: skip
    by_key, by_alias, by_arxiv_id, by_doi = {}, {}, {}, {}
    for key_lower, alias_lower, arxiv_lower, doi_lower, *paper in rows:
        # Each of these names is unique across papers (constraints, and the check in
        # papers.services that an alias is nobody's key). A paper comes once per alias.
        target = by_key.get(key_lower) or _cited_paper(*paper)
        by_key[key_lower] = target
        if alias_lower:
            by_alias[alias_lower] = target
        if arxiv_lower:
            by_arxiv_id[arxiv_lower] = target
        if doi_lower:
            by_doi[doi_lower] = target
    targets = {}
    for key, (arxiv_id, doi) in wanted.items():
        target = (
            by_key.get(key)
            or by_alias.get(key)
            or (arxiv_id and by_arxiv_id.get(arxiv_id))
            or (doi and by_doi.get(doi))
        )
        if target:
            targets[key] = target
    return targets


def _cited_paper(key, title, authors, year, venue):
    names = tuple(name.strip() for name in authors.split(",") if name.strip())
    return CitedPaper(key, title, names, year, venue)


def render_text(text, *, flavor, keys=None, references=True):
    """Render user text; `keys` are its cited keys, when the caller has them already.

    A text the renderer refuses (markup.limits) is stored as a notice that says why.
    Forms refuse such texts before they are saved (shortscience.forms.check_renders),
    so only a text that came in another way gets here: an import, the admin, or an old
    text under a stricter renderer.
    """
    try:
        return render_cited(text, flavor=flavor, keys=keys, references=references)
    except Refused as error:
        return refusal_html(error)


def render_cited(text, *, flavor, keys=None, references=True):
    """`render_text` for a caller that answers a refusal itself (the live preview):
    raises markup.render.Refused. `references=False` leaves a summary's list of
    references out (an excerpt)."""
    if keys is None:
        keys = cited_keys(text)
    return render(
        text,
        flavor=flavor,
        citations=citation_targets(keys),
        references=references,
        mentions=mention_targets(mentioned_names(text or "")),
    )


def mention_targets(names):
    """{lowercased name: (username, profile path)} for the mentioned names that are
    active users: one query, and none for a text that mentions no one."""
    if not names:
        return {}
    from accounts.models import User

    users = (
        User.objects.annotate(name=Lower("username"))
        .filter(name__in=names, is_active=True)
        .values_list("name", "username")
    )
    return {
        name: (username, reverse("accounts:profile", args=[username])) for name, username in users
    }
