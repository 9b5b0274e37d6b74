"""Votes on summaries: a form post without JavaScript, a fetch with it."""

from django.http import HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def vote(request, pk):
    return HttpResponse(status=501)
