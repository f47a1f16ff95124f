from django.apps import AppConfig


class HelpRequestsConfig(AppConfig):
    name = "help_requests"
    verbose_name = "Help requests"

    def ready(self) -> None:
        from attachments.extensions import on_quarantine
        from common.lookups import lookup_table
        from mail_in.extensions import register_conversations

        from .mail import HelpRequestConversations
        from .models import HelpKind
        from .quarantine import help_request_attachment_quarantined

        lookup_table(HelpKind)
        on_quarantine(help_request_attachment_quarantined)
        # Mail to psf@ that starts a conversation or answers one (docs/mail-in.md, "Threads").
        register_conversations(HelpRequestConversations())
