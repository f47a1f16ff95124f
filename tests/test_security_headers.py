"""Production's security headers and cookies, read off real responses (T25, T26).

A separate process loads settings.prod (the configuration production runs, REDIS_URL included)
and asks the app for a page, a 404 and the admin over HTTPS with Django's test client.
"""

import json
import secrets
import subprocess
import sys

import pytest

from .test_deploy_check import PRODUCTION, ROOT

PROBE = """
import json, django
django.setup()
from django.test import Client, override_settings
# No collectstatic here: plain static storage instead of the manifest (headers do not change).
plain = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
override_settings(STORAGES=plain).enable()
client = Client(HTTP_HOST="helpdesk.python.org")
out = {}
pages = [("page", "/accounts/login/"), ("missing", "/no/such/page/"), ("admin", "/admin/")]
for name, path in pages:
    response = client.get(path, secure=True)
    out[name] = {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {k: {a: str(v[a]) for a in ("secure", "httponly", "samesite")}
                    for k, v in response.cookies.items()},
    }
# The session cookie is set at sign-in: its settings, as production loads them.
from django.conf import settings as s
out["session_cookie"] = [s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE,
                         s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def probe() -> dict:
    """One production process for the module's tests (a process costs about a second)."""
    env = PRODUCTION | {
        "DATABASE_URL": "sqlite:////tmp/psf-headers-probe.sqlite3",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_response_carries_the_security_headers(probe):
    pages = {name: answer for name, answer in probe.items() if name != "session_cookie"}
    assert set(pages) == {"page", "missing", "admin"}
    for name, response in pages.items():
        headers = response["headers"]
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "same-origin", name
        policy = headers["Content-Security-Policy"]
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in policy, (name, policy)
        assert "unsafe-inline" not in policy
        assert headers["X-Request-ID"]


def test_production_cookies_are_secure_host_only_and_not_for_scripts(probe):
    page = probe["page"]
    assert page["status"] == 200
    csrf = page["cookies"]["__Host-csrftoken"]
    assert csrf["secure"] == "True"
    assert csrf["samesite"] == "Lax"
    assert probe["session_cookie"] == ["__Host-sessionid", True, True, "Lax"]
