"""The environment, read for settings.py: strict parsers, and the settings that are
built from several variables.

A malformed value raises ImproperlyConfigured, which stops the process at start-up
instead of surfacing later as odd behaviour. Every variable read here or in settings.py
is documented for deployers in README.md ("Environment variables"), which
tests/shortscience/test_settings.py checks.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def envbool(name, default):
    value = os.getenv(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name, default):
    value = os.getenv(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name, default):
    value = os.getenv(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# PostgreSQL settings of every connection (database_from_url).
FIXED_OPTIONS = "-c jit=off -c synchronize_seqscans=off -c enable_memoize=off"


def database_from_url(url, variable="DATABASE_URL"):
    """Turn postgres://user:password@host:port/name?options into a DATABASES entry.

    dj-database-url reads the URL, a percent-encoded socket directory as the host
    included (postgres://user@%2Ftmp%2Fpg/db); query parameters become connection options.
    """
    scheme = url.partition("://")[0]
    if scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"{variable} must be a postgres:// URL, not {scheme}://")
    database = dj_database_url.parse(
        url,
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        # A kept connection is tested before each request reuses it: one that died with
        # a database restart is replaced then, so the site recovers by itself.
        conn_health_checks=True,
    )
    if not database["NAME"]:
        raise ImproperlyConfigured(f"{variable} names no database")
    options = database.setdefault("OPTIONS", {})
    # No JIT compilation: the site's queries are short, and PostgreSQL compiles any query
    # whose estimated cost is high, as a deep page's was: compiling took 1.9 s of its
    # 3.8 s. No synchronized scans: a sequential scan would start where another had got
    # to, so a query that takes the first rows it finds (a search's first MAX_RESULTS
    # matches) found other rows on each request, and a search's pages changed between
    # two clicks. No Memoize nodes: PostgreSQL sizes a Memoize cache by the rows it
    # expects before a LIMIT, so the homepage's page of 11 summaries, joined to their
    # papers and authors, built hash tables for tens of thousands of papers and users
    # on every request: under gunicorn its database time was 2.1 ms with them and 1.2
    # without. The site's queries read bounded pages, where a cache of repeated lookups
    # saves little; the one page measured slower without it is a venue's year (8.1 to
    # 9.4 ms of its database time). Placed first, so that the URL's own `options` still
    # win.
    options["options"] = " ".join(filter(None, [FIXED_OPTIONS, options.get("options")]))
    return database


def read_secret_key(key_file):
    """SECRET_KEY, or else the development key `make run` writes once to `key_file`
    (ignored by git)."""
    if key := os.getenv("SECRET_KEY"):
        return key
    if key_file.exists():
        return key_file.read_text().strip()
    raise ImproperlyConfigured("Set SECRET_KEY in the environment (or run `make run` once).")


def envpair(id_name, secret_name):
    """An OAuth client id and secret, both set or both unset (None): one without the
    other is a mistake in the configuration, not a provider turned off."""
    client_id, secret = os.getenv(id_name, ""), os.getenv(secret_name, "")
    if bool(client_id) != bool(secret):
        raise ImproperlyConfigured(f"Set both {id_name} and {secret_name}, or neither")
    return {"client_id": client_id, "secret": secret} if client_id else None


def social_apps():
    """allauth's SOCIALACCOUNT_PROVIDERS for ORCID and GitHub, from the environment, and
    the origins their sign-in pages are on.

    A provider whose client id and secret are unset gets no app: allauth then does not
    offer it, and accounts.adapter answers its addresses with 404. The origins go into
    the CSP's form-action: the sign-in button posts to the site, which redirects to the
    provider, and browsers hold that redirect to form-action too.
    """
    orcid_domain = os.getenv("ORCID_BASE_DOMAIN", "") or "orcid.org"
    orcid_app = envpair("ORCID_CLIENT_ID", "ORCID_SECRET")
    github_app = envpair("GITHUB_CLIENT_ID", "GITHUB_SECRET")
    providers = {
        # The public API (pub.<domain>) reads the record of whoever signs in; the member
        # API is for institutions that pay ORCID and adds nothing a sign-in needs.
        "orcid": {"BASE_DOMAIN": orcid_domain, "MEMBER_API": False, "APPS": []},
        "github": {"APPS": []},
    }
    origins = []
    if orcid_app:
        providers["orcid"]["APPS"].append(orcid_app)
        origins.append(f"https://{orcid_domain}")
    if github_app:
        providers["github"]["APPS"].append(github_app)
        origins.append("https://github.com")
    return providers, origins


def media_storage():
    """The default storage: a folder (MEDIA_ROOT) unless AWS_STORAGE_BUCKET_NAME names
    an S3-compatible bucket (django-storages). Figures' names are hashes of their
    content: writing one again writes the same bytes, so both overwrite rather than
    pick another name."""
    bucket = os.getenv("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"allow_overwrite": True},
        }
    options = {
        "bucket_name": bucket,
        "file_overwrite": True,
        # The site reads the objects and serves them itself: the bucket stays private
        # and no address of it is ever written in a page.
        "default_acl": None,
        "querystring_auth": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        "location": os.getenv("AWS_LOCATION", ""),
    }
    # Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the
    # environment (or the machine's role), read by boto3 itself.
    for variable, option in (
        ("AWS_S3_ENDPOINT_URL", "endpoint_url"),
        ("AWS_S3_REGION_NAME", "region_name"),
        ("AWS_S3_ADDRESSING_STYLE", "addressing_style"),
    ):
        if value := os.getenv(variable, ""):
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
