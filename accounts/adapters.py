"""allauth, the PSF Helpdesk way: our e-mails through the outbox, our names, staff rules."""

import logging
import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from common.date_filters import long_datetime_zone
from common.http import client_ip
from notifications.services import email_queue

from .audit import audit_record
from .middleware import MFA_ENROLLED_AT
from .models import AuditEvent
from .services import authenticator_can_be_removed, user_has_second_factor

logger = logging.getLogger(__name__)

SITE_NAME = "PSF Helpdesk"

# allauth's notices ("your password was changed") become one e-mail of ours; these are its words.
SECURITY_NOTICES = {
    "account/email/password_changed": "The password of your account was changed.",
    "account/email/password_set": "A password was set for your account.",
    "account/email/password_reset": "The password of your account was reset.",
    "account/email/email_changed": "The e-mail address of your account was changed.",
    "account/email/email_confirm": "An e-mail address of your account was confirmed.",
    "account/email/email_deleted": "An e-mail address was removed from your account.",
    "mfa/email/totp_activated": "An authenticator app was set up for your account.",
    "mfa/email/totp_deactivated": "The authenticator app was removed from your account.",
    "mfa/email/recovery_codes_generated": "New recovery codes were made for your account.",
    "mfa/email/webauthn_added": "A security key was added to your account.",
    "mfa/email/webauthn_removed": "A security key was removed from your account.",
}


def _when(moment: Any) -> str:
    return long_datetime_zone(moment)


# Mail anyone can trigger to an address nobody has proved yet: counted against the daily cap.
UNVERIFIED = {
    "accounts/confirm_email",
    "accounts/unknown_account",
    "accounts/account_already_exists",
}


def _account_email(template_prefix: str, context: dict[str, Any]) -> tuple[str, dict, bool]:
    """Our template, a JSON-safe context and whether it holds a secret, for one of allauth's."""
    name = template_prefix.rsplit("/", 1)[-1]
    if name in {"email_confirmation", "email_confirmation_signup"}:
        ctx = {"activate_url": context["activate_url"], "signup": name.endswith("_signup")}
        return "accounts/confirm_email", ctx, True
    if name == "password_reset_key":
        return "accounts/password_reset", {"url": context["password_reset_url"]}, True
    if name == "login_code":
        return "accounts/login_code", {"code": context["code"]}, True
    if name == "unknown_account":
        return "accounts/unknown_account", {"signup_url": context["signup_url"]}, False
    if name == "account_already_exists":
        ctx = {"password_reset_url": context["password_reset_url"]}
        return "accounts/account_already_exists", ctx, False
    what = SECURITY_NOTICES.get(template_prefix)
    if what is None:
        logger.error("accounts.unknown_email template=%s", template_prefix)
        what = "Something changed in your account."
    ctx = {
        "what": what,
        "when": _when(context.get("timestamp") or timezone.now()),
        "ip": str(context.get("ip", "")),
    }
    return "accounts/security_notice", ctx, False


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails are ours and go through the outbox; staff land in the admin."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        template, ctx, secret = _account_email(template_prefix, context)
        email_queue(
            to=[email],
            template=template,
            context=ctx,
            secret=secret,
            unverified=template in UNVERIFIED,
        )

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)  # the project's one reading of X-Forwarded-For

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if request.user.is_staff:
            return reverse("admin:index")
        return reverse("me")

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Right after signing in, staff set up their first second factor (and read the
        recovery codes that come with it) without typing the password again: the set-up the
        staff MFA middleware sends them to is one step of signing in. Others are asked, as
        allauth does, since nothing sends them there.

        Without a second factor, a sign-in in this session (password, or a first password
        chosen from the e-mailed link) less than ACCOUNT_REAUTHENTICATION_TIMEOUT ago stands
        for the password check; once they have one, only a factor set up in this session that
        recently does (accounts.signals records when, MFA_ENROLLED_AT). Anything else, such as a
        further factor or removing one later, asks for the password again.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = self.request
        if not required or app != "allauth.mfa" or request is None:
            return required
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return True
        if user_has_second_factor(user=user):
            last = request.session.get(MFA_ENROLLED_AT, 0)
        else:
            records = get_authentication_records(request, user)
            last = max((record.get("at", 0) for record in records), default=0)
        return time.time() - last >= account_settings.REAUTHENTICATION_TIMEOUT

    def set_password(self, user: Any, password: str) -> None:
        """Every password change (set, change, reset) is recorded with it, in one transaction."""
        with transaction.atomic():
            super().set_password(user, password)
            audit_record(
                action=AuditEvent.Action.PASSWORD_CHANGED, actor=user, request=self.request
            )


class MFAAdapter(DefaultMFAAdapter):
    """Staff keep at least one second factor; keys and codes carry the site's name."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Staff accounts need a second factor: add a security key before you remove the "
            "authenticator app."
        ),
    }

    def _get_site_name(self) -> str:
        return SITE_NAME

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return authenticator_can_be_removed(authenticator=authenticator)
