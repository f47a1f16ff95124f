"""What the volunteer services share."""

from django.conf import settings


def site_url(path: str) -> str:
    """An absolute link for an e-mail."""
    return f"{settings.SITE_URL}{path}"
