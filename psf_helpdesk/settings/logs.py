"""Logging: one JSON line per event, each with the id of the request it belongs to, and link
tokens redacted (common/logs.py). LOG_FORMAT=plain is for a person at a terminal (dev's default).
base.py imports this module."""

import environ
from pythonjsonlogger.core import RESERVED_ATTRS

env = environ.Env()

LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "common.logs.RequestIdFilter"},
        "redact": {"()": "common.logs.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message", "request_id"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            # Django puts the request object on its records: its repr has the path, tokens and all.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
        "plain": {
            "()": "common.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
