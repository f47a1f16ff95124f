"""Canned replies in the admin: staff keep them (Help requests → Canned replies) and insert one
into a reply box. Without JavaScript, "Insert" posts the form and it comes back as typed, with the
reply's text, placeholders filled, at the end of the box: nothing is saved until staff save."""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.forms.renderers import BaseRenderer
from django.forms.utils import ErrorDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.admin import AuditedModelAdmin

from .models import CannedReply, HelpRequest
from .replies import canned_replies_for, canned_reply_choices, canned_reply_fill

INSERT = "_insert_canned_reply"


class CannedReplySelect(forms.Select):
    """A list of canned replies with its own "Insert" button."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        return format_html(
            '<div class="canned-reply">{} <button type="submit" name="{}" value="1" '
            'class="button">Insert into the reply</button></div>',
            super().render(name, value, attrs, renderer),
            INSERT,
        )


class InsertCannedReplyMixin(forms.Form):
    """A form with a reply box (`canned_reply_target`) and a list of canned replies to put in it.

    Forms say which request fills the placeholders (`canned_reply_request`) and may name the
    amount ({amount}) with `canned_reply_amount`.
    """

    canned_reply_target = "public_reply"

    canned_reply = forms.ChoiceField(
        label="Canned reply",
        required=False,
        widget=CannedReplySelect,
        help_text="Choose one, then “Insert”: its text goes at the end of the reply box, with "
        "{reference}, {name} and {amount} filled in, for you to read and change before you save.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["canned_reply"]).choices = canned_reply_choices(
            self.canned_reply_request()
        )
        self.inserting = self.is_bound and INSERT in self.data
        self._insert_problem = ""
        if self.inserting:
            self._insert()

    def canned_reply_request(self) -> HelpRequest:
        raise NotImplementedError

    def canned_reply_amount(self) -> str:
        return ""

    def _insert(self) -> None:
        chosen = str(self.data.get("canned_reply", ""))
        reply = None
        if chosen.isdigit():
            reply = canned_replies_for(self.canned_reply_request()).filter(pk=chosen).first()
        if reply is None:
            self._insert_problem = "Choose a canned reply to insert."
            return
        text = canned_reply_fill(
            reply=reply,
            help_request=self.canned_reply_request(),
            amount=self.canned_reply_amount(),
        )
        data = cast(Any, self.data).copy()  # a QueryDict (a dict in tests): copied to change
        current = str(data.get(self.canned_reply_target, "")).rstrip()
        data[self.canned_reply_target] = f"{current}\n\n{text}" if current else text
        data["canned_reply"] = ""  # inserted: what is chosen on "Save" was not
        self.data = data

    def full_clean(self) -> None:
        if not self.inserting:
            super().full_clean()
            if getattr(self, "cleaned_data", {}).get("canned_reply"):
                self.add_error(
                    "canned_reply",
                    "Press “Insert” to put this reply in the box and read it before you save, "
                    "or choose “No canned reply”.",
                )
            return
        # Drawn again as typed, with the reply inserted; nothing is checked or saved.
        self._errors = ErrorDict()
        self.cleaned_data = {}
        if self._insert_problem:
            self._errors["canned_reply"] = self.error_class([self._insert_problem])

    def is_valid(self) -> bool:
        return not self.inserting and super().is_valid()


@admin.register(CannedReply)
class CannedReplyAdmin(AuditedModelAdmin):
    list_display = ("title", "purpose", "active", "position")
    list_editable = ("active", "position")
    list_filter = ("purpose", "active")
    search_fields = ("title", "body")
    fields = ("title", "purpose", "body", "position", "active")
