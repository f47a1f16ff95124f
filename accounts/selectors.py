"""Reads about people."""

from allauth.account.models import EmailAddress

from .models import User


def verified_emails(*, user: User) -> list[str]:
    """The addresses this person has proved are theirs (allauth's verification)."""
    if not user.is_authenticated:
        return []
    return list(
        EmailAddress.objects.filter(user_id=user.pk, verified=True).values_list("email", flat=True)
    )
