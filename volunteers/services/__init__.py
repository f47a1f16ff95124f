"""Every write to roles, interests and the volunteer pool; each one queues its e-mails.

Split by what they write: roles.py, interests.py, pool.py (joining and leaving), mailings.py
(what the pool is sent). Import from here.
"""

from .interests import (
    InterestAlreadyRegistered,
    RoleNotOpen,
    role_interest_check_status,
    role_interest_complete_vetting,
    role_interest_newer_hand,
    role_interest_register,
    role_interest_set_status,
    role_interests_escalate_stale,
)
from .pool import (
    ConfirmationExpired,
    pool_address_bounced,
    pool_confirmation_expired,
    pool_join,
    pool_member_confirm,
    pool_member_set_preferences,
    pool_member_suppress,
    pool_member_unsubscribe,
    pool_members_mark_announced,
    pool_signups_expire,
)
from .roles import (
    role_check_can_fill,
    role_mark_filled,
    role_mark_reviewed,
    role_save,
    role_set_status,
    roles_close_expired,
)

__all__ = [
    "ConfirmationExpired",
    "InterestAlreadyRegistered",
    "RoleNotOpen",
    "pool_address_bounced",
    "pool_confirmation_expired",
    "pool_join",
    "pool_member_confirm",
    "pool_member_set_preferences",
    "pool_member_suppress",
    "pool_member_unsubscribe",
    "pool_members_mark_announced",
    "pool_signups_expire",
    "role_check_can_fill",
    "role_interest_check_status",
    "role_interest_complete_vetting",
    "role_interest_newer_hand",
    "role_interest_register",
    "role_interest_set_status",
    "role_interests_escalate_stale",
    "role_mark_filled",
    "role_mark_reviewed",
    "role_save",
    "role_set_status",
    "roles_close_expired",
]
