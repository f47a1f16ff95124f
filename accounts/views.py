"""The signed-in person's own page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from help_requests.selectors import help_requests_of_user


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """Everything a signed-in person has sent the PSF, with links to follow each."""
    context = {"help_requests": help_requests_of_user(user=request.user)}
    return render(request, "accounts/me.html", context)
