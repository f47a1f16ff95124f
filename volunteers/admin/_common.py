"""What the volunteer admins share: "apply a service to each"."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def _each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    rows: Iterable[Any],
    change: Callable[[Any], Any],
    done: str,
) -> None:
    """Apply a service to each selected row; rows it refuses are reported, not half-done."""
    changed, refused = 0, []
    for obj in list(rows):
        try:
            change(obj)
        except ValidationError as error:
            refused.extend(error.messages)
            continue
        modeladmin.log_change(request, obj, done)
        changed += 1
    if changed:
        modeladmin.message_user(request, f"{changed} {done}.")
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)
