"""The production settings, as a deployment gets them: each case starts a fresh process
with only the environment given here (the test suite's own settings play no part)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "k3Jq9vX2mB7pL0sD4fG8hT1yW6zR5cN-aE_uI3oQ2xV9bM7nK4jH0gF8dS6tY1wZ",
    "ALLOWED_HOSTS": "shortscience.example",
}


def run(args, **env):
    # A clean environment: no DEBUG, DATABASE_URL or security override from the caller's.
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "shortscience.settings"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(**env):
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)


def settings_of(*names, **env):
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_the_deploy_check():
    result = check_deploy(**PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_turning_off_the_redirect_is_reported():
    result = check_deploy(**PRODUCTION, SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_defaults_are_secure():
    values = settings_of(
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        **PRODUCTION,
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted():
    values = settings_of("SECURE_PROXY_SSL_HEADER", **PRODUCTION, BEHIND_TLS_PROXY="1")
    assert values == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


def test_development_speaks_plain_http():
    values = settings_of(
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        DEBUG="1",
        SECRET_KEY="dev",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
    }


LOG = (
    "import django, logging; django.setup(); "
    "logging.getLogger('django.request').error('Internal Server Error: /boom/'); "
    "logging.getLogger('summaries').info('an ordinary event')"
)


def test_logs_go_to_standard_output():
    result = run(["-c", LOG], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "ERROR django.request" in result.stdout
    assert "Internal Server Error: /boom/" in result.stdout
    assert "INFO summaries" in result.stdout
    assert result.stderr == ""


def test_log_level_comes_from_the_environment():
    result = run(["-c", LOG], **PRODUCTION, LOG_LEVEL="warning")
    assert "Internal Server Error: /boom/" in result.stdout
    assert "an ordinary event" not in result.stdout
    result = run(["-c", LOG], **PRODUCTION, LOG_LEVEL="loud")
    assert result.returncode != 0
    assert "LOG_LEVEL must be" in result.stderr
