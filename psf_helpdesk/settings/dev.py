"""Development: debug on by default, everything else from base."""

from .base import *
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
