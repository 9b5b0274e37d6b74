"""Signals of the papers app.

Papers is written to without save() in a few places (imports, merges, renaming venues),
and other apps keep things that follow a paper: search documents (search.receivers),
cached pages (summaries.receivers), follows and topics. Rather than call them, papers
announces such writes here, so that it imports none of those apps.
"""

from django.dispatch import Signal

# Papers or aliases were written without save(), which sends no post_save: bulk_create
# in imports, the aliases of papers.services.add_paper. Sent with `papers` and
# `aliases`, the new rows (either may be empty), once they are written, so that what
# depends on a paper's names, such as `\cite{}` links written before the paper or
# the name existed, follows.
names_added = Signal()

# Papers were written in bulk by an import (COPY, bulk_create, bulk_update), inside its
# transaction: what follows a paper's save() must follow these. Sent with `created`
# (Paper instances, every column set), `updated` ([(paper, {field: new value})]) and
# `reindex`, False when the caller rebuilds the search index itself.
papers_imported = Signal()

# Venues were renamed in place (`manage.py normalize_venues`): sent with `changes`,
# {old spelling: new name}, after the papers' rows were updated.
venues_renamed = Signal()

# A paper is being merged into another (papers.merging), inside the merge's transaction,
# before the merged paper is deleted: sent with `kept` and `merged`. What other apps
# keep about a paper moves to the kept one here (follows, topics, search documents).
# Each receiver returns a dict of JSON values (or None), which goes into the merge's
# record under its own keys, and gets that dict back with `paper_unmerged` when the
# merge is undone.
paper_merging = Signal()
# In a merge, one person's summary of the merged paper is being folded into theirs of
# the kept paper: sent with `into`, {folded summary's id: kept summary's id}, once the
# folded ones' comments have moved to the kept ones and before the folded ones are
# deleted (taking with them what refers to them, such as search documents).
summaries_folding = Signal()
# The merge is being undone (papers.merge_undo), inside its transaction, after the
# merged paper is back with its summaries: sent with `kept`, `merged`, `record`, the
# whole record, and `unfolded`, the ids of the folded summaries made again.
paper_unmerged = Signal()
