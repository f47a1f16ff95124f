"""Files as a browser sends them, and a private storage of the test's own for what is kept."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = b"Venue: 40 seats, 500 USD for the evening.\n"
HTML_AS_PDF = b"<html><body><script>alert(1)</script></body></html>"


def pdf(name: str = "venue-quote.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def text(name: str = "budget.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TEXT, content_type="text/plain")


def html_as_pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, HTML_AS_PDF, content_type="application/pdf")


@pytest.fixture
def stored(tmp_path, monkeypatch):
    """Attachments kept in this test's own folder; the folder, to see what was written."""
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path))
    return tmp_path


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]
