"""What higher apps plug into mail intake (docs/architecture.md, "Extension points").

mail_in reads, records and matches mail; it knows nothing of help requests or the pool. The app
that owns conversations (help_requests) registers one `Conversations` from its AppConfig.ready();
apps that keep addresses (volunteers) register a bounce hook. Every call runs inside intake's
transaction, so what a handler writes (a request, a reply, the outbox rows they queue) commits
with the message's record or not at all.
"""

from dataclasses import dataclass
from typing import Protocol

from django.db import models

from .models import InboundMessage
from .parsing import ParsedMail


@dataclass(frozen=True)
class Routed:
    """What a handler made of a message: the row it created, and the reference it belongs to."""

    target: models.Model
    reference: str
    detail: str = ""


class ReplyRefused(Exception):
    """A handler will not take a reply: the message goes to staff with this reason."""

    def __init__(self, reason: InboundMessage.Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Conversations(Protocol):
    prefix: str  # references look like <prefix>-2026-0042

    def owner_email(self, reference: str) -> str | None:
        """The submitter's address for `reference` ("" if none), or None when it does not exist."""

    def start(self, *, mail: ParsedMail, message: InboundMessage) -> Routed:
        """A new conversation: create what it becomes and acknowledge it as the web form does."""

    def reply(self, *, reference: str, mail: ParsedMail, message: InboundMessage) -> Routed:
        """The submitter's reply to `reference`; raises ReplyRefused to hand it to staff."""


class BounceHook(Protocol):
    def __call__(self, *, address: str, detail: str) -> None: ...


_conversations: list[Conversations] = []
_bounce_hooks: list[BounceHook] = []


def register_conversations(handler: Conversations) -> None:
    """The one handler of new mail and replies; registering again replaces it."""
    _conversations[:] = [handler]


def conversations() -> Conversations | None:
    return _conversations[0] if _conversations else None


def on_bounce(hook: BounceHook) -> BounceHook:
    """Call `hook(address=..., detail=...)` for each address a bounce reports as failed."""
    if hook not in _bounce_hooks:
        _bounce_hooks.append(hook)
    return hook


def bounce_hooks() -> tuple[BounceHook, ...]:
    return tuple(_bounce_hooks)
