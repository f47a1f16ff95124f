from django.conf import settings
from django.http import HttpRequest


def attachment_scanning(request: HttpRequest) -> dict[str, bool]:
    """Whether files are scanned: the admin shows a banner when they are not."""
    return {"attachment_scanning": bool(settings.ATTACHMENT_SCANNER_URL)}
