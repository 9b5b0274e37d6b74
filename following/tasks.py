"""The inbox's background tasks (see following.inbox): enqueued with the summary or
comment they are about, by summaries.services, in its transaction."""

from django_tasks import task

from . import inbox


@task()
def fan_out_summary(summary_id):
    return inbox.summary_published(summary_id)


@task()
def notify_comment(comment_id):
    return inbox.comment_posted(comment_id)
