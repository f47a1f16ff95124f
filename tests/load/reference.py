"""Reference views: what a bare Django page costs on the same process, stack and database."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from help_requests.models import HelpRequest


def hello(request: HttpRequest) -> HttpResponse:
    """The smallest response Django gives."""
    return HttpResponse("ok")


def rows(request: HttpRequest) -> HttpResponse:
    """A template listing 50 rows from the database: the yardstick for pages."""
    requests = HelpRequest.objects.order_by("pk").only("reference", "title", "status")[:50]
    return render(request, "bench/rows.html", {"rows": requests})


@require_http_methods(["GET", "POST"])
def insert(request: HttpRequest) -> HttpResponse:
    """A POST (through the same middleware, CSRF included) that inserts one row."""
    if request.method == "POST":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_row (body) VALUES (%s)", [request.POST.get("body")])
        return HttpResponse(status=204)
    return render(request, "bench/insert.html")
