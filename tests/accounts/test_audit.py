"""What staff do is on record: sign-ins, second factors, passwords and every admin edit."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import AuditEvent
from accounts.services import STAFF_GROUP
from help_requests.models import HelpRequest

from ..factories import (
    DEFAULT_PASSWORD,
    HelpRequestFactory,
    PoolMemberFactory,
    RoleFactory,
    RoleInterestFactory,
    StaffFactory,
)
from ..help_requests.test_admin import change_form_data
from ..signin import give_totp, sign_in
from .test_staff_mfa import reauthenticate

pytestmark = pytest.mark.django_db

A = AuditEvent.Action


def events(action: AuditEvent.Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("at"))


def test_a_sign_in_is_recorded_with_who_and_from_where(client, staff):
    sign_in(client, staff)
    [event] = events(A.SIGN_IN)
    assert (event.actor, event.actor_email, event.ip) == (staff, staff.email, "127.0.0.1")


def test_failed_sign_ins_are_recorded_with_the_address_typed(client, staff):
    client.post("/accounts/login/", {"login": staff.email, "password": "wrong"})
    client.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong"})

    known, unknown = events(A.SIGN_IN_FAILED)
    assert (known.actor, known.actor_email) == (staff, staff.email)
    assert (unknown.actor, unknown.actor_email) == (None, "nobody@example.org")
    assert not events(A.SIGN_IN)


def test_a_wrong_authenticator_code_is_recorded(client, staff):
    give_totp(staff)
    client.post("/accounts/login/", {"login": staff.email, "password": DEFAULT_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    [event] = events(A.MFA_FAILED)
    assert event.actor == staff


def test_adding_and_removing_a_second_factor_is_recorded(client, user):
    sign_in(client, user)  # sets up TOTP, as activating it in the browser would
    assert [e.detail for e in events(A.MFA_ADDED)] == ["TOTP Authenticator"]
    reauthenticate(client)

    client.post("/accounts/2fa/totp/deactivate/")

    assert [e.detail for e in events(A.MFA_REMOVED)] == ["TOTP Authenticator"]
    assert events(A.MFA_REMOVED)[0].actor == user


def test_a_password_change_is_recorded_in_its_own_transaction(client, user):
    sign_in(client, user, mfa=False)
    new = "a new long passphrase"
    client.post(
        "/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": new, "password2": new},
    )
    [event] = events(A.PASSWORD_CHANGED)
    assert event.actor == user


def test_a_change_in_the_admin_is_recorded_with_what_changed(staff_client, staff, help_kinds):
    request = HelpRequestFactory()
    url = f"/admin/help_requests/helprequest/{request.pk}/change/"
    page = staff_client.get(url)
    staff_client.post(url, change_form_data(page, priority=3))

    [event] = events(A.ADMIN_CHANGED)
    assert (event.actor, event.target_type, event.target_id) == (
        staff,
        "help_requests.helprequest",
        str(request.pk),
    )
    assert "Priority" in event.detail
    assert event.target_repr == str(request)


def test_admin_actions_on_roles_interests_and_members_are_recorded(staff_client, areas):
    role = RoleFactory(area=areas["web"])
    interest = RoleInterestFactory(role=role)
    member = PoolMemberFactory()
    for url, action, pk in [
        ("/admin/volunteers/role/", "mark_reviewed", role.pk),
        ("/admin/volunteers/roleinterest/", "mark_contacted", interest.pk),
        ("/admin/volunteers/poolmember/", "export_csv", member.pk),
        ("/admin/help_requests/helprequest/", "assign_to_me", HelpRequestFactory().pk),
    ]:
        staff_client.post(url, {"action": action, "_selected_action": [pk], "index": 0})

    details = [event.detail for event in events(A.ADMIN_ACTION)]
    assert details == [
        f"mark_reviewed on /admin/volunteers/role/: ids {role.pk}",
        f"mark_contacted on /admin/volunteers/roleinterest/: ids {interest.pk}",
        f"export_csv on /admin/volunteers/poolmember/: ids {member.pk}",
        f"assign_to_me on /admin/help_requests/helprequest/: ids {HelpRequest.objects.last().pk}",
    ]
    # Each changed row is recorded too, naming what it is.
    changed = {(e.target_type, e.target_id) for e in events(A.ADMIN_CHANGED)}
    assert ("volunteers.role", str(role.pk)) in changed
    assert ("volunteers.roleinterest", str(interest.pk)) in changed


def test_an_admin_action_that_fails_leaves_no_record(staff_client, areas, monkeypatch):
    role = RoleFactory(area=areas["web"])

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("volunteers.admin.roles.role_mark_reviewed", broken)
    with pytest.raises(RuntimeError):
        staff_client.post(
            "/admin/volunteers/role/",
            {"action": "mark_reviewed", "_selected_action": [role.pk], "index": 0},
        )
    assert not events(A.ADMIN_ACTION)


def test_a_record_is_never_written_outside_the_change_it_describes(staff, help_kinds):
    from accounts.audit import audit_record

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=A.ADMIN_CHANGED, actor=staff, target=HelpRequestFactory())
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()


def test_superusers_read_the_record_filtered_by_person_action_and_date(staff_client, staff):
    other = StaffFactory(email="other@python.org")
    AuditEvent.objects.create(action=A.SIGN_IN, actor=other, actor_email=other.email)

    page = staff_client.get(f"/admin/accounts/auditevent/?actor__id__exact={other.pk}")
    assert [e.actor for e in page.context["cl"].result_list] == [other]
    by_action = staff_client.get("/admin/accounts/auditevent/?action__exact=sign_in")
    assert {e.action for e in by_action.context["cl"].result_list} == {"sign_in"}
    assert staff_client.get("/admin/accounts/auditevent/?at__year=2026").status_code == 200

    event = AuditEvent.objects.first()
    change = staff_client.get(f"/admin/accounts/auditevent/{event.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()  # read-only
    assert staff_client.get("/admin/accounts/auditevent/add/").status_code == 403
    delete = staff_client.get(f"/admin/accounts/auditevent/{event.pk}/delete/")
    assert delete.status_code == 403


def test_staff_who_are_not_superusers_cannot_read_the_record(client):
    triager = StaffFactory(email="triager2@python.org", is_superuser=False)
    triager.groups.add(Group.objects.get(name=STAFF_GROUP))
    sign_in(client, triager)
    assert client.get("/admin/accounts/auditevent/").status_code == 403
    assert "Audit" not in client.get("/admin/").content.decode()


def test_the_row_checkbox_is_djangos_own_markup(help_request):
    """AuditedModelAdmin writes the changelist's row checkbox directly, for speed; it must stay
    what Django's widget draws, or "select all" and the actions stop working."""
    from django.contrib import admin as django_admin
    from django.test.html import parse_html

    from help_requests.admin import HelpRequestAdmin

    model_admin = HelpRequestAdmin(HelpRequest, django_admin.site)
    ours = model_admin.action_checkbox(help_request)
    djangos = django_admin.ModelAdmin.action_checkbox(model_admin, help_request)
    assert parse_html(ours) == parse_html(djangos)
