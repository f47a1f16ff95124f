"""Writes on accounts: making staff, and the rule that staff keep a second factor."""

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from notifications.services import email_queue

from .models import User

STAFF_GROUP = "PSF staff"
# What counts as a second factor; recovery codes only stand in for one.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def user_has_second_factor(*, user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def authenticator_can_be_removed(*, authenticator: Authenticator) -> bool:
    """Staff may not remove their last second factor while MFA is required of staff."""
    user = authenticator.user
    if not (settings.STAFF_MFA_REQUIRED and user.is_staff):
        return True
    if authenticator.type not in SECOND_FACTORS:
        return True
    others = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS)
    return others.exclude(pk=authenticator.pk).exists()


def _set_password_url(user: User) -> str:
    token = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return f"{settings.SITE_URL}{path}"


def user_make_staff(*, email: str, superuser: bool = False) -> tuple[User, bool]:
    """Create or promote a person to PSF staff (or superuser); returns the user and whether it
    is new.

    The address is taken as verified (staff give it themselves). Someone without a password gets
    an e-mail with a link to set one; MFA set-up follows at their first sign-in.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(email=email)  # no usable password yet
        user.is_staff = True
        user.is_superuser = user.is_superuser or superuser
        user.save(update_fields=["is_staff", "is_superuser"])
        user.groups.add(Group.objects.get(name=STAFF_GROUP))
        address, _ = EmailAddress.objects.get_or_create(
            user=user, email__iexact=user.email, defaults={"email": user.email}
        )
        if not (address.verified and address.primary):
            address.verified = True
            address.save(update_fields=["verified"])
            address.set_as_primary()
        if not user.has_usable_password():
            email_queue(
                to=[user.email],
                template="accounts/staff_welcome",
                context={"url": _set_password_url(user)},
                secret=True,
            )
    return user, created
