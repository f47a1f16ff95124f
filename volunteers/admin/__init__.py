"""Staff work the volunteer half here: roles, the hands raised for them, and the pool."""

from . import announcements, interests, pool, roles

__all__ = ["announcements", "interests", "pool", "roles"]
