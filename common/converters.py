"""URL converters the apps share. Importing this module registers them (once)."""

from django.urls import register_converter


class TokenConverter:
    """A secret link token (secrets.token_urlsafe): anything else, a NUL byte say, is a 404."""

    regex = r"[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")
