"""A Redis cache that degrades instead of failing: a Redis outage must not turn pages into 500s.

Rate-limit counters and allauth's login throttle live in this cache. When Redis is unreachable
each operation logs a warning and answers as a cache miss, so limits fail open (documented choice;
see README "Redis outages") and every form keeps working.
"""

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
REDIS_DOWN = (ConnectionError, TimeoutError)


class ResilientRedisCache(RedisCache):
    def _miss(self, operation: str, exc: Exception, default: Any = None) -> Any:
        logger.warning("cache.unavailable op=%s error=%s", operation, exc)
        return default

    def add(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except REDIS_DOWN as exc:
            return self._miss("add", exc, False)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)
        except REDIS_DOWN as exc:
            return self._miss("get", exc, default)

    def set(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except REDIS_DOWN as exc:
            self._miss("set", exc)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        try:
            return super().incr(key, delta, version)
        except REDIS_DOWN as exc:
            return self._miss("incr", exc)

    def delete(self, key: Any, version: Any = None) -> bool:
        try:
            return super().delete(key, version)
        except REDIS_DOWN as exc:
            return self._miss("delete", exc, False)
