"""The test settings, with a URLconf holding only the upload page of tests/attachments."""

from psf_helpdesk.settings.test import *  # noqa: F403

ROOT_URLCONF = "tests.attachments.upload_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
