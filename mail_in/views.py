"""The HTTP door: POST /mail/inbound/ takes one raw RFC 5322 message, signed with a shared secret.

README, "Mail in", shows how to sign a request; docs/mail-in.md, "Doors", why it is built so:

- `X-Mail-Timestamp: <Unix seconds>` and `X-Mail-Signature: sha256=<hex>`, the HMAC-SHA256 of
  `<timestamp>.<body>` with MAIL_INBOUND_SECRET. A timestamp more than 5 minutes from now is
  refused, so a captured request cannot be replayed later; within those minutes a replay is the
  same message, which intake records once (the answer says `"duplicate": true`).
- Refused with 403: no secret set (the door is closed), no or a wrong signature, an old
  timestamp. 411 without a Content-Length; 413 when it is over MAIL_MAX_MESSAGE_MB, decided from
  the Content-Length before a byte of the body is read.
- Neither the secret nor the signature is ever logged; a refusal is a security event.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common.logs import security_event

from .models import InboundMessage
from .services import mail_intake

TIMESTAMP_HEADER = "X-Mail-Timestamp"
SIGNATURE_HEADER = "X-Mail-Signature"
MAX_AGE_SECONDS = 300


def inbound_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """The X-Mail-Signature value for `body` sent at `timestamp`: sha256=<hex>."""
    signed = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _refuse(request: HttpRequest, status: int, reason: str, words: str) -> JsonResponse:
    security_event("mail.inbound_refused", request, reason=reason)
    return JsonResponse({"error": words}, status=status)


def _fresh(timestamp: str) -> bool:
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs(time.time() - int(timestamp)) <= MAX_AGE_SECONDS


@csrf_exempt
@require_POST
def inbound(request: HttpRequest) -> JsonResponse:
    """One signed raw message in; the outcome, and whether it had been taken in before."""
    secret = settings.MAIL_INBOUND_SECRET
    if not secret:
        return _refuse(request, 403, "closed", "Mail intake by HTTP is off.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    if length < 0:
        return JsonResponse({"error": "A Content-Length is needed."}, status=411)
    limit = settings.MAIL_MAX_MESSAGE_MB * 1024 * 1024
    if length > limit:
        return JsonResponse(
            {"error": f"The message is over {settings.MAIL_MAX_MESSAGE_MB} MB."}, status=413
        )
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not timestamp or not signature:
        return _refuse(request, 403, "unsigned", "The request is not signed.")
    if not _fresh(timestamp):
        return _refuse(request, 403, "stale", "The timestamp is more than 5 minutes off.")
    # Read from the stream, not request.body: DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is for forms,
    # and the Content-Length was checked against MAIL_MAX_MESSAGE_MB above.
    body = request.read(length)
    expected = inbound_signature(secret=secret, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode(errors="replace")):
        return _refuse(request, 403, "bad_signature", "The signature does not match.")
    if not body:
        return JsonResponse({"error": "The message is empty."}, status=400)
    message, created = mail_intake(raw=body, door=InboundMessage.Door.WEBHOOK)
    return JsonResponse(
        {
            "outcome": message.outcome,
            "outcome_text": message.get_outcome_display(),
            "reason": message.reason,
            "reference": message.reference,
            "duplicate": not created,
        }
    )
