"""The version of what the public role pages show (/, /roles/ and each role's page).

The lists' drawings are cached under it ({% cache ... roles_version %}), so a visit costs a
cache read instead of three queries and ten role cards; a role page's role and its count of
holders are kept under it too (`kept_with_roles`). Any saved or deleted role, area or interest
gives a new version once its transaction commits; readers then read afresh. Without the cache
(Redis down), every read gets a new version, so pages are read each time and never stale.
"""

import uuid
from collections.abc import Callable

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
    """A signal receiver: a role, area or interest changed, so pages read afresh after commit."""
    transaction.on_commit(lambda: cache.set(KEY, uuid.uuid4().hex, None))


KEEP_SECONDS = 3600


def kept_with_roles[T](name: str, read: Callable[[], T]) -> T:
    """What `read()` returns, kept under the current version: one cache round trip when kept.

    A change commits before the version changes, so whoever sees the new version reads the
    database after the change; an entry written under an old version is never read again.
    """
    key = f"volunteers:{name}"
    kept = cache.get_many([KEY, key])
    version = kept.get(KEY) or roles_version()
    entry = kept.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = read()
    cache.set(key, (version, value), KEEP_SECONDS)
    return value
