"""Undoing a paper merge (papers.merging) from its log entry.

The merged paper comes back under its id, key and fields; its aliases, summaries and
drafts go back to it; a folded summary is restored under its id with its text,
earlier versions, citations, comments, votes and reports, and the kept summary's
history is as it was before (versions written since stay, renumbered). The alias the
merge made is removed, and an arXiv id or DOI the kept paper took goes back. All in
one transaction.

Only a clean undo is done. It is refused, with every reason, when the state the merge
left has changed in a way that undoing would have to guess about: the kept paper or
the alias was deleted, the key, id or an identifier names another paper now, a summary
(or comment, vote, revision) that the merge moved or made was deleted or moved since,
or the author of a summary to restore has closed their account or was banned. Replies
written since to comments that go back go with them. Drafts and claims are the
exceptions: a draft is a passing thing its author may have published or thrown away
since, so those still there go back and the dropped ones come back where their author
has none; a claim comes back when both its papers still exist.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import counts
from accounts.models import User
from moderation.models import Report
from summaries.models import Citation, Comment, Draft, Summary, SummaryRevision, Vote
from summaries.tasks import rerender_later

from .merging import (
    HISTORY,
    IDENTIFIERS,
    MergeRefused,
    load,
    renumber,
    rescore,
    restore,
    switch,
)
from .models import DistinctClaim, Paper, PaperAlias, PaperMerge
from .signals import paper_unmerged


def undo_merge(merge, by):
    """Undo `merge` (a PaperMerge); returns the restored paper. Raises MergeRefused,
    having changed nothing, when it cannot be undone cleanly."""
    try:
        with transaction.atomic():
            return _undo(merge, by)
    except IntegrityError as error:
        # A row written meanwhile that a constraint refuses beside the ones put back or
        # moved (an id SQLite gave again, a summary added at that moment): the whole
        # transaction was rolled back.
        raise MergeRefused(
            ["Something written since is in the way of a row; nothing was changed."]
        ) from error


def _undo(merge, by):
    merge = PaperMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise MergeRefused(["This merge was undone already."])
    record = merge.record
    (merged,) = load(record["paper"])
    kept = Paper.objects.select_for_update().filter(pk=merge.kept_paper_id).first()
    if kept is None:
        raise MergeRefused([f"The kept paper {merge.kept_key} was deleted since."])
    problems = _problems(record, kept, merged)
    if problems:
        raise MergeRefused(problems)

    for name in record["filled"]:
        setattr(kept, name, "")
    if record["filled"]:
        kept.save(update_fields=list(record["filled"]))
    PaperAlias.objects.filter(pk=record["alias"]).delete()
    # The database counts its summaries again as they move back, below.
    merged.public_summary_count = 0
    restore(Paper, [merged])
    PaperAlias.objects.filter(pk__in=record["aliases"]).update(paper=merged)
    Summary.objects.filter(pk__in=record["summaries"]).update(paper=merged)
    restored = _unfold(record["folds"])
    _restore_drafts(record, kept, merged)
    _restore_claims(record, kept, merged)
    # Follows, topics, search documents and cached pages follow (their apps' receivers).
    paper_unmerged.send(
        sender=Paper,
        kept=kept,
        merged=merged,
        record=record,
        unfolded=[summary.pk for summary in restored],
    )
    for name, model in HISTORY.items():
        model.objects.filter(pk__in=record.get(name, ()), paper=kept).update(paper=merged)
    rerender_later({row[0] for row in Citation.objects.citing(merged)})
    counts.recount(summary.author_id for summary in restored)
    merge.undone_at, merge.undone_by = timezone.now(), by
    merge.save(update_fields=["undone_at", "undone_by"])
    return merged


def _problems(record, kept, merged):
    problems = []
    if Paper.objects.filter(pk=merged.pk).exists():
        problems.append(f"Another paper has the id {merged.pk} now.")
    if Paper.objects.by_key(merged.bibtex_key).exists():
        problems.append(f"The key {merged.bibtex_key} is another paper's now.")
    alias = PaperAlias.objects.filter(pk=record["alias"], paper=kept).first()
    if alias is None or alias.key.lower() != merged.bibtex_key.lower():
        problems.append(f"The alias {merged.bibtex_key} of the kept paper was removed since.")
    for name, label in IDENTIFIERS:
        value = getattr(merged, name)
        if name in record["filled"]:
            if getattr(kept, name).lower() != value.lower():
                problems.append(f"The kept paper's {label} was changed since the merge.")
        elif value and Paper.objects.matching(**{name: value}).exists():
            problems.append(f"The {label} {value} names another paper now.")
    _missing(problems, PaperAlias, record["aliases"], "alias", paper=kept)
    _missing(problems, Summary, record["summaries"], "summary", paper=kept)

    folds = record["folds"]
    kept_ids = [fold["kept"] for fold in folds]
    _missing(problems, Summary, kept_ids, "kept summary", paper=kept)
    for model, name, noun in (
        (Comment, "comments", "comment"),
        (Vote, "votes", "vote"),
        (Report, "reports", "report"),
        (SummaryRevision, "new_revisions", "folded version"),
    ):
        where = {fold["kept"]: fold.get(name, []) for fold in folds}
        found = model.objects.filter(pk__in=[pk for ids in where.values() for pk in ids])
        found = set(found.values_list("pk", "summary_id"))
        expected = {(pk, kept_id) for kept_id, ids in where.items() for pk in ids}
        if gone := len(expected - found):
            problems.append(_gone(gone, noun))
    summaries = [summary for fold in folds for summary in load(fold["summary"])]
    if Summary.objects.filter(pk__in=[summary.pk for summary in summaries]).exists():
        problems.append("A summary to restore has its id taken.")
    authors = {summary.author_id for summary in summaries}
    if User.objects.filter(pk__in=authors, is_active=True).count() < len(authors):
        problems.append(
            "The author of a folded summary has closed their account or was banned since."
        )
    return problems


def _missing(problems, model, ids, noun, **where):
    if gone := len(ids) - model.objects.filter(pk__in=ids, **where).count():
        problems.append(_gone(gone, noun))


def _gone(count, noun):
    plural = {"summary": "summaries", "kept summary": "kept summaries", "alias": "aliases"}
    noun = noun if count == 1 else plural.get(noun, f"{noun}s")
    verb = "was" if count == 1 else "were"
    return f"{count} {noun} the merge moved or made {verb} deleted or moved since."


def _unfold(folds):
    """Bring back the folded summaries and what was theirs; returns them."""
    if not folds:
        return []
    summaries = [summary for fold in folds for summary in load(fold["summary"])]
    for summary in summaries:
        # The database counts their comments again as they move back, below.
        summary.comment_count = 0
    restore(Summary, summaries)
    kept_ids = [fold["kept"] for fold in folds]
    SummaryRevision.objects.filter(
        pk__in=[pk for fold in folds for pk in fold["new_revisions"]]
    ).delete()
    renumber(
        SummaryRevision.objects.filter(summary_id__in=kept_ids),
        {fold["kept"]: -len(fold["new_revisions"]) for fold in folds},
    )
    for name in ("revisions", "citations"):
        rows = [row for fold in folds for row in load(fold.get(name, []))]
        restore(SummaryRevision if name == "revisions" else Citation, rows)

    back = {}  # moved row id -> the folded summary's id, per kind
    for fold, summary in zip(folds, summaries, strict=True):
        for name in ("comments", "votes", "reports"):
            back.setdefault(name, {}).update(dict.fromkeys(fold[name], summary.pk))
    comments = back["comments"]
    # Replies written since to a comment that goes back go with their thread.
    replies = dict(
        Comment.objects.filter(parent_id__in=comments)
        .exclude(pk__in=comments)
        .values_list("pk", "parent_id")
    )
    comments.update({pk: comments[parent] for pk, parent in replies.items()})
    for model, name in ((Comment, "comments"), (Vote, "votes"), (Report, "reports")):
        if back[name]:
            model.objects.filter(pk__in=back[name]).update(summary=switch("pk", back[name]))
    # Votes and reports dropped as duplicates come back, but not those of an account
    # closed or banned since, which its closing would have taken away too.
    dropped = {
        Vote: [row for fold in folds for row in load(fold.get("votes_dropped", []))],
        Report: [row for fold in folds for row in load(fold.get("reports_dropped", []))],
    }
    users = {row.user_id for row in dropped[Vote]} | {row.reporter_id for row in dropped[Report]}
    active = set(User.objects.filter(pk__in=users, is_active=True).values_list("pk", flat=True))
    restore(Vote, (row for row in dropped[Vote] if row.user_id in active))
    restore(Report, (row for row in dropped[Report] if row.reporter_id in active))
    rescore([*kept_ids, *(summary.pk for summary in summaries)])
    # Their documents, and their comments' (on the kept summary until now), are written
    # again by search.receivers (paper_unmerged, `unfolded`).
    return summaries


def _restore_drafts(record, kept, merged):
    Draft.objects.filter(pk__in=record["drafts"], paper=kept).update(paper=merged)
    dropped = load(record["drafts_dropped"])
    taken = set(
        Draft.objects.filter(
            author_id__in=[draft.author_id for draft in dropped], paper__in=[kept, merged]
        ).values_list("author_id", "paper_id")
    )
    users = set(
        User.objects.filter(pk__in=[d.author_id for d in dropped], is_active=True).values_list(
            "pk", flat=True
        )
    )
    restore(
        Draft,
        (
            draft
            for draft in dropped
            if (draft.author_id, draft.paper_id) not in taken and draft.author_id in users
        ),
    )


def _restore_claims(record, kept, merged):
    for name, ids in record["claims"].items():
        DistinctClaim.objects.filter(pk__in=ids, **{name: kept}).update(**{name: merged})
    dropped = load(record["claims_dropped"])
    papers = {paper for claim in dropped for paper in (claim.paper_id, claim.similar_to_id)}
    existing = set(Paper.objects.filter(pk__in=papers).values_list("pk", flat=True))
    taken = set(
        DistinctClaim.objects.filter(
            Q(paper_id__in=[claim.paper_id for claim in dropped])
            | Q(pk__in=[claim.pk for claim in dropped])
        ).values_list("paper_id", flat=True)
    )
    restore(
        DistinctClaim,
        (
            claim
            for claim in dropped
            if {claim.paper_id, claim.similar_to_id} <= existing and claim.paper_id not in taken
        ),
    )
