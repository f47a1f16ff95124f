"""A settings module as a process started with a given environment reads it, in this process.

A process of its own (`manage.py check`) costs about 1.5 s of CPU, most of it importing Django
and the apps; what a settings module decides from the environment (a missing secret, no scanner,
no demo password) is decided when the module is imported, which takes milliseconds. The running
test's own settings are left as they were.
"""

import importlib
import os
import sys
from types import ModuleType

import psf_helpdesk

PACKAGE = "psf_helpdesk.settings"


def settings_module(name: str, env: dict[str, str]) -> ModuleType:
    """`name` (e.g. psf_helpdesk.settings.prod) imported afresh, with the modules it builds on,
    as if `env` were the whole environment; errors it raises (ImproperlyConfigured) propagate."""
    ours = {key: module for key, module in sys.modules.items() if _in_package(key)}
    environ = dict(os.environ)
    try:
        for key in ours:
            del sys.modules[key]
        os.environ.clear()
        os.environ.update(env)
        return importlib.import_module(name)
    finally:
        os.environ.clear()
        os.environ.update(environ)
        for key in [key for key in sys.modules if _in_package(key)]:
            del sys.modules[key]
        sys.modules.update(ours)
        psf_helpdesk.settings = ours[PACKAGE]  # the import rebound it


def _in_package(key: str) -> bool:
    return key == PACKAGE or key.startswith(PACKAGE + ".")
