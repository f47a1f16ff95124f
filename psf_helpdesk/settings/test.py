"""Tests: fast hashing, mail in memory. DATABASE_URL/REDIS_URL still switch to real services."""

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
OUTBOX_RETRY_BASE_SECONDS = 0
