"""Settings, driven by environment variables.

Every knob that differs between a laptop and production is read here, once, through
the strict helpers of shortscience/env.py: a malformed value stops the process at
start-up instead of surfacing later as odd behaviour. README.md ("Environment
variables") documents each variable for deployers.
"""

import os
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from shortscience.env import (
    database_from_url,
    envbool,
    envint,
    envlist,
    media_storage,
    read_secret_key,
    social_apps,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = read_secret_key(BASE_DIR / ".secret_key")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = os.getenv("SITE_NAME", "ShortScience")
# The site's address as readers reach it, for links in mail sent outside a request
# (notifications go out after the commit, when no request is at hand).
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    # Accounts: sign-up, log-in, e-mail addresses and passwords (see "Accounts" below).
    "allauth",
    "allauth.account",
    # Sign-in with ORCID and GitHub, each on only when its app is configured (see
    # "Social log-in" below).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.orcid",
    "allauth.socialaccount.providers.github",
    # Two-factor authentication: an authenticator app's codes, with recovery codes.
    "allauth.mfa",
    "accounts",
    "markup",
    "papers",
    "summaries",
    "search",
    "moderation",
    # Figures uploaded with summaries: the files, their owners and quotas (figures/).
    "figures",
    "topics",
    "following",
    # Background work (mail, re-rendering): Django's tasks framework as backported, its
    # tasks stored in this database (see "Background tasks" in README.md).
    "django_tasks",
    "django_tasks_db",
    # The public read API under /api/ (django-ninja; "ninja" serves its docs page's
    # scripts and styles from its own static files, not from a CDN).
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # /api/ only: no session, tokens, rate limits, CORS and ETags (api/boundary.py).
    # After the session and authentication middleware, whose user it sets aside.
    "api.boundary.ApiBoundaryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Near the end, so that it sees a view's database errors early (exception middleware
    # runs from the bottom up) and answers them with the 503 page.
    "shortscience.middleware.DatabaseUnavailableMiddleware",
    # Last: it wraps the view alone and sees its database errors first, so that a read
    # that failed on the replica is served again from the primary instead of a 503.
    # Not loaded without a replica.
    "shortscience.replica.ReplicaMiddleware",
]

ROOT_URLCONF = "shortscience.urls"
WSGI_APPLICATION = "shortscience.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shortscience.context_processors.site",
            ],
            # The project's own tags that belong to no app.
            "libraries": {
                "once": "shortscience.templatetags.once",
                "timestamps": "shortscience.templatetags.timestamps",
            },
        },
    },
]

if database_url := os.getenv("DATABASE_URL"):
    DATABASES = {"default": database_from_url(database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.getenv("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Writers wait for the lock instead of failing at once under concurrent posts.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

# A streaming replica of the primary (DATABASE_URL). shortscience/replica.py sends
# reads there when that is safe, and a client that has just written reads from the
# primary for REPLICA_PIN_SECONDS, which must exceed the replica's usual lag. Without
# DATABASE_REPLICA_URL the router has no opinion and nothing changes.
if replica_url := os.getenv("DATABASE_REPLICA_URL"):
    if not database_url:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL (the primary)")
    DATABASES["replica"] = {
        **database_from_url(replica_url, "DATABASE_REPLICA_URL"),
        # The test runner cannot create a database on a read-only server: in tests the
        # alias is a second connection to the primary's test database.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["shortscience.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = envint("DATABASE_REPLICA_PIN_SECONDS", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "summaries:home"
LOGOUT_REDIRECT_URL = "summaries:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts are django-allauth's (allauth.account): log-in by username or e-mail, sign-up
# with both, e-mail verification, e-mail change and password reset. The site's own rules
# come in through accounts.adapter (usernames, client addresses) and accounts.forms (the
# sign-up form's honeypot, the site's wording). Sign-in with ORCID and GitHub
# (allauth.socialaccount) and two-factor (allauth.mfa) have their settings below.
# Django's and allauth's backends, which find a session's user through a compiled
# statement (accounts.backends).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Anyone may log in and read with an unverified address; posting waits for the
# verification (accounts.posting).
ACCOUNT_EMAIL_VERIFICATION = "optional"
# One address per account: a new one replaces it once verified.
ACCOUNT_CHANGE_EMAIL = True
# A login lasts SESSION_COOKIE_AGE, as before: no "remember me" box.
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Counted in the default cache, shared by every process once it is Redis. "key" is the
# username or e-mail address typed in; "ip" is accounts.adapter's client address. Sign-ups
# are also limited per hour by RATE_LIMITS["signup"] below, which keeps the posted form.
ACCOUNT_RATE_LIMITS = {
    # Failed log-ins: 10 a minute from one address, 5 in 5 minutes for one account.
    # Past either, the right password is refused too until the window has passed.
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    # Password-reset mails: 20 an hour from one address, 3 an hour to one address.
    "reset_password": "20/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    # One verification mail per address every 3 minutes.
    "confirm_email": "1/3m/key",
}
# Social log-in (allauth.socialaccount): sign-in and sign-up with ORCID or GitHub, and
# connecting either to an existing account. Apps come from the environment (no database
# rows); accounts.adapter.SocialAccountAdapter applies the site's rules: usernames as in
# sign-up, the ORCID iD from an ORCID sign-in, 404 for a provider that is off.
SOCIALACCOUNT_PROVIDERS, SOCIAL_LOGIN_ORIGINS = social_apps()
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "accounts.forms.SocialSignupForm"}
# GitHub's list of the user's addresses ("user:email"), each saying whether GitHub
# verified it.
SOCIALACCOUNT_QUERY_EMAIL = True
# An address from a provider counts as verified only when the provider says so (GitHub's
# list does; ORCID gives none, or only public ones without a word on it): otherwise
# the user verifies it by mail like any other before posting.
SOCIALACCOUNT_EMAIL_VERIFICATION = ACCOUNT_EMAIL_VERIFICATION
# An address that matches an existing account never logs into it: connecting a provider
# is done while logged in (/accounts/3rdparty/).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# The sign-in button posts (with the CSRF token); a plain link would log in on a GET.
SOCIALACCOUNT_LOGIN_ON_GET = False
# Tokens would only be kept to call the providers' APIs later, which the site does not.
SOCIALACCOUNT_STORE_TOKENS = False

# How many proxies of one's own stand before the app, each appending the address it was
# reached from to X-Forwarded-For: the client is the N-th address from the right. 0 (no
# proxy) takes the connection's address. The site's own limits (shortscience.clientip)
# and allauth's count by the same address.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Two-factor authentication (allauth.mfa, under /accounts/2fa/): a code from an
# authenticator app (TOTP), and single-use recovery codes for a lost phone. Once it is
# on, log-in asks for a code after the password. Passkeys (WebAuthn) are left off:
# allauth's pages for them run inline scripts, which the Content-Security-Policy below
# refuses. Only a verified address may turn two-factor on (allauth's default), so that
# a lost phone can be answered by mail.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# Local memory (one per process) unless REDIS_URL names a shared Redis server (or
# CACHE_DIR a folder, for the processes of one machine). Several
# app servers need Redis: rate limits, cached fragments and their invalidation are
# only site-wide when every process sees the same cache.
if REDIS_URL := os.getenv("REDIS_URL", ""):
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis outage slows pages instead of failing them.
            "BACKEND": "shortscience.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "shortscience"),
            # A server that stops answering costs each request at most this, not a hang.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Sessions read from Redis and are written through to the database, so that an
    # evicted or restarted cache logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_DIR := os.getenv("CACHE_DIR", ""):
    # Files in a folder, shared by the processes of one machine: `make run` sets it, so
    # that what its background worker invalidates (an inbox's unread count, fragments
    # of re-rendered summaries) is gone for runserver too.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How long a cached page fragment (homepage, paper page) lives at most. Writes make
# fragments stale at once (shortscience/fragments.py); this bounds how long a relative
# time such as "5 minutes ago" can lag. 0 turns fragment caching off.
FRAGMENT_CACHE_SECONDS = envint("FRAGMENT_CACHE_SECONDS", 300)

# How many posts of each kind one user (or one address, for sign-ups) may make in a
# window of seconds: (posts, seconds). Generous for people, tight for scripts.
RATE_LIMITS = {
    "signup": (5, 3600),
    "summary": (30, 3600),
    "comment": (20, 600),
    "vote": (120, 600),
    "report": (20, 3600),
    # The live preview asks after each pause of 400 ms in typing (static/js/site.js), so
    # no typing, however paced, sends more than 150 a minute; a script is held to that.
    "preview": (150, 60),
    # The write page saves its draft every 10 s while the text changes, and on Preview:
    # 6 a minute from one tab, so 30 leaves room for a few tabs and nothing for a script.
    "draft": (30, 60),
    "paper": (30, 3600),
    "correction": (20, 3600),
    # Checking a reading list (papers.coverage) reads up to 1 MB of BibTeX: a person
    # checks a few lists and fixes them, a script gets two a minute.
    "coverage": (20, 600),
    # Every request to the public API (api.boundary), per access token or else per
    # address: a browser extension asks once per page a reader opens, a bot a few times
    # a second at most.
    "api": (300, 300),
    # Access tokens made on the settings page.
    "api_token": (20, 3600),
    # Figures added to summaries (figures.views.upload): each is decoded and encoded
    # again, up to a second of CPU for the largest.
    "figure": (60, 3600),
    # Follow and unfollow buttons: a reader follows a few things a visit.
    "follow": (60, 600),
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (figures). Texts carry their addresses as /media/figures/<name>, and the
# site serves that path itself (figures.views.serve) from whichever storage holds them,
# so the address stays the same whatever the storage: it is not configurable.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", "") or BASE_DIR / "media")

STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        # Hashed, compressed names need `collectstatic`; development serves files as they are.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Mail: the console by default, SMTP as soon as a host is configured.
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "ShortScience <noreply@localhost>")
if EMAIL_HOST := os.getenv("EMAIL_HOST", ""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds an SMTP connection may wait for the server. Django's default is to wait for
# ever, which would hold a task (and its worker) on a server that stopped answering.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)

# Background tasks: rows of the database's task table (django_tasks_db), written in the
# transaction of the write that causes them, run by `manage.py run_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

CSRF_FAILURE_VIEW = "shortscience.views.csrf_failure"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)

# HTTPS. With DEBUG off the site assumes it is reached over HTTPS: plain http is
# redirected, cookies travel only over HTTPS and browsers are told (HSTS) to use it
# for a year. `make run` (DEBUG=1) speaks plain http on 127.0.0.1, so none of it
# applies there. Each setting can be turned off from the environment by its own name,
# e.g. SECURE_SSL_REDIRECT=0 where a front server already redirects.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the health check over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind a proxy that terminates TLS the app itself only sees http; it must then trust
# the proxy's X-Forwarded-Proto to know the reader's request was HTTPS (or every request
# would be redirected again). Only set this when the proxy always sets that header
# itself, overwriting whatever the client sent.
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: votes.js, comments.js and site.js take the token
# from the form they post.
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): everything comes from the site itself, except
# images in summaries (any https address; the renderer only lets web images through)
# and data: URLs (the icons Bootstrap's CSS draws). No inline script or
# <style> element is allowed. Style *attributes* are, and only they
# (style-src-attr, CSP level 3): KaTeX lays formulas out with style="height: ...;
# margin-right: ..." on its spans. Those come from the renderer, never from a template,
# and pass a strict allowlist of CSS properties and values (markup/katex.py) before
# they are stored; without them formulas collapse into overlapping glyphs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        # The sign-in pages of the social log-in providers that are on (social_apps).
        "form-action": [SELF, *SOCIAL_LOGIN_ORIGINS],
        # Video players, framed only when a reader clicks a preview (static/js/video.js):
        # the two origins of markup.links.VIDEO_EMBEDS and no other.
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Logs go to standard output, where the process manager (systemd, a container
# runtime) collects them. Django's own default prints only with DEBUG on and mails
# server errors to ADMINS, of which there are none: here its messages, failed requests
# included (the django.request logger), go to the same output as everything else.
LOG_LEVEL = os.getenv("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR: {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "{asctime} {levelname} {name} {process}: {message}", "style": "{"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # A warning for every block of a BibTeX text it cannot read: the import and the
        # reading-list check say which blocks those are themselves, once each.
        "bibtexparser": {"level": "ERROR"},
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Limits on user text, shared by forms and the renderer.
SUMMARY_MAX_LENGTH = 100_000
# The shortest summary the form publishes, in characters once the whitespace around the
# text is stripped: "ok." is not a summary, and would lead the Recent feed.
SUMMARY_MIN_LENGTH = envint("SUMMARY_MIN_LENGTH", 100)
# Users with this many accepted corrections to papers' details apply their next ones
# without a moderator (papers.corrections); 0 leaves every correction to moderators.
CORRECTIONS_TRUSTED_AFTER = envint("CORRECTIONS_TRUSTED_AFTER", 0)
COMMENT_MAX_LENGTH = 10_000

# Figures (figures/): the largest file taken, the most pixels one may claim (checked
# from its header, before decoding: a few kilobytes of PNG can claim gigapixels), the
# longest side stored, and what one person may keep.
FIGURE_MAX_BYTES = 10_000_000
FIGURE_MAX_PIXELS = 40_000_000
FIGURE_MAX_SIDE = 2400
FIGURE_QUOTA_BYTES = envint("FIGURE_QUOTA_BYTES", 50_000_000)
FIGURE_QUOTA_COUNT = envint("FIGURE_QUOTA_COUNT", 500)

# Where the add-a-paper page looks papers up, and how long it waits for each answer
# (seconds): a slow service must not hold the page, and the user can still paste
# BibTeX or type the details in.
ARXIV_API_URL = "https://export.arxiv.org/api/query"
CROSSREF_API_URL = "https://api.crossref.org/works"
DBLP_URL = "https://dblp.org"
PAPER_SOURCES_TIMEOUT = 5
