from django.urls import path

import common.converters  # noqa: F401  (registers <token:...>)

from . import views

app_name = "help_requests"
urlpatterns = [
    path("", views.help_index, name="index"),
    path("new/", views.help_request_new, name="new"),
    path("status/<token:token>/", views.help_request_status, name="status"),
]

# Mounted at /files/ by psf_helpdesk/urls.py: the submitter's link (with the status page's
# token) and staff's.
files_patterns = (
    [
        path("<int:pk>/<token:token>/", views.attachment_download, name="submitter"),
        path("<int:pk>/", views.attachment_download_staff, name="staff"),
    ],
    "files",
)
