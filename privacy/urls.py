from django.urls import path

import common.converters  # noqa: F401  (registers <token:...>)

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.privacy_index, name="index"),
    path("sent/", views.link_sent, name="link_sent"),
    path("link/<token:token>/", views.link_open, name="link"),
    path("data/", views.link_data, name="data"),
    path("data/export.zip", views.link_export, name="data_export"),
    path("data/erase/", views.link_erase, name="data_erase"),
    path("export.zip", views.account_export, name="export"),
    path("erase/", views.account_erase, name="erase"),
    path("erased/", views.erased, name="erased"),
]
