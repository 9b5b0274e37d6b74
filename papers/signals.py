"""Signals of the papers app."""

from django.dispatch import Signal

# Papers or aliases were written without save(), which sends no post_save: bulk_create
# in imports, the aliases of papers.services.add_paper. Sent with `papers` and
# `aliases`, the new rows (either may be empty), once they are written, so that what
# depends on a paper's names, such as `\cite{}` links written before the paper or
# the name existed, follows.
names_added = Signal()

# A paper is being merged into another (papers.merging), inside the merge's transaction,
# before the merged paper is deleted: sent with `kept` and `merged`. What other apps
# keep about a paper moves to the kept one here (follows, topics). Each receiver returns
# a dict of JSON values, which goes into the merge's record under its own keys, and
# gets that dict back with `paper_unmerged` when the merge is undone.
paper_merging = Signal()
# The merge is being undone (papers.merge_undo), inside its transaction, after the
# merged paper is back: sent with `kept`, `merged` and `record`, the whole record.
paper_unmerged = Signal()
