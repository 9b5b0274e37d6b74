"""The site's URLs plus two pages that do no work of their own, for `bench/pages.py`.

Both run through the same middleware as every page (sessions, CSRF, authentication,
CSP, ...). `/bench/baseline/` is the cheapest answer Django can give: no session, user,
database or template; its throughput is the ceiling the real pages are compared with.
`/bench/empty/` is the site's page template with nothing in it: what every page costs
before its view does anything (the navigation, the links to static files, the feeds).
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from shortscience.urls import handler403, handler404, handler500  # noqa: F401

EMPTY_PAGE = engines["django"].from_string('{% extends "base.html" %}')


def baseline(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def empty_page(request):
    return HttpResponse(EMPTY_PAGE.render({}, request))


bench_urlpatterns = [
    path("baseline/", baseline, name="baseline"),
    path("empty/", empty_page, name="empty"),
]

urlpatterns = [
    path("bench/", include((bench_urlpatterns, "bench"))),
    path("", include("shortscience.urls")),
]
