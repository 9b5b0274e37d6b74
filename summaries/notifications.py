"""E-mail about new comments and replies, sent after the comment is committed."""


def comment_posted(comment_id):
    """Tell the summary's author about a new comment, and earlier participants about a
    reply, as their preferences allow. Never raises: a failed mail must not turn a
    stored comment into an error page."""
