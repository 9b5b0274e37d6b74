"""The health check that load balancers and process managers probe."""

import logging

from django.db import DatabaseError
from django.db.models import Case, F, Min, When
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """200 "ok" when the database answers a query, 503 when it does not.

    It touches neither the session nor the user, so a probe costs one query and sets
    no cookie, and it is exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT).

    That query asks for the oldest background task waiting to run, in the header
    `X-Task-Backlog-Seconds` (0 when none waits): a number that keeps growing means no
    worker is running. The tasks ready to run are what the task table's partial index
    holds, so the query reads the backlog and nothing else. A backlog never turns the
    answer into a 503: the pages work without a worker, and a load balancer must not
    take the web servers out for it.
    """
    try:
        oldest = _oldest_waiting_task()
    except DatabaseError as error:
        logger.warning("Health check: database unavailable: %s", error)
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    response = HttpResponse("ok\n", content_type="text/plain")
    backlog = 0 if oldest is None else max(0, (timezone.now() - oldest).total_seconds())
    response["X-Task-Backlog-Seconds"] = str(int(backlog))
    return response


def _oldest_waiting_task():
    """When the longest-waiting task became due: enqueued, or deferred to `run_after`."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    due = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    return DBTaskResult.objects.ready().aggregate(oldest=Min(due))["oldest"]
