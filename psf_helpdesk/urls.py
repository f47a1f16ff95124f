from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("help/", include("help_requests.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
