"""A local stand-in for arXiv, Crossref and DBLP, answering from tests/data/sources.

It listens on 127.0.0.1 only, in a thread, so unit tests and the in-process live
server of the browser tests can both ask it. Besides the recorded answers it has
paths that fail the way real services do:

- `/status/500/...` answers HTTP 500,
- `/slow/...` answers only after SLOW_SECONDS (tests lower the client's timeout),
- `/malformed/...` answers 200 with a body that is neither XML nor JSON.

DBLP's search (`/dblp/search/publ/api?q=…`) answers from `dblp/search/<words>.json`,
and with no hits for a query nothing was recorded for.
"""

import json
import re
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

import pytest

from tests.local_server import LocalServer

DATA = Path(__file__).parent / "data" / "sources"
SLOW_SECONDS = 1.5


def _file_name(value):
    return value.replace("/", "_")


def _query_file_name(query):
    """A search's recorded answer: its words lowercased, joined by `_`."""
    return "_".join(re.findall(r"[^\W_]+", query.lower()))


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.server.requests.append(self.path)
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path.startswith("/status/500/"):
            return self._answer(500, b"Internal Server Error", "text/plain")
        if path.startswith("/slow/"):
            time.sleep(SLOW_SECONDS)
            return self._answer(200, b"too late", "text/plain")
        if path.startswith("/malformed/"):
            return self._answer(200, b"<html><body>Service unavailable</body>", "text/html")
        if path == "/arxiv/api/query":
            return self._arxiv(parse_qs(parts.query).get("id_list", [""])[0])
        if path.startswith("/crossref/works/"):
            doi = path.removeprefix("/crossref/works/")
            return self._file(f"crossref/{_file_name(doi.lower())}.json", "application/json")
        if path == "/dblp/search/publ/api":
            return self._dblp_search(parse_qs(parts.query).get("q", [""])[0])
        if path.startswith("/dblp/rec/") and path.endswith(".xml"):
            key = path.removeprefix("/dblp/rec/").removesuffix(".xml")
            return self._file(f"dblp/{_file_name(key)}.xml", "application/xml")
        return self._answer(404, b"Resource not found.", "text/plain")

    def _arxiv(self, id_list):
        recorded = DATA / "arxiv" / f"{_file_name(id_list)}.xml"
        if recorded.is_file():
            return self._answer(200, recorded.read_bytes(), "application/atom+xml")
        # Like the API: an empty feed for an id it lacks, an error entry (400) for one
        # that is not an id at all.
        malformed = not any(char.isdigit() for char in id_list) or " " in id_list
        name, status = ("_error.xml", 400) if malformed else ("_no_results.xml", 200)
        body = (DATA / "arxiv" / name).read_text().replace("{id_list}", escape(id_list))
        return self._answer(status, body.encode(), "application/atom+xml")

    def _dblp_search(self, query):
        recorded = DATA / "dblp" / "search" / f"{_query_file_name(query)}.json"
        if recorded.is_file():
            return self._answer(200, recorded.read_bytes(), "application/json")
        # Like the API: no hits is a 200 answer whose `hits` has no `hit`.
        body = (DATA / "dblp" / "search" / "_no_hits.json").read_text()
        body = body.replace('"{query}"', json.dumps(query))
        return self._answer(200, body.encode(), "application/json")

    def _file(self, relative, content_type):
        recorded = DATA / relative
        if not recorded.is_file():
            return self._answer(404, b"Resource not found.", "text/plain")
        return self._answer(200, recorded.read_bytes(), content_type)

    def _answer(self, status, body, content_type):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client gave up first: the slow path is meant to make it.

    def log_message(self, format, *args):
        pass


class RecordedSources(LocalServer):
    def __init__(self):
        super().__init__(_Handler)
        self.server.requests = []

    @property
    def requests(self):
        """The paths asked for, in order."""
        return self.server.requests

    def settings_for(self, prefix=""):
        """The three base URLs, under `prefix` (e.g. "/status/500") to make them fail."""
        return {
            "ARXIV_API_URL": f"{self.url}{prefix}/arxiv/api/query",
            "CROSSREF_API_URL": f"{self.url}{prefix}/crossref/works",
            "DBLP_URL": f"{self.url}{prefix}/dblp",
        }


@pytest.fixture(scope="session")
def sources_server():
    server = RecordedSources()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def recorded_sources(settings, sources_server):
    """Point the site's arXiv, Crossref and DBLP clients at the recorded answers."""
    for name, value in sources_server.settings_for().items():
        setattr(settings, name, value)
    sources_server.requests.clear()
    return sources_server
