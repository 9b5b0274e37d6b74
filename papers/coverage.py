"""A reading list's coverage: which papers of a BibTeX file, or of a list of arXiv ids,
DOIs, links and keys, the site has, and which of those have public summaries.

The list is read by papers.reading_lists, within its limits. The papers are then found
in one query for all their names (PaperQuerySet.named), the aliases among those names
told apart in one more when an entry needs it, and the summaries counted and the first
few of each paper loaded in one: at most three queries for any number of entries.
Nothing is stored.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import Lower, RowNumber

from summaries.models import Summary

from .models import Paper, PaperAlias
from .reading_lists import Entry

# How many of a paper's summaries the list links to; the count says how many there are.
SUMMARIES_SHOWN = 3


@dataclass
class Row:
    entry: Entry
    paper: Paper | None = None
    summary_count: int = 0
    # (summary, author's username or None when anonymous)
    summaries: list = field(default_factory=list)
    same_as: int | None = None  # an earlier entry's number: the same paper, listed once

    @property
    def status(self):
        if self.entry.problem:
            return "unreadable"
        if self.same_as is not None:
            return "repeated"
        if self.paper is None:
            return "missing"
        return "covered" if self.summary_count else "unsummarised"

    @property
    def more_summaries(self):
        return self.summary_count - len(self.summaries)


@dataclass
class Coverage:
    rows: list
    papers: int = 0  # distinct papers named, here or not
    covered: int = 0  # of those, here with at least one public summary
    missing: int = 0  # not on the site
    unsummarised: int = 0  # on the site without a public summary
    unreadable: int = 0
    repeated: int = 0

    @property
    def without(self):
        return self.missing + self.unsummarised

    @property
    def headline(self):
        """The coverage at a glance: "12 of 30 papers have summaries"."""
        papers, covered = self.papers, self.covered
        if papers == 1:
            return "The paper has a summary." if covered else "The paper has no summary yet."
        if covered == 0:
            return f"None of the {papers:,} papers has a summary yet."
        if covered == papers:
            return f"All {papers:,} papers have summaries."
        verb = "has a summary" if covered == 1 else "have summaries"
        return f"{covered:,} of {papers:,} papers {verb}."

    @property
    def details(self):
        """What else the list holds, a sentence each; none for what it does not."""
        sentences = []
        parts = [
            _count(self.missing, "not on the site yet", "not on the site yet"),
            _count(self.unsummarised, "here with no summary yet", "here with no summary yet"),
        ]
        parts = [part for part in parts if part]
        if len(parts) == 2:
            sentences.append(f"{self.without:,} without a summary: {' and '.join(parts)}.")
        elif parts:
            sentences.append(f"{parts[0]}.")
        if self.unreadable:
            sentences.append(f"{_count(self.unreadable, 'entry', 'entries')} could not be read.")
        if self.repeated:
            verb = "repeats an earlier one" if self.repeated == 1 else "repeat earlier ones"
            sentences.append(f"{_count(self.repeated, 'entry', 'entries')} {verb}.")
        return sentences


def _count(number, one, many):
    """`1 entry`, `3 entries`; "" for none."""
    return f"{number:,} {one if number == 1 else many}" if number else ""


# Looking up ----------------------------------------------------------------------------


def coverage(entries):
    """Each entry's paper and public summaries, in at most three queries."""
    readable = [entry for entry in entries if entry.name is not None and not entry.problem]
    papers = _papers(entry for entry in readable if entry.same_key_as is None)
    counts, shown = _public_summaries({paper.pk for paper in papers.values() if paper})

    result = Coverage(rows=[])
    first_of_paper = {}
    for entry in entries:
        row = Row(entry)
        result.rows.append(row)
        if entry.problem:
            result.unreadable += 1
            continue
        if entry.same_key_as is not None:
            row.same_as = entry.same_key_as
            result.repeated += 1
            continue
        paper = papers[entry.number]
        identity = ("paper", paper.pk) if paper else ("name", _identity(entry.name))
        if identity in first_of_paper:
            row.same_as = first_of_paper[identity]
            result.repeated += 1
            continue
        first_of_paper[identity] = entry.number
        row.paper = paper
        result.papers += 1
        if paper is None:
            result.missing += 1
            continue
        row.summary_count = counts.get(paper.pk, 0)
        row.summaries = shown.get(paper.pk, [])
        if row.summary_count:
            result.covered += 1
        else:
            result.unsummarised += 1
    return result


def _papers(entries):
    """The paper each entry names, or None, by entry number.

    One query finds the papers by all the names at once. The papers say which of them
    hold which key, arXiv id and DOI; an entry that none of those answers may name its
    paper by an alias, and one more query reads the aliases among such entries' keys.
    An entry's arXiv id answers before its DOI and the DOI before its key.
    """
    entries = list(entries)
    names = [entry.name for entry in entries]
    found = list(
        Paper.objects.named(
            keys={key.lower() for name in names for key in name.keys},
            arxiv_ids={value.lower() for name in names for value in name.arxiv_ids},
            dois={value.lower() for name in names for value in name.dois},
        )
        .only("bibtex_key", "title", "arxiv_id", "doi")
        .order_by()
    )
    by_name = {}
    for paper in found:
        by_name[("key", paper.key_lower)] = paper
        if paper.arxiv_lower:
            by_name[("arxiv", paper.arxiv_lower)] = paper
        if paper.doi_lower:
            by_name[("doi", paper.doi_lower)] = paper
    papers = {entry.number: _paper_named(entry.name, by_name) for entry in entries}
    unanswered = {
        key.lower() for entry in entries if papers[entry.number] is None for key in entry.name.keys
    }
    if unanswered and found:
        by_pk = {paper.pk: paper for paper in found}
        aliases = (
            PaperAlias.objects.annotate(name=Lower("key"))
            .filter(name__in=unanswered)
            .values_list("name", "paper_id")
        )
        by_name |= {("key", name): by_pk[pk] for name, pk in aliases if pk in by_pk}
        papers = {entry.number: _paper_named(entry.name, by_name) for entry in entries}
    return papers


def _paper_named(name, by_name):
    candidates = [
        *(("arxiv", value.lower()) for value in name.arxiv_ids),
        *(("doi", value.lower()) for value in name.dois),
        *(("key", value.lower()) for value in name.keys),
    ]
    return next((by_name[c] for c in candidates if c in by_name), None)


def _identity(name):
    """What makes two names the same when no paper answers to them."""
    return tuple(sorted(value.lower() for value in (*name.arxiv_ids, *name.dois, *name.keys)))


def _public_summaries(papers_by_pk):
    """Per paper: how many public summaries it has, and its first SUMMARIES_SHOWN of them
    (best first, as its page lists them) with their authors' names, None for anonymous
    ones. One query: the count and the rank are window functions over each paper's
    summaries, and only the first ranks come back."""
    if not papers_by_pk:
        return {}, {}
    summaries = (
        Summary.objects.public()
        .filter(paper_id__in=papers_by_pk)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("paper_id")],
                order_by=[F("score").desc(), F("created_at").desc(), F("pk").desc()],
            ),
            total=Window(Count("pk"), partition_by=[F("paper_id")]),
        )
        .filter(place__lte=SUMMARIES_SHOWN)
        .select_related("author")
        .only("pk", "paper_id", "is_anonymous", "author__username")
        .order_by("paper_id", "place")
    )
    counts, shown = {}, {}
    for summary in summaries:
        counts[summary.paper_id] = summary.total
        # An anonymous summary's author never reaches the template.
        author = None if summary.is_anonymous else summary.author.username
        shown.setdefault(summary.paper_id, []).append((summary, author))
    return counts, shown
