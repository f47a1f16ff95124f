"""What higher apps may add to attachments (docs/architecture.md, "Extension points").

Attachments know nothing of who owns a file or whom to tell: an app that owns files (help
requests) registers here from its AppConfig.ready(), and is called when one of its files is
quarantined, inside the transaction that quarantines it, so an e-mail it queues through the
outbox commits with the verdict or not at all.
"""

from typing import Protocol

from .models import Attachment


class QuarantineHook(Protocol):
    def __call__(self, *, attachment: Attachment) -> None: ...


_quarantine_hooks: list[QuarantineHook] = []


def on_quarantine(hook: QuarantineHook) -> QuarantineHook:
    """Call `hook(attachment=...)` when a file is quarantined; registering twice adds nothing."""
    if hook not in _quarantine_hooks:
        _quarantine_hooks.append(hook)
    return hook


def quarantine_hooks() -> tuple[QuarantineHook, ...]:
    return tuple(_quarantine_hooks)
