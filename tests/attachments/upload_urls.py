"""POST /upload/: parses the body, then lists the refusals and the files kept."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt

from attachments.uploads import refused_uploads


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    fields = sorted(request.POST)
    kept = [f.name for f in request.FILES.getlist("files")]
    refused = refused_uploads(request)
    body = f"fields={fields} kept={kept} refused={[escape(m) for m in refused]}"
    return HttpResponse(body, status=413 if refused else 200, content_type="text/plain")


urlpatterns = [path("upload/", upload)]
