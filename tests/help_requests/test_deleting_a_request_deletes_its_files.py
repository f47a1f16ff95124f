"""A file's owner is generic, so deleting a request would not delete its files: whoever may
delete requests in the admin (a permission the PSF staff group does not have) deletes them with
every file of theirs, the request's, its replies' and its notes', from storage too; another
request's files stay."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.services import STAFF_GROUP
from attachments.models import Attachment
from help_requests.models import Comment, HelpRequest
from help_requests.services import help_request_triage

from ..attachments.files import make_attachment
from ..factories import HelpRequestFactory, StaffFactory
from ..privacy.files_scene import names, stored
from ..signin import force_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def deleter_client(client):
    """A plain staff member given the permission to delete requests, signed in."""
    person = StaffFactory(email="deleter@python.org", is_superuser=False)
    person.groups.add(Group.objects.get(name=STAFF_GROUP))
    person.user_permissions.add(Permission.objects.get(codename="delete_helprequest"))
    force_sign_in(client, person)
    return client


@pytest.fixture
def two(staff):
    """Two requests, each with a file of its own, a public reply's and a note's."""
    made = {}
    for title in ("Spam about watches", "A real request"):
        request = HelpRequestFactory(title=title)
        help_request_triage(
            help_request=request, by=staff, public_reply="Hello.", internal_note="Hmm."
        )
        reply, note = (Comment.objects.get(request=request, is_public=p) for p in (True, False))
        made[title] = {
            "request": request,
            "files": [make_attachment(owner) for owner in (request, reply, note)],
        }
    return made["Spam about watches"], made["A real request"]


def test_deleting_a_request_in_the_admin_deletes_its_files(
    deleter_client, two, django_capture_on_commit_callbacks
):
    doomed, other = two
    url = reverse("admin:help_requests_helprequest_delete", args=[doomed["request"].pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = deleter_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not HelpRequest.objects.filter(pk=doomed["request"].pk).exists()
    assert stored() == names(*other["files"])
    assert set(Attachment.objects.all()) == set(other["files"])


def test_the_delete_action_deletes_the_files_of_each_request(
    deleter_client, two, django_capture_on_commit_callbacks
):
    pks = [str(each["request"].pk) for each in two]
    data = {"action": "delete_selected", "_selected_action": pks, "post": "yes"}

    with django_capture_on_commit_callbacks(execute=True):
        response = deleter_client.post(reverse("admin:help_requests_helprequest_changelist"), data)

    assert response.status_code == 302
    assert not HelpRequest.objects.exists()
    assert stored() == set() and not Attachment.objects.exists()
