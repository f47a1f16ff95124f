"""The signed-in person's own page."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from help_requests.selectors import help_requests_of_user
from volunteers.selectors import pool_membership_of_user, role_interests_of_user


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """Everything a signed-in person has sent the PSF: requests, raised hands, pool membership."""
    user = cast(User, request.user)  # login_required
    context = {
        "help_requests": help_requests_of_user(user=user),
        "interests": role_interests_of_user(user=user),
        "pool_member": pool_membership_of_user(user=user),
    }
    return render(request, "accounts/me.html", context)
