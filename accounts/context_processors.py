"""Template context every page may need."""

from django.conf import settings
from django.http import HttpRequest


def staff_mfa(request: HttpRequest) -> dict[str, bool]:
    """Whether staff MFA is enforced: the admin shows a banner when it is not."""
    return {"staff_mfa_required": settings.STAFF_MFA_REQUIRED}
