"""Merging two pages of one paper: paper B ("merged") into paper A ("kept").

Staff merge from `/papers/merge/` (papers.merge_views); `merge_papers` does it in one
transaction, and `papers.merge_undo.undo_merge` undoes it from the log (`PaperMerge`).

What moves to A: B's summaries with everything that hangs on them (comments, votes,
revisions and citations follow their summary, whose id does not change), B's drafts,
the moderators' "added despite a similar one" claims about it, and its aliases; its
followers, topics and search documents move through the `paper_merging` signal
(following.receivers, topics.receivers, search.receivers), which keeps papers from
depending on the apps that refer to it. B's key becomes an alias of A, so
`/paper/<B's key>/` and every `\\cite{}` of it lead to A; B's arXiv id and DOI go to A
where A has none (where A has its own, B's no longer names a paper, and the merge page
says so). B is then deleted.
Summaries that cite B under any of its names are rendered again, so their links and
references name A (a summary citing both shows one reference).

One summary per user per paper. When the same person wrote a summary of each paper,
the one on A stays, and the one on B is folded into it:

- its text, with its own earlier versions, becomes the earliest versions of A's
  summary's history (`SummaryRevision`), so nothing written is lost and the current
  text stays the one the author last chose to show on A;
- its comments move onto the kept summary, and its votes too, one per voter: a reader
  who voted on both keeps the vote on the kept summary (the other is dropped, and
  recorded for undo), and the score is counted again; reports on it move the same way;
- it is deleted, and its author's profile count goes down by one.

A summary is only folded into one with the same visibility (private, anonymous,
hidden): otherwise its text would turn up in the history of a summary others read, or
tie an anonymous text to its author's name. Such a pair blocks the merge, and the page
says which: the author (or a moderator) settles it first.

Drafts, one per author and paper: an author with a draft of each keeps the newer one
(A's when they were saved at the same moment); the other is dropped and recorded.

Every write goes through the paths the site already has: search documents and the
cached fragments of both papers follow the `paper_merging` signal and the saves
(search.receivers, summaries.receivers), citing summaries are rendered by
`Summary.rendered_fields` (papers.rendering), and profile counts are recounted
(accounts.counts). Rows move with one UPDATE per kind, whatever
their number; only folded summaries and citing summaries cost queries each.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Q, Sum, Value, When

from accounts import counts
from moderation.models import Report
from summaries.models import (
    TEXT_FIELDS,
    Citation,
    Comment,
    Draft,
    Summary,
    SummaryRevision,
    Vote,
    hotness,
)
from summaries.tasks import rerender_later

from .models import DistinctClaim, Paper, PaperAlias, PaperCorrection, PaperMerge, PaperRevision
from .signals import paper_merging, summaries_folding

# The flags a folded summary must share with the summary it is folded into.
VISIBILITY = ("is_private", "is_anonymous", "is_hidden")
# The paper's other names, which go to the kept paper where it has none.
IDENTIFIERS = (("arxiv_id", "arXiv id"), ("doi", "DOI"))
# Added to revision numbers while they are renumbered: (summary, number) is unique and
# PostgreSQL checks it row by row, so shifting in place could collide with itself.
RENUMBER_OFFSET = 1_000_000


class MergeRefused(Exception):
    """A merge or an undo that cannot be done cleanly; `problems` say why, for staff."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


@dataclass
class Fold:
    """The same author's summaries of both papers: `merged` is folded into `kept`."""

    kept: Summary
    merged: Summary

    @property
    def problem(self):
        differing = [
            name for name in VISIBILITY if getattr(self.kept, name) != getattr(self.merged, name)
        ]
        if not differing:
            return ""
        words = " and ".join(name.removeprefix("is_") for name in differing)
        return (
            f"{self.who} has a summary of each paper, and one is {words} where the other "
            "is not: folding one into the other would show a text to readers it was not "
            "shown to, or tie it to a name. Ask the author to make them alike, or to "
            "delete one, first."
        )

    @property
    def who(self):
        # Staff see authors in the admin anyway; the merge page still names nobody
        # behind an anonymous summary, as no other page does.
        if self.kept.is_anonymous or self.merged.is_anonymous:
            return "The author of an anonymous summary"
        return self.kept.author.username


@dataclass
class MergePlan:
    """What merging `merged` into `kept` will do, for the confirm page and the merge."""

    kept: Paper
    merged: Paper
    moving: list = field(default_factory=list)  # B's summaries that move as they are
    folds: list = field(default_factory=list)
    drafts_moving: list = field(default_factory=list)
    drafts_dropped: list = field(default_factory=list)
    alias_count: int = 0
    comment_count: int = 0
    vote_count: int = 0
    notes: list = field(default_factory=list)

    @property
    def problems(self):
        if self.kept.pk == self.merged.pk:
            return ["A paper cannot be merged into itself."]
        return [fold.problem for fold in self.folds if fold.problem]


def plan_merge(kept, merged):
    """What a merge of `merged` into `kept` would move, fold and drop: a few queries."""
    plan = MergePlan(kept, merged)
    if kept.pk == merged.pk:
        return plan
    summaries = list(
        Summary.objects.filter(paper=merged)
        .select_related("author")
        .defer(*TEXT_FIELDS)
        .best_first()
    )
    authors = [summary.author_id for summary in summaries]
    on_kept = {
        summary.author_id: summary
        for summary in Summary.objects.filter(paper=kept, author_id__in=authors)
        .select_related("author")
        .defer(*TEXT_FIELDS)
    }
    for summary in summaries:
        if summary.author_id in on_kept:
            plan.folds.append(Fold(on_kept[summary.author_id], summary))
        else:
            plan.moving.append(summary)
    plan.comment_count = Comment.objects.filter(summary__paper=merged).count()
    plan.vote_count = Vote.objects.filter(summary__paper=merged).count()
    plan.alias_count = merged.aliases.count()
    _plan_drafts(plan)
    for name, label in IDENTIFIERS:
        mine, theirs = getattr(kept, name), getattr(merged, name)
        if theirs and not mine:
            plan.notes.append(f"The kept paper takes the {label} {theirs}.")
        elif theirs and theirs.lower() != mine.lower():
            plan.notes.append(
                f"The {label} {theirs} will name no paper: the kept paper has {mine}."
            )
    return plan


def _plan_drafts(plan):
    drafts = Draft.objects.filter(paper__in=[plan.kept, plan.merged]).only(
        "pk", "author_id", "paper_id", "saved_at"
    )
    by_author = {}
    for draft in drafts:
        by_author.setdefault(draft.author_id, []).append(draft)
    for pair in by_author.values():
        if len(pair) == 1:
            if pair[0].paper_id == plan.merged.pk:
                plan.drafts_moving.append(pair[0])
            continue
        # The newer stays; on a tie, the kept paper's.
        pair.sort(key=lambda draft: (draft.saved_at, draft.paper_id == plan.kept.pk))
        older, newer = pair
        plan.drafts_dropped.append(older)
        if newer.paper_id == plan.merged.pk:
            plan.drafts_moving.append(newer)


def merge_papers(kept, merged, by):
    """Merge paper `merged` into `kept` (see the module's docstring); returns the
    PaperMerge that records it. Raises MergeRefused, having changed nothing, when the
    plan has problems or a constraint refuses a row."""
    if kept.pk == merged.pk:
        raise MergeRefused(["A paper cannot be merged into itself."])
    try:
        with transaction.atomic():
            return _merge(kept, merged, by)
    except IntegrityError as error:
        # A row written meanwhile that a constraint refuses beside the ones put back or
        # moved (an id SQLite gave again, a summary added at that moment): the whole
        # transaction was rolled back.
        raise MergeRefused(
            ["Something written since is in the way of a row; nothing was changed."]
        ) from error


def _merge(kept, merged, by):
    # Locked, so that no summary or alias is added to either while they move.
    locked = Paper.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    papers = {paper.pk: paper for paper in locked.order_by("pk")}
    if len(papers) < 2:
        raise MergeRefused(["One of the papers was deleted meanwhile."])
    kept, merged = papers[kept.pk], papers[merged.pk]
    plan = plan_merge(kept, merged)
    if plan.problems:
        raise MergeRefused(plan.problems)
    citing = {row[0] for row in Citation.objects.citing(merged)}
    dropped_drafts = [draft.pk for draft in plan.drafts_dropped]
    record = {
        "paper": dump([merged]),
        "aliases": list(merged.aliases.values_list("pk", flat=True)),
        "summaries": [summary.pk for summary in plan.moving],
        "folds": _fold(plan.folds),
        "drafts": [draft.pk for draft in plan.drafts_moving],
        "drafts_dropped": dump(Draft.objects.filter(pk__in=dropped_drafts)),
    }
    moved = Summary.objects.filter(paper=merged).update(paper=kept)
    if moved != len(plan.moving):
        raise MergeRefused(["The papers' summaries changed meanwhile: try again."])
    Draft.objects.filter(pk__in=dropped_drafts).delete()
    Draft.objects.filter(paper=merged).update(paper=kept)
    record.update(_move_claims(kept, merged))
    # Its suggested corrections and its history are about the same paper: they move too
    # (a pending correction of details the kept paper lacks shows as stale in the queue).
    for name, model in HISTORY.items():
        record[name] = list(model.objects.filter(paper=merged).values_list("pk", flat=True))
        model.objects.filter(paper=merged).update(paper=kept)
    PaperAlias.objects.filter(paper=merged).update(paper=kept)
    # What other apps keep about the paper (follows, topics, search documents) moves
    # too, and the cached pages of both papers go stale.
    for _, part in paper_merging.send(sender=Paper, kept=kept, merged=merged):
        record.update(part or {})
    merged_pk = merged.pk  # delete() clears it
    merged.delete()
    record["filled"] = _fill_identifiers(kept, merged)
    (alias,) = PaperAlias.objects.bulk_create([PaperAlias(paper=kept, key=merged.bibtex_key)])
    record["alias"] = alias.pk
    # Rendered again in the background, after the commit (summaries.tasks).
    rerender_later(citing)
    counts.recount(fold.merged.author_id for fold in plan.folds)
    return PaperMerge.objects.create(
        kept_paper_id=kept.pk,
        merged_paper_id=merged_pk,
        kept_key=kept.bibtex_key,
        merged_key=merged.bibtex_key,
        merged_title=merged.title[:500],
        by=by,
        record=record,
    )


# The rows of a paper's history (papers.history_models), by their name in the record.
HISTORY = {"corrections": PaperCorrection, "revisions": PaperRevision}


def _fold(folds):
    """Fold each pair's merged summary into its kept one; returns what undo needs."""
    if not folds:
        return []
    into = {fold.merged.pk: fold.kept.pk for fold in folds}
    merged_ids, kept_ids = list(into), list(into.values())
    records = {
        pk: {"kept": kept_pk, "comments": [], "votes": [], "reports": [], "citations": []}
        for pk, kept_pk in into.items()
    }
    # What the kept summaries have already: a voter or reporter of both keeps that one.
    voted = set(Vote.objects.filter(summary_id__in=kept_ids).values_list("summary_id", "user_id"))
    reported = set(
        Report.objects.filter(summary_id__in=kept_ids).values_list("summary_id", "reporter_id")
    )
    dropped = {Vote: [], Report: []}
    for model, user_field, seen, name in (
        (Vote, "user_id", voted, "votes"),
        (Report, "reporter_id", reported, "reports"),
    ):
        for row in model.objects.filter(summary_id__in=merged_ids):
            if (into[row.summary_id], getattr(row, user_field)) in seen:
                dropped[model].append(row)
            else:
                records[row.summary_id][name].append(row.pk)
        for row in dropped[model]:
            records[row.summary_id].setdefault(f"{name}_dropped", []).extend(dump([row]))
    comments = Comment.objects.filter(summary_id__in=merged_ids).values_list("pk", "summary_id")
    for pk, summary_id in comments:
        records[summary_id]["comments"].append(pk)
    for citation in Citation.objects.filter(summary_id__in=merged_ids):
        records[citation.summary_id]["citations"] += dump([citation])

    # The merged summary's history, its current text last, goes before the kept one's.
    histories = {pk: [] for pk in merged_ids}
    for revision in SummaryRevision.objects.filter(summary_id__in=merged_ids).order_by("number"):
        histories[revision.summary_id].append((revision.body, revision.written_at))
        records[revision.summary_id].setdefault("revisions", []).extend(dump([revision]))
    for summary in Summary.objects.filter(pk__in=merged_ids):
        records[summary.pk]["summary"] = dump([summary])
        histories[summary.pk].append((summary.body, summary.edited_at or summary.created_at))
    renumber(
        SummaryRevision.objects.filter(summary_id__in=kept_ids),
        {into[pk]: len(texts) for pk, texts in histories.items()},
    )
    new = SummaryRevision.objects.bulk_create(
        SummaryRevision(summary_id=into[pk], number=number, body=body, written_at=written_at)
        for pk, texts in histories.items()
        for number, (body, written_at) in enumerate(texts, start=1)
    )
    merged_of = {kept_pk: pk for pk, kept_pk in into.items()}
    for revision in new:
        records[merged_of[revision.summary_id]].setdefault("new_revisions", []).append(revision.pk)

    for model in (Vote, Report):
        model.objects.filter(pk__in=[row.pk for row in dropped[model]]).delete()
    for model in (Comment, Vote, Report):
        model.objects.filter(summary_id__in=merged_ids).update(summary=switch("summary_id", into))
    # What else refers to a folded summary's comments follows them (search documents).
    summaries_folding.send(sender=Summary, into=into)
    # Through delete(), so that its receivers recount its author and invalidate caches.
    Summary.objects.filter(pk__in=merged_ids).delete()
    rescore(kept_ids)
    return list(records.values())


def _move_claims(kept, merged):
    """Claims that B is distinct from A go (the merge says otherwise); other claims
    about B are now about A, unless A has its own claim as the added paper."""
    claims = list(DistinctClaim.objects.filter(Q(paper=merged) | Q(similar_to=merged)))
    dropped, moved = [], {"paper": [], "similar_to": []}
    kept_has_claim = DistinctClaim.objects.filter(paper=kept).exclude(similar_to=merged).exists()
    for claim in claims:
        if {claim.paper_id, claim.similar_to_id} == {kept.pk, merged.pk}:
            dropped.append(claim)
        elif claim.similar_to_id == merged.pk:
            moved["similar_to"].append(claim.pk)
        elif kept_has_claim:
            dropped.append(claim)
        else:
            moved["paper"].append(claim.pk)
    record = {"claims_dropped": dump(dropped), "claims": moved}
    DistinctClaim.objects.filter(pk__in=[claim.pk for claim in dropped]).delete()
    for name, ids in moved.items():
        DistinctClaim.objects.filter(pk__in=ids).update(**{name: kept})
    return record


def _fill_identifiers(kept, merged):
    """Give `kept` the merged paper's arXiv id and DOI where it has none; returns
    {field: value} of those it took. Through save(), whose receivers see to the rest."""
    filled = {}
    for name, _ in IDENTIFIERS:
        if getattr(merged, name) and not getattr(kept, name):
            filled[name] = getattr(merged, name)
            setattr(kept, name, filled[name])
    if filled:
        kept.save(update_fields=list(filled))
    return filled


def rescore(summary_ids):
    """Store each summary's score as the sum of its votes, and its hotness."""
    totals = dict(
        Vote.objects.filter(summary_id__in=summary_ids)
        .values("summary_id")
        .annotate(total=Sum("value"))
        .values_list("summary_id", "total")
    )
    summaries = list(Summary.objects.filter(pk__in=summary_ids).only("pk", "created_at"))
    for summary in summaries:
        summary.score = totals.get(summary.pk, 0)
        summary.hotness = hotness(summary.score, summary.created_at)
    Summary.objects.bulk_update(summaries, ["score", "hotness"])


def renumber(revisions, shifts):
    """Add `shifts[summary_id]` to the numbers of those summaries' revisions: two
    UPDATEs, whatever their number (see RENUMBER_OFFSET)."""
    if not shifts:
        return
    revisions.update(number=models.F("number") + RENUMBER_OFFSET)
    revisions.update(
        number=models.F("number") - RENUMBER_OFFSET + switch("summary_id", shifts, default=0)
    )


def switch(field_name, mapping, default=None):
    """An expression: `mapping[field]` for each row, else `default` (else the field)."""
    whens = [When(**{field_name: key}, then=Value(value)) for key, value in mapping.items()]
    otherwise = models.F(field_name) if default is None else Value(default)
    return Case(*whens, default=otherwise, output_field=models.BigIntegerField())


class _ExactEncoder(DjangoJSONEncoder):
    # Django's own encoder drops a time's last three digits; undo restores them all.
    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def dump(rows):
    """Rows as Django serializes them, for the log: every field, JSON-safe."""
    return json.loads(json.dumps(serializers.serialize("python", rows), cls=_ExactEncoder))


def load(data):
    """Unsaved model instances, their ids included, from what `dump` made."""
    return [item.object for item in serializers.deserialize("python", data)]


def restore(model, rows):
    """Insert rows made by `load` as they were: bulk_create stamps `auto_now` and
    `auto_now_add` fields with the present time, so they are written back after."""
    rows = list(rows)
    if not rows:
        return
    stamped = [
        field.attname
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    times = [{name: getattr(row, name) for name in stamped} for row in rows]
    model.objects.bulk_create(rows)
    if stamped:
        for row, values in zip(rows, times, strict=True):
            for name, value in values.items():
                setattr(row, name, value)
        model.objects.bulk_update(rows, stamped)
