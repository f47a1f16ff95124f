"""Staff erase a person from a request, an interest or a pool member, after a confirmation page,
only with a permission the "PSF staff" group does not have; the audit record keeps it."""

import pytest
from django.contrib.auth.models import Group, Permission
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import AuditEvent, User
from accounts.services import STAFF_GROUP
from help_requests.models import HelpRequest
from privacy.models import Erasure
from volunteers.models import PoolMember, RoleInterest

from ..factories import HelpRequestFactory, PoolMemberFactory, RoleInterestFactory, UserFactory
from ..signin import force_sign_in

pytestmark = pytest.mark.django_db

EMAIL = "kwame@example.org"
LISTS = {
    "request": "/admin/help_requests/helprequest/",
    "interest": "/admin/volunteers/roleinterest/",
    "member": "/admin/volunteers/poolmember/",
}


@pytest.fixture
def rows(areas):
    return {
        "request": HelpRequestFactory(email=EMAIL, name="Kwame Mensah", title="PyCon Ghana"),
        "interest": RoleInterestFactory(email=EMAIL.upper(), name="Kwame Mensah"),
        "member": PoolMemberFactory(email=EMAIL, name="Kwame Mensah"),
    }


@pytest.fixture
def triager(client, db):
    """A member of PSF staff, as make_staff makes them: in the group, not a superuser."""
    person = UserFactory(email="triager2@python.org", is_staff=True)
    person.groups.add(Group.objects.get(name=STAFF_GROUP))
    force_sign_in(client, person)
    return client


def test_the_psf_staff_group_cannot_erase_and_does_not_see_the_action(triager, rows):
    group = Group.objects.get(name=STAFF_GROUP)
    assert not group.permissions.filter(codename="erase_personal_data").exists()
    for which, url in LISTS.items():
        page = triager.get(url)
        assert page.status_code == 200, which
        assertNotContains(page, "erase_personal_data")
        triager.post(url, {"action": "erase_personal_data", "_selected_action": [rows[which].pk]})
    assert not Erasure.objects.exists()
    assert HelpRequest.objects.get(pk=rows["request"].pk).email == EMAIL


def test_a_member_of_staff_given_the_permission_can(triager, rows):
    person = User.objects.get(email="triager2@python.org")
    person.user_permissions.add(Permission.objects.get(codename="erase_personal_data"))

    page = triager.get(LISTS["member"])

    assertContains(
        page, '<option value="erase_personal_data">Erase this person&#x27;s data</option>'
    )


@pytest.mark.parametrize("which", list(LISTS))
def test_the_action_asks_first_then_erases_the_person_behind_the_row(
    staff_client, staff, rows, which
):
    url = LISTS[which]
    selected = {"action": "erase_personal_data", "_selected_action": [rows[which].pk]}

    confirm = staff_client.post(url, selected)

    assert confirm.status_code == 200
    assertContains(confirm, "Erase this person&#x27;s data?")
    assert f"<h2>{EMAIL}</h2>" in confirm.content.decode().lower()
    assertContains(confirm, rows["request"].reference)
    assertContains(confirm, "Still open:")
    assert HelpRequest.objects.get(pk=rows["request"].pk).email == EMAIL  # nothing yet

    done = staff_client.post(url, {**selected, "post": "yes"})

    assert done.status_code == 302 and done["Location"] == url
    request = HelpRequest.objects.get(pk=rows["request"].pk)
    assert request.name == "A person who asked to be forgotten"
    assert RoleInterest.objects.get().name == "A person who asked to be forgotten"
    assert not PoolMember.objects.exists()
    erasure = Erasure.objects.get()
    assert (erasure.via, erasure.by) == (Erasure.Via.STAFF, staff)
    event = AuditEvent.objects.get(action=AuditEvent.Action.DATA_ERASED)
    assert event.actor == staff and EMAIL not in event.detail.lower()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ADMIN_ACTION, detail__startswith="erase_personal_data"
    ).exists()


def test_the_action_on_a_change_page_erases_that_person(staff_client, rows):
    url = f"{LISTS['request']}{rows['request'].pk}/change/"
    page = staff_client.get(url)
    assertContains(page, 'value="erase_personal_data"')

    selected = {
        "CHANGE_FORM-action": "erase_personal_data",
        "_selected_action": [rows["request"].pk],
    }
    confirm = staff_client.post(url, selected)
    assertContains(confirm, 'name="CHANGE_FORM-action" value="erase_personal_data"')
    staff_client.post(url, {**selected, "post": "yes"})

    assert Erasure.objects.count() == 1
    assert not HelpRequest.objects.filter(email__iexact=EMAIL).exists()


def test_erasing_from_the_admin_deletes_the_persons_own_account_too(staff_client, rows):
    person = UserFactory(email=EMAIL, name="Kwame Mensah")

    staff_client.post(
        LISTS["request"],
        {"action": "erase_personal_data", "_selected_action": [rows["request"].pk], "post": "yes"},
    )

    assert not User.objects.filter(pk=person.pk).exists()
