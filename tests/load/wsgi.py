"""The bench's web process: production's WSGI app with the bench settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.load.settings")
application = get_wsgi_application()
