"""Plus addresses that carry a request's reference, signed so nobody can forge one.

`psf+HR-2026-0042.k3x9ab2m@python.org`: the base is MAIL_REPLY_TO, the part after the dot an
HMAC of the reference (docs/mail-in.md, "Threads")."""

import base64
import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "mail_in.addresses.reply"


def _signature(reference: str) -> str:
    digest = salted_hmac(SALT, reference.upper(), algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:8].lower()


def reply_address(reference: str) -> str:
    """The Reply-To for mail about `reference`: a reply to it threads back to the request."""
    local, _, domain = settings.MAIL_REPLY_TO.partition("@")
    return f"{local}+{reference}.{_signature(reference)}@{domain}"


def reference_from_address(address: str) -> tuple[str, bool] | None:
    """For a plus address of ours, (reference, signature_ok); None for any other address."""
    local, _, domain = address.lower().partition("@")
    base_local, _, base_domain = settings.MAIL_REPLY_TO.lower().partition("@")
    if domain != base_domain or not local.startswith(base_local + "+"):
        return None
    tag = local[len(base_local) + 1 :]
    reference, dot, signature = tag.rpartition(".")
    if not dot or not reference:
        return None
    reference = reference.upper()
    return reference, hmac.compare_digest(signature, _signature(reference))
