"""Valid HTML: the Nu HTML Checker reports no errors on the main pages.

The pages are those of the accessibility checks (tests/browser/pages.py) plus the 404
and 500 pages, as the server sends them, fetched (or, for a form's answer, posted) with
Django's test client. The checker
(npm's vnu-jar, pinned in package.json; `make test` installs it into node_modules) runs
once over all of them: one Java start-up instead of one per page.
"""

import re

import pytest
from django.test import RequestFactory

from accounts.models import User
from shortscience.views import server_error
from tests.browser.checks import run_vnu
from tests.browser.pages import build_site

BASE_URL = "http://testserver"


def render_500():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    return response.content.decode()


def fetch_pages(client):
    pages = {}
    for site_page in build_site(BASE_URL):
        client.logout()
        if site_page.user:
            client.force_login(User.objects.get(username=site_page.user))
        if site_page.post:
            response = client.post(site_page.path, dict(site_page.post))
        else:
            response = client.get(site_page.path)
        assert response.status_code == 200, f"{site_page.name}: {response.status_code}"
        pages[site_page.name] = response.content.decode()
    client.logout()
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    pages["404 page"] = response.content.decode()
    pages["500 page"] = render_500()
    return pages


@pytest.mark.django_db
def test_main_pages_are_valid_html(client, tmp_path):
    pages = fetch_pages(client)
    files = {}
    for name, html in pages.items():
        path = tmp_path / (re.sub(r"\W+", "-", name) + ".html")
        path.write_text(html)
        files[path.name] = name

    errors = run_vnu(tmp_path / filename for filename in files)

    lines = []
    for filename, messages in sorted(errors.items()):
        for message in messages:
            where = f"line {message.get('lastLine', '?')}"
            extract = " ".join(message.get("extract", "").split())
            lines.append(
                f"{files.get(filename, filename)}, {where}: {message['message']}\n    {extract}"
            )
    assert not lines, "The Nu HTML Checker found errors:\n" + "\n".join(lines)


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_style_elements(client):
    # A Content-Security-Policy without 'unsafe-inline' is planned: every script and
    # stylesheet has to come from a file.
    for name, html in fetch_pages(client).items():
        # JSON-LD is data, never run, and a CSP does not apply to it.
        inline_script = r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))[^>]*>'
        assert not re.search(inline_script, html), f"inline script: {name}"
        assert "<style" not in html, f"<style> element: {name}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler: {name}"


@pytest.mark.django_db
def test_every_page_has_its_own_title_and_a_description_and_the_favicon(client):
    pages = fetch_pages(client)
    titles = {}
    for name, html in pages.items():
        title = re.search(r"<title>([^<]+)</title>", html)
        description = re.search(r'<meta name="description" content="([^"]+)">', html)
        assert title and title.group(1).strip(), f"no title: {name}"
        assert description and len(description.group(1)) > 20, f"no description: {name}"
        assert re.search(r'<link rel="icon" href="[^"]+\.svg" type="image/svg\+xml">', html), (
            f"no favicon: {name}"
        )
        titles[name] = title.group(1)
    assert len(set(titles.values())) == len(titles), f"titles repeat: {titles}"


def test_the_500_page_stands_alone_without_the_database():
    # No django_db mark: any query here fails the test. The database is the likeliest
    # thing to have broken when this page is shown.
    html = render_500()

    assert "Something went wrong" in html
    assert 'href="/"' in html
    assert "Log in" not in html, "the 500 page uses the base template and its user menu"
