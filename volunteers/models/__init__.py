"""Volunteer roles, the people who raise a hand for them, and the volunteer pool mailing list.

Split by what they hold: roles.py (areas, roles, interests), pool.py (the pool's members, their
consents, opt-outs), mailings.py (announcements and the mailings that send them). Import from here.
"""

from .mailings import Announcement, PoolMailing, validate_subject
from .pool import (
    POOL_CONSENT_TEXT,
    POOL_PREFERENCES_CONSENT_TEXT,
    PoolConsent,
    PoolMember,
    PoolOptOut,
    PoolSignup,
    new_token,
)
from .roles import (
    RESERVED_SLUGS,
    Area,
    Role,
    RoleInterest,
    RoleInterestChange,
    role_search_vector,
    validate_role_slug,
)

__all__ = [
    "POOL_CONSENT_TEXT",
    "POOL_PREFERENCES_CONSENT_TEXT",
    "RESERVED_SLUGS",
    "Announcement",
    "Area",
    "PoolConsent",
    "PoolMailing",
    "PoolMember",
    "PoolOptOut",
    "PoolSignup",
    "Role",
    "RoleInterest",
    "RoleInterestChange",
    "new_token",
    "role_search_vector",
    "validate_role_slug",
    "validate_subject",
]
