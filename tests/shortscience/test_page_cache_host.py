"""A visitor's cached page is kept per address: scheme, host and path.

Pages print absolute addresses built from the request (og:url, a sitemap's entries), so
a page built for one host name must never be served to another (shortscience/fragments.py,
`cached_page`).
"""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_paper, make_summary

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("caching"),
]

HOSTS = ["localhost", "127.0.0.1"]


@pytest.fixture
def caching():
    with override_settings(ALLOWED_HOSTS=HOSTS, FRAGMENT_CACHE_SECONDS=300):
        yield


def og_url(response):
    assert response.status_code == 200
    return re.search(r'<meta property="og:url" content="([^"]*)"', response.content.decode())[1]


@pytest.mark.parametrize("url", [reverse("summaries:home"), reverse("papers:venues")])
def test_each_host_gets_its_own_og_url(client, url):
    make_summary()
    for _ in range(2):  # built, then served from the cache
        for host in HOSTS:
            response = client.get(url, HTTP_HOST=host)
            assert og_url(response) == f"http://{host}{url}"


def test_each_scheme_gets_its_own_og_url(client):
    url = reverse("summaries:home")
    for _ in range(2):
        assert og_url(client.get(url, HTTP_HOST="localhost")) == f"http://localhost{url}"
        assert og_url(client.get(url, HTTP_HOST="localhost", secure=True)) == (
            f"https://localhost{url}"
        )


def test_the_cached_sitemap_names_the_host_it_was_asked_on(client):
    make_summary()
    url = reverse("discovery:sitemap_section", args=["papers"])
    for _ in range(2):
        for host in HOSTS:
            xml = b"".join(client.get(url, HTTP_HOST=host)).decode()
            locations = re.findall(r"<loc>([^<]*)</loc>", xml)
            assert locations
            assert all(loc.startswith(f"http://{host}/") for loc in locations), locations


def test_a_papers_page_names_its_host_with_its_listing_cached(client):
    """Its summaries are a cached fragment of relative links only; the addresses the
    page prints (og:url, canonical, JSON-LD) are built per request."""
    paper = make_paper("conf/nips/RenHGS15")
    make_summary(paper=paper)
    url = paper.get_absolute_url()
    for _ in range(2):
        for host in HOSTS:
            response = client.get(url, HTTP_HOST=host)
            html = response.content.decode()
            assert og_url(response) == f"http://{host}{url}"
            assert f'<link rel="canonical" href="http://{host}{url}">' in html
            other = next(name for name in HOSTS if name != host)
            assert f"//{other}/" not in html
