"""The HTTP door (mail_in/views.py), under /mail/."""

from django.urls import path

from . import views

app_name = "mail_in"

urlpatterns = [
    path("inbound/", views.inbound, name="inbound"),
]
