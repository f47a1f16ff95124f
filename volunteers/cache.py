"""The version of what the public role lists show (/ and /roles/).

Their drawings of roles are cached under it ({% cache ... roles_version %}), so a visit costs a
cache read instead of three queries and ten role cards. Any saved or deleted role or area gives
a new version once its transaction commits; readers then draw afresh. Without the cache (Redis
down), every read gets a new version, so pages are drawn each time and never stale.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

KEY = "volunteers:roles-version"


def roles_version() -> str:
    """The current version: a new one when none is kept."""
    version = cache.get(KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(KEY, version, None)
    return version


def roles_changed(**kwargs: object) -> None:
    """A signal receiver: roles or areas changed, so the lists are drawn again after commit."""
    transaction.on_commit(lambda: cache.set(KEY, uuid.uuid4().hex, None))
