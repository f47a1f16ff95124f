"""Staff reach the admin only through allauth's sign-in, and only with a second factor."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from accounts.services import STAFF_GROUP

from ..factories import (
    DEFAULT_PASSWORD,
    HelpRequestFactory,
    PoolMemberFactory,
    RoleFactory,
    RoleInterestFactory,
    StaffFactory,
)
from ..signin import code_now, give_totp, post_code, post_totp_code, sign_in

pytestmark = pytest.mark.django_db


def password_only(client, user, password=DEFAULT_PASSWORD):
    """Sign in with the password alone, as someone without a second factor would."""
    client.logout()
    return client.post("/accounts/login/", {"login": user.email, "password": password})


def reauthenticate(client, password=DEFAULT_PASSWORD):
    """allauth asks for the password again before any change to the second factors."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content


def set_up_totp(client):
    """Go through /accounts/2fa/totp/activate/ as a person with an authenticator app does."""
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    return post_code(client, "/accounts/2fa/totp/activate/", secret)


def _admin_urls(objects: dict[str, str]) -> list[str]:
    """Every URL pattern the admin serves, filled with the pk of a real row of its model."""
    urls = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                urls.append(route)

    walk(admin.site.get_urls(), "/admin/")
    filled = []
    for route in urls:
        model = re.match(r"/admin/(\w+)/(\w+)/", route)
        pk = objects.get(f"{model[1]}.{model[2]}", "1") if model else "1"
        path = re.sub(r"<path:object_id>", pk, route)
        path = re.sub(r"<(?:int:)?\w+>", pk, path).replace("^", "").replace("$", "")
        if "(?P<" in path:  # the app_list regex: one real app label
            path = "/admin/help_requests/"
        filled.append(path)
    return sorted(set(filled))


@pytest.fixture
def admin_objects(staff, areas):
    role = RoleFactory(area=areas["web"])
    return {
        "help_requests.helprequest": str(HelpRequestFactory().pk),
        "volunteers.role": str(role.pk),
        "volunteers.roleinterest": str(RoleInterestFactory(role=role).pk),
        "volunteers.poolmember": str(PoolMemberFactory().pk),
        "volunteers.area": str(areas["web"].pk),
        "accounts.user": str(staff.pk),
    }


def test_every_admin_url_sends_staff_without_a_second_factor_to_set_one_up(
    client, any_staff, admin_objects
):
    response = password_only(client, any_staff)
    assert response["Location"] == "/admin/"  # signed in: staff land in the admin...
    urls = _admin_urls(admin_objects)
    assert len(urls) > 40, urls  # the walk found the whole admin, not a few pages

    for url in urls:
        response = client.get(url)
        # ...but no admin page opens until they set up an authenticator app.
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/2fa/totp/activate/?next="), url


def test_staff_without_a_second_factor_see_no_page_outside_accounts_either(client, any_staff):
    password_only(client, any_staff)
    for url in ["/", "/me/", "/roles/"]:
        assert client.get(url)["Location"].startswith("/accounts/2fa/totp/activate/")
    assert client.get("/accounts/email/").status_code == 200  # account pages still work
    assert client.get("/healthz").status_code == 200


# allauth announces a new factor once its transaction commits, inside the request: these tests
# commit for real, as production does.
@pytest.mark.django_db(transaction=True)
def test_setting_up_an_authenticator_app_then_shows_recovery_codes_and_opens_the_admin(
    client, staff
):
    password_only(client, staff)
    sent_to = client.get("/admin/help_requests/helprequest/?status=new")["Location"]
    # Just signed in with the password: the set-up does not ask for it again
    # (test_first_password.py: later, or for a further factor, it does).
    assert client.get(sent_to).status_code == 200

    response = set_up_totp(client)

    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    codes_page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert "/admin/help_requests/helprequest/?status=new" in codes_page  # "continue" link
    assert Authenticator.objects.filter(user=staff, type="recovery_codes").exists()
    assert client.get("/admin/help_requests/helprequest/?status=new").status_code == 200
    assert "mfa_setup_next" not in client.session  # the way on was taken


def test_staff_with_an_authenticator_are_asked_for_its_code_and_only_a_valid_one_opens(
    client, staff
):
    authenticator = give_totp(staff)
    response = password_only(client, staff)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # not signed in yet
    assert "_auth_user_id" not in client.session

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    right = post_totp_code(client, authenticator)
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_form_takes_no_password(client, staff):
    give_totp(staff)
    shown = client.get("/admin/login/?next=/admin/help_requests/")
    assert shown.status_code == 302
    assert shown["Location"] == "/accounts/login/?next=%2Fadmin%2Fhelp_requests%2F"

    posted = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": DEFAULT_PASSWORD}
    )

    assert posted["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_session_that_never_used_the_second_factor_must_use_it_before_the_admin(
    client, any_staff
):
    # Signed in as a volunteer with the password, then made staff: the session has no MFA.
    client.force_login(any_staff)
    give_totp(any_staff)
    response = client.get("/admin/")
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"


def test_repeated_wrong_passwords_lock_the_admin_way_in(client, staff):
    authenticator = give_totp(staff)
    login = client.get("/admin/")["Location"]
    login = client.get(login)["Location"]
    assert login.startswith("/accounts/login/")
    for _ in range(5):
        response = client.post(login, {"login": staff.email, "password": "not it"})
        assert response.status_code == 200
    response = client.post(login, {"login": staff.email, "password": DEFAULT_PASSWORD})

    assert "Too many failed attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    cache.clear()  # the window passes
    client.post(login, {"login": staff.email, "password": DEFAULT_PASSWORD})
    post_totp_code(client, authenticator)
    assert client.get("/admin/").status_code == 200


def test_people_who_are_not_staff_get_no_admin_even_when_signed_in(client, user):
    sign_in(client, user, mfa=False)
    assert client.get("/admin/", follow=True).status_code == 403
    assert client.get("/admin/help_requests/helprequest/", follow=True).status_code == 403
    # The admin login does not let them sign in again there (django-allauth-2fa #90).
    response = client.post("/admin/login/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 403


def test_staff_keep_their_last_second_factor(client, any_staff):
    sign_in(client, any_staff)
    reauthenticate(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert "Staff accounts need a second factor" in response.content.decode()
    assert Authenticator.objects.filter(user=any_staff, type="totp").exists()


def test_staff_keep_their_last_security_key(client, staff):
    sign_in(client, staff)
    key = Authenticator.objects.create(user=staff, type=Authenticator.Type.WEBAUTHN, data={})
    Authenticator.objects.filter(user=staff, type="totp").delete()  # the key is all that is left

    response = client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/")

    assert response["Location"] == "/accounts/2fa/webauthn/"
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "set up an authenticator app before you remove" in said
    assert Authenticator.objects.filter(pk=key.pk).exists()
    give_totp(staff)  # with another factor left, the key may go: allauth's own view takes over
    response = client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/")
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_people_who_are_not_staff_may_remove_their_authenticator(client, user):
    sign_in(client, user)
    reauthenticate(client)
    client.post("/accounts/2fa/totp/deactivate/")
    assert not Authenticator.objects.filter(user=user).exists()


def test_with_mfa_switched_off_the_admin_opens_with_a_password_and_says_so(client, staff, settings):
    settings.STAFF_MFA_REQUIRED = False
    password_only(client, staff)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "MFA is not enforced" in page.content.decode()


def test_the_banner_is_absent_when_mfa_is_enforced(staff_client):
    assert "MFA is not enforced" not in staff_client.get("/admin/").content.decode()


def test_a_member_of_the_psf_staff_group_can_triage_but_not_manage_people(client):
    triager = StaffFactory(email="new@python.org", is_superuser=False)
    triager.groups.add(Group.objects.get(name=STAFF_GROUP))
    request = HelpRequestFactory()
    sign_in(client, triager)

    assert client.get("/admin/help_requests/helprequest/").status_code == 200
    assert client.get(f"/admin/help_requests/helprequest/{request.pk}/change/").status_code == 200
    assert client.get("/admin/volunteers/poolmember/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/accounts/auditevent/").status_code == 403
    delete = f"/admin/help_requests/helprequest/{request.pk}/delete/"
    assert client.get(delete).status_code == 403


def test_a_used_code_does_not_open_a_second_session(client, staff, time_machine):
    authenticator = give_totp(staff)
    time_machine.move_to(timezone.now(), tick=False)  # the code stays the one shown
    code = code_now(authenticator.data["secret"])
    password_only(client, staff)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.get("/admin/").status_code == 200

    other = client.__class__()
    password_only(other, staff)
    replay = other.post("/accounts/2fa/authenticate/", {"code": code})
    assert replay.status_code == 200  # the form again: the code was used
    assert other.get("/admin/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_setting_up_an_authenticator_app_counts_as_the_sessions_second_factor(client, user):
    # Non-staff too: setting up a factor proves it is in hand, so someone made staff later in
    # the same session is not asked for a code again.
    sign_in(client, user, mfa=False)
    reauthenticate(client)
    set_up_totp(client)
    user.is_staff = True
    user.save(update_fields=["is_staff"])

    assert client.get("/me/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert TOTP(Authenticator.objects.get(user=user, type="totp")).instance.user == user
