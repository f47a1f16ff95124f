"""Who is asking: the one source of the client address for rate limits, allauth and the logs."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"  # noqa: S104  (a placeholder address, never bound to)


def _address(text: str) -> str | None:
    """`text` as an IP address (a port or IPv6 brackets removed), or None if it is not one."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the person making the request. Never raises.

    With TRUSTED_PROXY_COUNT proxies in front, the address the outermost of them saw: the entry
    that many places from the end of X-Forwarded-For (the ones before it are whatever the client
    chose to send, and are ignored). A missing, short or garbled header falls back to
    REMOTE_ADDR, the proxy itself: then everyone behind it shares a bucket, but nobody can pick
    somebody else's.
    """
    remote = _address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < count:
        return remote
    return _address(entries[-count]) or remote
