"""Development: debug on by default, everything else from base."""

from .base import *
from .base import LOGGING, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Logs for a person at a terminal (LOG_FORMAT=json to see what production writes).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # type: ignore[index]
