"""The inbox's background tasks (see following.inbox): enqueued with the summary or
comment they are about, by summaries.services, in its transaction; and the digests'
(following.digests), enqueued by the worker when some are due (shortscience/worker.py)."""

from django_tasks import task

from . import digests, inbox


@task()
def fan_out_summary(summary_id):
    return inbox.summary_published(summary_id)


@task()
def notify_new_mentions(summary_id, mentioned_before):
    return inbox.mentions_added(summary_id, mentioned_before)


@task()
def notify_comment(comment_id):
    return inbox.comment_posted(comment_id)


@task()
def send_due_digests():
    """Send a batch of the digests due; a batch that leaves more due enqueues the next,
    so that a backlog drains without waiting for the worker's next look."""
    sent, failed, more = digests.send_due()
    if more:
        send_due_digests.enqueue()
    return {"sent": sent, "failed": failed}
