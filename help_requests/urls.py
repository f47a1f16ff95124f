from django.urls import path

import common.converters  # noqa: F401  (registers <token:...>)

from . import views

app_name = "help_requests"
urlpatterns = [
    path("", views.help_index, name="index"),
    path("new/", views.help_request_new, name="new"),
    path("status/<token:token>/", views.help_request_status, name="status"),
]
