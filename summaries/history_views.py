"""A summary's earlier versions, and the differences between any two."""

from django.http import HttpResponse


def history(request, pk):
    return HttpResponse(status=501)


def diff(request, pk):
    return HttpResponse(status=501)
