from django.contrib import admin
from django.urls import include, path

from accounts.views import me

from . import views

admin.site.site_header = "PSF Helpdesk staff"
admin.site.site_title = "PSF Helpdesk staff"
admin.site.index_title = "Triage"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("help/", include("help_requests.urls")),
    path("", include("volunteers.urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", me, name="me"),
    path("admin/", admin.site.urls),
]
