from django.http import HttpResponse


def report(request, kind, pk):
    return HttpResponse(status=501)
