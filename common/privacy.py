"""The words and placeholders every app uses when it removes a person's data.

An erased or anonymised row keeps what staff need (a reference, a status, its history) and loses
what names the person. Columns that must not be empty get a placeholder address under
`.invalid` (RFC 2606: it never resolves), which `email_queue` refuses to write to.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.crypto import salted_hmac

from .db import iexact_any

# Free text the person wrote, after they asked for it to be removed.
REMOVED = "[removed at the person's request]"
# ... and after the retention period (nobody asked: the time was up).
EXPIRED = "[removed after the retention period]"
# Who the person was, wherever a record must still name someone.
FORGOTTEN = "a person who asked to be forgotten"
ANONYMISED = "a person whose data was removed after the retention period"

ERASED_DOMAIN = "erased.invalid"
_HASH_SALT = "psf_helpdesk.privacy.address"


def erased_address(label: str, pk: object) -> str:
    """A placeholder address for an e-mail column that must not be empty (unique per row)."""
    return f"{label}-{pk}@{ERASED_DOMAIN}"


def is_erased_address(address: str) -> bool:
    return address.lower().endswith(f"@{ERASED_DOMAIN}")


def address_hash(address: str, secret: str | None = None) -> str:
    """A keyed hash of an address (lower-cased): recognises it again without keeping it."""
    return salted_hmac(
        _HASH_SALT, address.strip().lower(), secret=secret, algorithm="sha256"
    ).hexdigest()


def address_hashes(address: str) -> list[str]:
    """The address's hash under the current key and each of SECRET_KEY_FALLBACKS, so a key
    rotation does not forget who left."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [address_hash(address, secret) for secret in secrets]


def own_rows(emails: Iterable[str], user: Any, *, email: str = "email", by: str = "user") -> Q:
    """The rows that are the person's own: sent from one of their addresses, or from their
    account with no address at all. A row their account sent for another address holds that
    other person's data: not theirs to erase (rows_for_others)."""
    match = iexact_any(email, emails)
    if user is not None and user.is_authenticated:
        match |= Q(**{f"{by}_id": user.pk, email: ""})
    return match


def rows_for_others(
    emails: Iterable[str], user: Any, *, email: str = "email", by: str = "user"
) -> Q:
    """The rows the person's account sent for someone else's address: erasing the person only
    takes the account off them."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{by}_id": user.pk}) & ~own_rows(emails, user, email=email, by=by)


def redact_names(text: str, names: Iterable[str], replacement: str) -> str:
    """`text` with each of `names` (whole words, any case) replaced: a person's name or address
    in what staff wrote about them. Names shorter than three letters are left alone."""
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", replacement, text, flags=re.IGNORECASE)
    return text


def name_parts(name: str) -> list[str]:
    """A name and each of its words: "Grace Hopper" -> ["Grace Hopper", "Grace", "Hopper"]."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    return [name.strip(), *words] if len(words) > 1 else words


@dataclass
class Erased:
    """What one app removed about a person, for the erasure record and for the apps that clean
    up after it (the outbox, the audit record).

    counts: rows changed, by kind. references: what staff still find the rows by (HR-2026-0042).
    values: the strings removed (names, addresses, texts), to take out of e-mails about them.
    markers: strings that find those e-mails (a reference). targets: (model label, pk, new label)
    of each row changed, to relabel it in the audit record and the admin's log.
    """

    counts: dict[str, int] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    values: set[str] = field(default_factory=set)
    markers: set[str] = field(default_factory=set)
    targets: list[tuple[str, Any, str]] = field(default_factory=list)

    def add(self, other: "Erased") -> "Erased":
        for key, count in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + count
        self.references += other.references
        self.values |= other.values
        self.markers |= other.markers
        self.targets += other.targets
        return self

    @property
    def total(self) -> int:
        return sum(self.counts.values())
