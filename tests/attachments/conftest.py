"""Attachments' fixtures: a real clamd, and files made directly (the tmp storage every test
uses is in tests/conftest.py).

The real-clamd tests are skipped, saying why, where clamd is not installed, so `make test` passes
on a machine without it; under CI (CI=true) a missing clamd fails them instead, so CI cannot
skip them silently (.ci/run installs clamav-daemon).
"""

import hashlib
import os
from collections.abc import Iterator

import pytest
from django.core.files.base import ContentFile
from django.db.models import Model

from attachments.models import Attachment
from attachments.scanning import scan_later, scan_state_for_new_file

from .clamd_server import ClamdServer, clamd_path


def require_clamd() -> str:
    binary = clamd_path()
    if binary:
        return binary
    reason = "clamd is not installed (apt-get install clamav-daemon): real-clamd tests not run"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason}, and CI must run them", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClamdServer]:
    """One clamd for the session (per xdist worker), killed at the end."""
    server = ClamdServer(tmp_path_factory.mktemp("clamd"), require_clamd())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def scanner(clamd_server: ClamdServer, settings, eager_celery) -> ClamdServer:
    """The session's clamd is the scanner, and tasks run in-process after each commit."""
    settings.ATTACHMENT_SCANNER_URL = clamd_server.tcp_url
    return clamd_server


def attach(
    owner: Model,
    content: bytes,
    *,
    name: str = "budget.pdf",
    mime_type: str = "application/pdf",
    by=None,
) -> Attachment:
    """A file as the add service keeps it: stored, pending when a scanner is set, its scan
    queued after the commit (run the test's on-commit callbacks to scan it)."""
    attachment = Attachment(
        owner=owner,
        name=name,
        mime_type=mime_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
        scan_state=scan_state_for_new_file(),
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    scan_later(attachment)
    return attachment
