"""Thin views for roles, interests and the volunteer pool: parse, call a service, render."""

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.selectors import verified_emails
from common.forms import form_ratelimit, log_honeypot, render_form, sent_too_often

from .cache import roles_version
from .forms import PoolJoinForm, PoolPreferencesForm, RoleFilterForm, RoleInterestForm
from .models import POOL_PREFERENCES_CONSENT_TEXT, Announcement, PoolSignup, Role
from .selectors import (
    announcements_public,
    areas_with_open_roles,
    pool_member_for_token,
    pool_signup_for_token,
    role_for_page,
    roles_open,
)
from .services import (
    ConfirmationExpired,
    InterestAlreadyRegistered,
    RoleNotOpen,
    pool_confirmation_expired,
    pool_join,
    pool_member_confirm,
    pool_member_set_preferences,
    pool_member_unsubscribe,
    role_interest_register,
)

logger = logging.getLogger(__name__)

ROLES_PER_PAGE = 10
ANNOUNCEMENTS_PER_PAGE = 20
FEED_SIZE = 50


def role_list(request: HttpRequest) -> HttpResponse:
    """Open roles, newest first; filter by area, search, page through."""
    form = RoleFilterForm(request.GET)
    form.is_valid()  # a bad area is reported next to the filter and ignored
    area = form.cleaned_data.get("area")
    q = form.cleaned_data.get("q", "")
    page_number = request.GET.get("page", "1")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        # Lazy: the lists are cached under roles_version, and read only when they are drawn.
        "page": SimpleLazyObject(
            lambda: Paginator(roles_open(area=area, q=q), ROLES_PER_PAGE).get_page(page_number)
        ),
        "page_number": page_number,
        "roles_version": roles_version(),
        "area": area,
        "q": q,
        "areas": SimpleLazyObject(lambda: list(areas_with_open_roles())),
        "query": query.urlencode(),
        "filtered": bool(area or q),
    }
    return render(request, "volunteers/role_list.html", context)


@require_http_methods(["GET", "POST"])
@form_ratelimit
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One role: what it is, what it asks, who to talk to, and the "I'm interested" form."""
    role = role_for_page(slug=slug, include_drafts=request.user.is_staff)
    share_url = request.build_absolute_uri(role.get_absolute_url())
    if role.status == Role.Status.DRAFT:  # staff preview what the public will see
        context: dict[str, Any] = {"role": role, "share_url": share_url, "preview": True}
        return render(request, "volunteers/role_detail.html", context)
    if not role.is_open:
        return render(request, "volunteers/role_gone.html", {"role": role}, status=410)
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        form = RoleInterestForm(request.POST)
        limited = sent_too_often(request, form)
        if not limited and form.is_bot:
            log_honeypot(request, "role_interest")
            return redirect(role)
        if not limited and form.is_valid():
            try:
                role_interest_register(role=role, user=user, **form.data_without_honeypot())
            except InterestAlreadyRegistered:
                pass  # the same answer as a first time: nobody learns who applied, or when
            except RoleNotOpen:
                return render(request, "volunteers/role_gone.html", {"role": role}, status=410)
            messages.success(
                request,
                f"Thank you for raising your hand! {role.contact_name} or PSF staff will be in "
                "touch with you.",
            )
            return redirect(role)
    else:
        initial = {"name": user.get_full_name(), "email": user.email} if user else {}
        form = RoleInterestForm(initial=initial)
    context = {"role": role, "form": form, "share_url": share_url}
    return render_form(request, "volunteers/role_detail.html", context)


class OpenRolesFeed(Feed):
    """Atom feed of open roles, newest first."""

    feed_type = Atom1Feed
    title = "PSF Helpdesk: open volunteer roles"
    subtitle = "Python needs your help: volunteer roles open at the Python Software Foundation."
    author_name = "Python Software Foundation"

    def link(self) -> str:
        return reverse("volunteers:roles")

    def items(self) -> Any:
        return roles_open()[:FEED_SIZE]

    def item_title(self, item: Role) -> str:
        return item.title

    def item_description(self, item: Role) -> str:
        # Atom's summary is type="html": escape, so readers show the text rather than run it.
        return escape(item.summary)

    def item_pubdate(self, item: Role) -> Any:
        return item.opened_at

    def item_updateddate(self, item: Role) -> Any:
        return item.updated_at

    def item_categories(self, item: Role) -> list[str]:
        return [item.area.label]


@require_http_methods(["GET", "POST"])
@form_ratelimit
def pool_join_view(request: HttpRequest) -> HttpResponse:
    """Join the pool; whatever the address, the answer is "check your e-mail"."""
    if request.method == "POST":
        form = PoolJoinForm(request.POST)
        limited = sent_too_often(request, form)
        if not limited and form.is_bot:
            log_honeypot(request, "pool_join")
            return redirect("volunteers:pool_join_sent")
        if not limited and form.is_valid():
            data = form.data_without_honeypot()
            data.pop("consent")
            # Signed in with this very address, verified: no second opt-in, and no secret kept.
            own = data["email"].lower() in {
                email.lower()
                for email in verified_emails(user=request.user)  # type: ignore[arg-type]
            }
            member = pool_join(
                consent_text=str(form.fields["consent"].label), address_verified=own, **data
            )
            if own and member.is_subscribed:  # not so for someone who left: the link decides
                messages.success(request, "Welcome to the volunteer pool!")
                return redirect("me")
            return redirect("volunteers:pool_join_sent")
    else:
        user = request.user if request.user.is_authenticated else None
        initial: dict[str, Any] = (
            {"name": user.get_full_name(), "email": user.email} if user else {}
        )
        if request.GET.get("area"):
            initial["interests"] = [request.GET["area"]]
        form = PoolJoinForm(initial=initial)
    return render_form(request, "volunteers/pool_join.html", {"form": form})


def pool_join_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "volunteers/pool_join_sent.html", {"confirm_days": settings.POOL_CONFIRM_DAYS}
    )


@require_http_methods(["GET", "POST"])
def pool_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); only the POST confirms, with the details
    sent with this link's sign-up."""
    signup = pool_signup_for_token(token=token)
    member = signup.member
    if pool_confirmation_expired(signup):
        return render(request, "volunteers/pool_expired.html", status=410)
    if request.method == "POST":
        try:
            member = pool_member_confirm(signup=signup)
        except ConfirmationExpired:
            return render(request, "volunteers/pool_expired.html", status=410)
        except PoolSignup.DoesNotExist:  # another link of the address was used a moment ago
            raise Http404("No such link.") from None
        if member.is_subscribed:
            return render(request, "volunteers/pool_confirmed.html", {"member": member})
        # They left the pool: an old link only offers to join again, it never says "you are in".
    waiting = signup.confirmed_at is None
    return render(request, "volunteers/pool_confirm.html", {"member": member, "waiting": waiting})


@require_http_methods(["GET", "POST"])
def pool_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); the button's POST, CSRF checked like
    every other form, unsubscribes."""
    member = pool_member_for_token(field="unsubscribe_token", token=token)
    if request.method == "POST":
        member = pool_member_unsubscribe(member=member)
        return render(request, "volunteers/pool_unsubscribed.html", {"member": member})
    return render(request, "volunteers/pool_unsubscribe.html", {"member": member})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def pool_unsubscribe_one_click(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058: the URL in the List-Unsubscribe header, where mail clients POST the body
    `List-Unsubscribe=One-Click` with no cookie and no CSRF token (the unguessable token in the
    URL is the authority). Any other POST is refused; a GET (a client without one-click opens
    the link) goes to the page with the button."""
    member = pool_member_for_token(field="unsubscribe_token", token=token)
    if request.method == "GET":
        return redirect("volunteers:pool_unsubscribe", token=token)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return HttpResponseBadRequest(
            "Send List-Unsubscribe=One-Click, or use the page's button.", content_type="text/plain"
        )
    pool_member_unsubscribe(member=member)
    return HttpResponse("You have left the PSF volunteer pool.", content_type="text/plain")


@require_http_methods(["GET", "POST"])
@form_ratelimit
def pool_preferences(request: HttpRequest, token: str) -> HttpResponse:
    """A member's own page (the link in every pool e-mail): what to hear about, areas, leave."""
    member = pool_member_for_token(field="preferences_token", token=token)
    if not member.is_subscribed:
        return render(request, "volunteers/pool_preferences_gone.html", {"member": member})
    if request.method == "POST":
        form = PoolPreferencesForm(request.POST)
        if not sent_too_often(request, form) and form.is_valid():
            pool_member_set_preferences(
                member=member,
                frequency=form.cleaned_data["frequency"],
                interests=form.cleaned_data["interests"],
                consent_text=POOL_PREFERENCES_CONSENT_TEXT,
            )
            messages.success(request, "Your choices are saved.")
            return redirect("volunteers:pool_preferences", token=token)
    else:
        form = PoolPreferencesForm(
            initial={"frequency": member.frequency, "interests": list(member.interests.all())}
        )
    context = {"member": member, "form": form, "consent_text": POOL_PREFERENCES_CONSENT_TEXT}
    return render_form(request, "volunteers/pool_preferences.html", context)


def announcement_list(request: HttpRequest) -> HttpResponse:
    """The public archive of the PSF's announcements to the pool, newest first."""
    page = Paginator(announcements_public(), ANNOUNCEMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "volunteers/announcement_list.html", {"page": page})


def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(announcements_public(), pk=pk)
    return render(request, "volunteers/announcement_detail.html", {"announcement": announcement})


class AnnouncementsFeed(Feed):
    """Atom feed of the public announcements, like a list archive's."""

    feed_type = Atom1Feed
    title = "PSF Helpdesk: announcements to the volunteer pool"
    author_name = "Python Software Foundation"

    def link(self) -> str:
        return reverse("volunteers:announcements")

    def items(self) -> Any:
        return announcements_public()[:FEED_SIZE]

    def item_title(self, item: Announcement) -> str:
        return item.subject

    def item_description(self, item: Announcement) -> str:
        # Atom's summary is type="html": escape, so readers show the text rather than run it.
        return escape(item.body)

    def item_pubdate(self, item: Announcement) -> Any:
        return item.sent_at
