"""A local stand-in for ORCID's and GitHub's OAuth 2.0 servers and APIs, answering from
tests/data/oauth in the providers' own formats.

Only what allauth's `orcid` and `github` providers call:

- the authorization page (`/orcid/oauth/authorize`, `/github/login/oauth/authorize`),
  which signs in at once as the person the test chose (`sign_in_as`) and sends the
  browser back to `redirect_uri` with a code and the state, or with
  `error=access_denied` after `deny()`, as when the person clicks "Deny";
- the token exchange (`POST /orcid-pub/oauth/token`, `POST /github/login/oauth/access_token`),
  which checks the client id, secret, code and redirect URI, answering errors as each
  provider does (ORCID a 400 with JSON, GitHub a 200 with `error=` form-encoded);
- ORCID's public API record (`/orcid-pub/v3.0/<iD>/record`), and GitHub's `/user` and
  `/user/emails` (`/github-api/...`), for the holder of the token only.

allauth builds each provider's addresses from SOCIALACCOUNT_PROVIDERS once, when its
module is imported, and ORCID's are always https on the base domain and a "pub."
subdomain of it, which no local server can be. The `oauth_providers` fixture therefore
sets on allauth's adapters the same addresses at this server: `/orcid` for
https://orcid.org, `/orcid-pub` for https://pub.orcid.org, `/github` for
https://github.com and `/github-api` for https://api.github.com.
"""

import json
import secrets
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.local_server import LocalServer

DATA = Path(__file__).parent / "data" / "oauth"
CLIENTS = {
    "orcid": ("APP-TESTORCID00001", "orcid-test-secret"),
    "github": ("Iv1.testgithub0001", "github-test-secret"),
}


def _one(query, name):
    return query.get(name, [""])[0]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.server.requests.append(("GET", parts.path, self._headers()))
        if parts.path == "/orcid/oauth/authorize":
            return self._authorize("orcid", query)
        if parts.path == "/github/login/oauth/authorize":
            return self._authorize("github", query)
        if parts.path.startswith("/orcid-pub/v3.0/") and parts.path.endswith("/record"):
            orcid = parts.path.removeprefix("/orcid-pub/v3.0/").removesuffix("/record")
            return self._orcid_record(orcid)
        if parts.path == "/github-api/user":
            return self._github("{}.json")
        if parts.path == "/github-api/user/emails":
            return self._github("{}.emails.json")
        return self._json(404, {"message": "Not Found"})

    def do_POST(self):  # noqa: N802
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        self.server.requests.append(("POST", parts.path, self._headers()))
        if parts.path == "/orcid-pub/oauth/token":
            return self._orcid_token(form)
        if parts.path == "/github/login/oauth/access_token":
            return self._github_token(form)
        return self._json(404, {"message": "Not Found"})

    # The authorization page ---------------------------------------------------------

    def _authorize(self, provider, query):
        client_id = _one(query, "client_id")
        redirect_uri = _one(query, "redirect_uri")
        if client_id != CLIENTS[provider][0] or not redirect_uri:
            # Both providers show an error page of their own, and send nobody back.
            return self._answer(400, b"<h1>Invalid client or redirect URI</h1>", "text/html")
        back = {"state": _one(query, "state")}
        if self.server.denied:
            back = {"error": "access_denied", "error_description": "User denied access"} | back
        else:
            code = secrets.token_urlsafe(6)
            person = self.server.people[provider]
            self.server.codes[code] = (provider, person, redirect_uri)
            back = {"code": code} | back
        self.send_response(302)
        self.send_header("Location", f"{redirect_uri}?{urlencode(back)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _redeem(self, provider, form):
        """The person behind a valid code, which then is spent; None if anything is off."""
        client_id, secret = CLIENTS[provider]
        if (_one(form, "client_id"), _one(form, "client_secret")) != (client_id, secret):
            return None
        found = self.server.codes.pop(_one(form, "code"), None)
        if found is None or found[0] != provider or found[2] != _one(form, "redirect_uri"):
            return None
        token = secrets.token_hex(16)
        self.server.tokens[token] = (provider, found[1])
        return found[1], token

    # ORCID ------------------------------------------------------------------------

    def _orcid_token(self, form):
        redeemed = self._redeem("orcid", form)
        if redeemed is None or _one(form, "grant_type") != "authorization_code":
            error = {"error": "invalid_grant", "error_description": "Invalid authorization code"}
            return self._json(400, error)
        orcid, token = redeemed
        name = self._orcid_name(json.loads((DATA / "orcid" / f"{orcid}.json").read_text()))
        body = (DATA / "orcid" / "token.json").read_text()
        for key, value in {"token": token, "name": name, "orcid": orcid}.items():
            body = body.replace("{" + key + "}", value)
        return self._answer(200, body.encode(), "application/json;charset=UTF-8")

    @staticmethod
    def _orcid_name(record):
        name = record["person"]["name"]
        return f"{name['given-names']['value']} {name['family-name']['value']}"

    def _orcid_record(self, orcid):
        # The public API reads any public record without a token (a member API would
        # need it); allauth asks for ORCID's JSON.
        if self.headers.get("Accept") != "application/orcid+json":
            return self._answer(406, b"Not Acceptable", "text/plain")
        recorded = DATA / "orcid" / f"{orcid}.json"
        if not recorded.is_file():
            return self._json(404, {"response-code": 404, "developer-message": "Not found"})
        return self._answer(200, recorded.read_bytes(), "application/orcid+json;charset=UTF-8")

    # GitHub -----------------------------------------------------------------------

    def _github_token(self, form):
        redeemed = self._redeem("github", form)
        if redeemed is None:
            # GitHub answers a bad code with 200 and an error in the body.
            body = urlencode(
                {
                    "error": "bad_verification_code",
                    "error_description": "The code passed is incorrect or expired.",
                }
            )
            return self._answer(200, body.encode(), "application/x-www-form-urlencoded")
        token = redeemed[1]
        body = (DATA / "github" / "token.txt").read_text().replace("{token}", token)
        return self._answer(200, body.encode(), "application/x-www-form-urlencoded")

    def _github(self, file_pattern):
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        holder = self.server.tokens.get(token) if scheme.lower() == "token" else None
        if holder is None or holder[0] != "github":
            return self._json(401, {"message": "Bad credentials", "status": "401"})
        login = holder[1]
        return self._answer(
            200,
            (DATA / "github" / file_pattern.format(login)).read_bytes(),
            "application/json; charset=utf-8",
        )

    # -----------------------------------------------------------------------------

    def _headers(self):
        return {name.lower(): value for name, value in self.headers.items()}

    def _json(self, status, data):
        return self._answer(status, json.dumps(data).encode(), "application/json")

    def _answer(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class OAuthServer(LocalServer):
    def __init__(self):
        super().__init__(_Handler)
        self.reset()

    def reset(self):
        self.server.requests = []
        self.server.codes = {}
        self.server.tokens = {}
        self.server.denied = False
        self.server.people = {"orcid": "0000-0002-1825-0097", "github": "octocat"}

    def sign_in_as(self, provider, person):
        """Who the next sign-in at `provider` is: an ORCID iD or a GitHub login."""
        self.server.people[provider] = person

    def deny(self):
        """The next authorization is refused, as when the person clicks "Deny"."""
        self.server.denied = True

    @property
    def requests(self):
        """(method, path, headers with lowercased names) of each request, in order."""
        return self.server.requests


@pytest.fixture(scope="session")
def oauth_server():
    server = OAuthServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def oauth_providers(settings, monkeypatch, oauth_server):
    """ORCID and GitHub sign-in on, as ORCID_CLIENT_ID, GITHUB_CLIENT_ID and their
    secrets would turn them on, against the local server."""
    from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter
    from allauth.socialaccount.providers.orcid.views import OrcidOAuth2Adapter

    oauth_server.reset()
    url = oauth_server.url
    settings.SOCIALACCOUNT_PROVIDERS = {
        provider: {
            **settings.SOCIALACCOUNT_PROVIDERS[provider],
            "APPS": [{"client_id": client_id, "secret": secret}],
        }
        for provider, (client_id, secret) in CLIENTS.items()
    }
    # What social_apps() adds to form-action for https://orcid.org and https://github.com.
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {
        **policy["DIRECTIVES"],
        "form-action": [*policy["DIRECTIVES"]["form-action"], url],
    }
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    for name, value in {
        "authorize_url": f"{url}/orcid/oauth/authorize",
        "access_token_url": f"{url}/orcid-pub/oauth/token",
        "profile_url": f"{url}/orcid-pub/v3.0/%s/record",
    }.items():
        monkeypatch.setattr(OrcidOAuth2Adapter, name, value)
    for name, value in {
        "authorize_url": f"{url}/github/login/oauth/authorize",
        "access_token_url": f"{url}/github/login/oauth/access_token",
        "profile_url": f"{url}/github-api/user",
        "emails_url": f"{url}/github-api/user/emails",
    }.items():
        monkeypatch.setattr(GitHubOAuth2Adapter, name, value)
    return oauth_server
