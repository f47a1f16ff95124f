"""Response headers, the Content Security Policy, and the public forms' rate limits with the one
source of the client address (base.py imports this module; prod.py adds HTTPS)."""

import environ
from django.utils.csp import CSP

env = environ.Env()

# Content Security Policy: no inline code, scripts only from us or with the page's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Public forms: POSTs per minute per address, counted in the shared cache (429 past it).
RATELIMIT_FORM_RATE = env("RATELIMIT_FORM_RATE", default="10/m")
RATELIMIT_VIEW = "psf_helpdesk.views.ratelimited"
RATELIMIT_FAIL_OPEN = True  # a Redis outage must not lock people out of the forms
# Proxies in front that append to X-Forwarded-For (Compose: 1, its Caddy). common.http.client_ip
# reads it, and is the one source of the client address: django-ratelimit, allauth, the logs.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "common.http.client_ip"
