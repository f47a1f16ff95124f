"""Every write to attachments: keeping checked files and deleting them (docs/architecture.md,
"Inside an app").

Files live outside the database, so a rolled-back transaction would leave them behind.
attachments_add writes each file before its row and then registers a keeper with
transaction.on_commit. Django runs the keeper when the outermost transaction commits, and drops
it, unrun, when the transaction or any savepoint it was registered in rolls back (it also
drops it when the connection closes mid-transaction). A keeper dropped unrun deletes the files
it holds: weakref.finalize runs as soon as nothing refers to it any more, which in CPython is the
moment Django discards the list entry. So the files outlive exactly the rows that name them,
whichever atomic block (the caller's, or one around it) rolls back.
"""

import logging
import weakref
from collections.abc import Iterable, Sequence

from django.core.files.storage import Storage
from django.db import models, transaction

from accounts.models import User

from .checks import EXTENSIONS, CheckedFile
from .models import Attachment
from .scanning import scan_later, scan_state_for_new_file

log = logging.getLogger(__name__)


def _delete_stored(storage: Storage, names: Sequence[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # a file left behind must not turn a rollback or commit into an error
            log.exception("Could not delete the stored attachment %s", name)


class _KeepFilesOnCommit:
    """An on_commit callback that deletes its files if it is dropped without being run."""

    def __init__(self, storage: Storage, names: list[str]) -> None:
        # The finalizer refers to the storage and the names, never to self.
        self._forget = weakref.finalize(self, _delete_stored, storage, names)

    def __call__(self) -> None:
        self._forget.detach()  # committed: the files stay


def attachments_add(
    *, owner: models.Model, files: Sequence[CheckedFile], by: User | None
) -> list[Attachment]:
    """Keep checked files for `owner` (a request or a comment) and queue their scans.

    The stored files are removed again if this transaction, or one around it, rolls back.
    """
    storage = _storage()
    stored: list[str] = []
    try:
        with transaction.atomic():
            attachments = []
            state = scan_state_for_new_file()
            for checked in files:
                attachment = Attachment(
                    owner=owner,
                    name=checked.name,
                    mime_type=checked.mime_type,
                    size=checked.size,
                    sha256=checked.sha256,
                    uploaded_by=by,
                    scan_state=state,
                )
                # The path is random (models.stored_name); its suffix follows the detected type.
                checked.content.seek(0)
                attachment.file.save(_storage_name(checked), checked.content, save=False)
                stored.append(str(attachment.file.name))
                attachment.save()
                scan_later(attachment)
                attachments.append(attachment)
            transaction.on_commit(_KeepFilesOnCommit(storage, list(stored)))
    except BaseException:
        _delete_stored(storage, stored)  # the keeper was dropped unregistered, or never made
        raise
    return attachments


def _storage() -> Storage:
    """The storage the model's FileField writes to (storages["attachments"], models.py)."""
    return Attachment._meta.get_field("file").storage  # type: ignore[attr-defined,no-any-return]


def _storage_name(checked: CheckedFile) -> str:
    return "file" + EXTENSIONS[checked.mime_type][0]


def attachments_delete(*, attachments: Iterable[Attachment]) -> int:
    """Delete the rows now and their stored files once the deletion is committed."""
    pks = [attachment.pk for attachment in attachments if attachment.pk is not None]
    if not pks:
        return 0
    storage = _storage()
    with transaction.atomic():
        names = list(
            Attachment.objects.select_for_update().filter(pk__in=pks).values_list("file", flat=True)
        )
        deleted, _ = Attachment.objects.filter(pk__in=pks).delete()
        transaction.on_commit(lambda: _delete_stored(storage, names), robust=True)
    return deleted
