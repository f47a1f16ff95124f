"""Turn an outbox row into an EmailMultiAlternatives from its subject/text/html templates."""

from email import policy as email_policy
from email.message import EmailMessage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import OutboundEmail
from .services import LOOP_HEADER


class LongLineEmail(EmailMultiAlternatives):
    """An e-mail whose lines may be as long as RFC 5322 allows (998), not 78.

    With 78, Python's e-mail package cannot fold a long link, so it RFC 2047-encodes the
    List-Unsubscribe header (which mail clients then cannot use) and quoted-printable-encodes
    the body (which breaks the links in a console or plain-text view).
    """

    def message(self, *, policy: email_policy.Policy | None = None) -> EmailMessage:
        policy = policy or email_policy.default
        return super().message(policy=policy.clone(max_line_length=998))


def email_render(*, email: OutboundEmail) -> EmailMultiAlternatives:
    """Render the three templates of an e-mail; the subject is folded onto one line.

    The e-mail carries the row's own Message-ID (so every try sends the same one, and a reply's
    In-Reply-To finds the row) and the loop header (docs/mail-in.md, "Threads")."""
    context = {**email.context, "site_url": settings.SITE_URL}
    base = f"emails/{email.template}"
    subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
    headers = {**email.headers, LOOP_HEADER: "1"}
    if email.message_id:  # rows written before Message-IDs were kept get one from Django
        headers["Message-ID"] = f"<{email.message_id}>"
    message = LongLineEmail(
        subject=subject,
        body=render_to_string(f"{base}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    return message
