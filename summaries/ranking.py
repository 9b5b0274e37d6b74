"""The Popular tab's order: a summary's score with a time decay, stored as `hotness`."""

# How fast Popular forgets: one vote is worth this many seconds of being newer. Votes
# are few on a site like this one, so a vote counts for a lot: a summary with five more
# votes ranks level with one written ten days later.
SECONDS_PER_VOTE = 2 * 24 * 3600


def hotness(score, created_at):
    """Score with a time decay: the score, plus a term that grows with the creation time.

    Newer summaries rank higher for the same score, and a summary's place never changes
    unless its score does, so the value can be stored and indexed.
    """
    return round(score + created_at.timestamp() / SECONDS_PER_VOTE, 7)
