"""The project's URLs, plus the reference views the bench measures every page against."""

from django.urls import include, path

from . import reference

urlpatterns = [
    path("_bench/hello/", reference.hello),
    path("_bench/rows/", reference.rows),
    path("_bench/insert/", reference.insert),
    path("", include("psf_helpdesk.urls")),
]
