"""Signals of the papers app."""

from django.dispatch import Signal

# Papers or aliases were written without save(), which sends no post_save: bulk_create
# in imports, the aliases of papers.services.add_paper. Sent with `papers` and
# `aliases`, the new rows (either may be empty), once they are written, so that what
# depends on a paper's names, such as `\cite{}` links written before the paper or
# the name existed, follows.
names_added = Signal()
