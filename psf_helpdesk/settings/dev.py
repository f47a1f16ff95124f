"""Development: debug on by default, everything else from base."""

from .base import *
from .base import LOGGING, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="plain")
