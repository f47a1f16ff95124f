"""Staff work the volunteer half here: roles, the hands raised for them, and the pool."""

from . import interests, pool, roles

__all__ = ["interests", "pool", "roles"]
