"""Erasure deletes the person's files from storage, not only their rows: the files sent with her
requests, with her replies and with staff's public replies to her. An internal note's file
stays (staff's record), and so does the file of a request her account sent for someone else,
and another person's. An erasure that fails deletes nothing, row or file."""

import pytest

import notifications.privacy
from accounts.audit import audit_record
from accounts.models import AuditEvent
from attachments.models import Attachment
from help_requests.models import HelpRequestEvent
from privacy.models import Erasure
from privacy.services import person_erase, person_of_user

from .files_scene import files_everywhere, names, stored


@pytest.fixture
def scene(user, staff):
    return files_everywhere(user, staff)


def her_files(scene) -> set[str]:
    return names(scene.budget, scene.photo, scene.agreement, scene.quarantined)


def kept_files(scene) -> set[str]:
    return names(scene.note, scene.olus, scene.grace)


@pytest.mark.django_db(transaction=True)
def test_after_erasure_the_storage_holds_none_of_her_files(user, scene):
    assert stored() == her_files(scene) | kept_files(scene)

    erasure = person_erase(person=person_of_user(user=user), via=Erasure.Via.ACCOUNT)

    assert stored() == kept_files(scene)
    assert set(Attachment.objects.values_list("pk", flat=True)) == {
        scene.note.pk,
        scene.olus.pk,
        scene.grace.pk,
    }
    assert erasure is not None and erasure.counts["files"] == 4
    last = HelpRequestEvent.objects.filter(request=scene.asked).last()
    assert "and 4 files sent with it or its replies" in last.note


@pytest.mark.django_db(transaction=True)
def test_an_erasure_that_fails_deletes_no_file(user, scene, monkeypatch):
    def fails(**kwargs):
        raise RuntimeError("the outbox step failed")

    monkeypatch.setattr(notifications.privacy, "person_erase", fails)  # after help requests'
    with pytest.raises(RuntimeError):
        person_erase(person=person_of_user(user=user), via=Erasure.Via.ACCOUNT)

    assert stored() == her_files(scene) | kept_files(scene)
    assert Attachment.objects.count() == 7
    assert scene.budget.file.open("rb").read().startswith(b"%PDF")


@pytest.mark.django_db
def test_a_second_erasure_finds_no_file_to_delete(user, scene, django_capture_on_commit_callbacks):
    person = person_of_user(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=person, via=Erasure.Via.STAFF)
    # Her account is gone: staff erase what is left under her address, and find nothing.
    again = person_erase(person=type(person)(emails=person.emails), via=Erasure.Via.STAFF)

    assert again is None
    assert stored() == kept_files(scene)


@pytest.mark.django_db(transaction=True)
def test_the_audit_record_of_a_download_stops_naming_her_file_once_it_is_erased(user, scene, staff):
    budget_name = scene.budget.name
    audit_record(action=AuditEvent.Action.FILE_DOWNLOADED, actor=staff, target=scene.budget)
    audit_record(action=AuditEvent.Action.FILE_DOWNLOADED, actor=staff, target=scene.note)

    person_erase(person=person_of_user(user=user), via=Erasure.Via.ACCOUNT)

    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.FILE_DOWNLOADED)
    shown = set(downloads.values_list("target_repr", flat=True))
    assert budget_name not in shown
    assert f"A file of {scene.asked.reference}, erased" in shown
    assert scene.note.name in shown  # a note's file stays, and so does its name
