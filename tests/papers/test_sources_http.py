"""How each client fails: server errors, time-outs, garbage and no server at all.

Every case is served by the local recorded-sources server (or refused on the
loopback); none reaches the outside network.
"""

import time

import pytest

from papers.sources import SourceError, arxiv, crossref, dblp

CLIENTS = [
    pytest.param(arxiv.fetch, "1608.06993", "arXiv", id="arxiv"),
    pytest.param(crossref.fetch, "10.1038/nature14539", "Crossref", id="crossref"),
    pytest.param(dblp.fetch, "conf/cvpr/HuangLMW17", "DBLP", id="dblp"),
]


@pytest.fixture
def failing_sources(settings, sources_server):
    def point_at(prefix):
        for name, value in sources_server.settings_for(prefix).items():
            setattr(settings, name, value)

    return point_at


@pytest.mark.parametrize(("fetch", "identifier", "service"), CLIENTS)
def test_server_error(failing_sources, fetch, identifier, service):
    failing_sources("/status/500")
    with pytest.raises(SourceError, match=rf"^{service} answered with an error \(HTTP 500\)\.$"):
        fetch(identifier)


@pytest.mark.parametrize(("fetch", "identifier", "service"), CLIENTS)
def test_timeout(failing_sources, settings, fetch, identifier, service):
    failing_sources("/slow")
    settings.PAPER_SOURCES_TIMEOUT = 0.3
    started = time.monotonic()
    with pytest.raises(SourceError, match=rf"^{service} did not answer within 0\.3 seconds\.$"):
        fetch(identifier)
    assert time.monotonic() - started < 1.2  # the server would have taken 1.5 s


@pytest.mark.parametrize(("fetch", "identifier", "service"), CLIENTS)
def test_malformed_body(failing_sources, fetch, identifier, service):
    failing_sources("/malformed")
    with pytest.raises(SourceError, match=rf"^{service} sent an answer that could not be read\.$"):
        fetch(identifier)


@pytest.mark.parametrize(("fetch", "identifier", "service"), CLIENTS)
def test_unreachable(fetch, identifier, service):
    # tests/settings.py points every client at a closed port on the loopback.
    with pytest.raises(SourceError, match=rf"^{service} could not be reached\.$"):
        fetch(identifier)


def test_oversized_answer_is_refused(monkeypatch, recorded_sources):
    from papers.sources import http

    monkeypatch.setattr(http, "MAX_BYTES", 100)
    with pytest.raises(SourceError, match="could not be read"):
        arxiv.fetch("1608.06993")
