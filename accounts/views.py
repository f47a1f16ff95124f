"""Account pages of our own, around allauth's."""

from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.views import remove_webauthn
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .services import authenticator_can_be_removed


@login_required
def remove_security_key(request: HttpRequest, pk: int) -> HttpResponse:
    """allauth's "remove security key", refused for a staff member's last second factor."""
    key = get_object_or_404(
        Authenticator, pk=pk, user_id=request.user.pk, type=Authenticator.Type.WEBAUTHN
    )
    if not authenticator_can_be_removed(authenticator=key):
        messages.error(
            request,
            "Staff accounts need a second factor: set up an authenticator app before you "
            "remove your last security key.",
        )
        return redirect("mfa_list_webauthn")
    return remove_webauthn(request, pk=pk)


def admin_signed_in(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Stands in for the admin's own login form, which is never shown.

    Wrapped in allauth's secure_admin_login (psf_helpdesk/urls.py): anonymous visitors go to
    allauth's sign-in, where rate limits and MFA apply; non-staff get a 403; staff signed in
    already go where they were heading. Nothing here accepts a password.
    """
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "admin:index")
