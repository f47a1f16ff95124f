"""Tests: fast hashing, mail in memory. DATABASE_URL/REDIS_URL still switch to real services."""

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
OUTBOX_RETRY_BASE_SECONDS = 0
# As dev.py: the suite runs on a per-process cache unless REDIS_URL is set; the same list either
# way.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
