"""A bare Django worker, for the memory comparison."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.load.bare_settings")
application = get_wsgi_application()
