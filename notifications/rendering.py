"""Turn an outbox row into an EmailMultiAlternatives from its subject/text/html templates."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import OutboundEmail


def email_render(*, email: OutboundEmail) -> EmailMultiAlternatives:
    """Render the three templates of an e-mail; the subject is folded onto one line."""
    context = {**email.context, "site_url": settings.SITE_URL}
    base = f"emails/{email.template}"
    subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=email.headers or None,
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    return message
