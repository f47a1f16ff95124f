"""E-mailed links to a person's data, for people without an account.

Anyone may ask for a link for any address; the link goes only to that address, through the
outbox (its context is wiped once sent), and the page that asked says the same whether or not
anything is held. Only a hash of the token is stored; a link works once and for
PRIVACY_LINK_MINUTES, and using it opens access for as long again, in that browser only.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from notifications.services import email_queue

from .models import AccessLink


class LinkGone(Exception):
    """The link was used already, or is too old."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=settings.PRIVACY_LINK_MINUTES)


def access_link_request(*, email: str) -> None:
    """Make a link for `email` and e-mail it (at most PUBLIC_MAIL_DAILY_CAP a day per address).

    The caller says the same thing whatever happened: nothing here tells whether the address is
    known, and the e-mail is sent whether or not anything is held about it. The e-mail is queued
    first: when the cap (or an erased address) stops it, no link is written either.
    """
    token = secrets.token_urlsafe(32)
    digest = _hash(token)
    now = timezone.now()
    with transaction.atomic():
        queued = email_queue(
            to=[email],
            template="privacy/access_link",
            context={
                "url": f"{settings.SITE_URL}{reverse('privacy:link', args=[token])}",
                "minutes": settings.PRIVACY_LINK_MINUTES,
            },
            key=f"privacy-link:{digest}",
            secret=True,  # the link is wiped from the outbox once sent
            unverified=True,  # anyone can type any address: the daily cap applies
        )
        if queued:
            AccessLink.objects.create(
                token_hash=digest, email=email, created_at=now, expires_at=now + _window()
            )


def access_link_check(*, token: str) -> AccessLink:
    """The link behind `token`: Http404 for a token never made, LinkGone for one used or old."""
    digest = _hash(token)
    link = AccessLink.objects.filter(token_hash=digest).first()
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        raise Http404("No such link.")
    if link.used_at is not None or link.expires_at <= timezone.now():
        raise LinkGone
    return link


def access_link_use(*, token: str) -> AccessLink:
    """Spend the link (once: under a row lock) and return it; the caller opens the session."""
    digest = _hash(token)
    with transaction.atomic():
        link = AccessLink.objects.select_for_update().filter(token_hash=digest).first()
        if link is None or not hmac.compare_digest(link.token_hash, digest):
            raise Http404("No such link.")
        now = timezone.now()
        if link.used_at is not None or link.expires_at <= now:
            raise LinkGone
        link.used_at = now
        link.save(update_fields=["used_at"])
    return link


def access_link_session(*, link_id: object) -> AccessLink | None:
    """The used link a browser's session holds, while its access lasts (None after, or once
    the address's data was erased, which deletes its links)."""
    if not isinstance(link_id, int):
        return None
    link = AccessLink.objects.filter(pk=link_id, used_at__isnull=False).first()
    if link is None or link.used_at is None or link.used_at + _window() <= timezone.now():
        return None
    return link


def access_links_purge(*, now: datetime | None = None) -> int:
    """Retention: delete links whose access has ended (they hold an address). Idempotent."""
    moment = now or timezone.now()
    return AccessLink.objects.filter(expires_at__lt=moment - _window()).delete()[0]
