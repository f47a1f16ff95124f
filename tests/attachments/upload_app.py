"""A WSGI app for the gunicorn test: the test settings, and one page that parses an upload and
says what the limits refused (as the help form will, through refused_uploads)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.attachments.upload_settings")
application = get_wsgi_application()
