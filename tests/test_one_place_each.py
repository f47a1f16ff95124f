"""Each small helper is written once, in the lowest layer its callers may import, so a newcomer
finds one definition and a change reaches every caller (docs/architecture.md)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "accounts",
    "common",
    "funding",
    "help_requests",
    "notifications",
    "privacy",
    "psf_helpdesk",
    "volunteers",
]


def sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


def test_any_of_a_persons_addresses_is_matched_by_one_builder():
    loop = re.compile(r"\|=\s*Q\([^)]*__iexact")
    written = sorted(name for name, text in sources().items() if loop.search(text))
    assert written == ["common/db.py"]


def test_the_admins_read_their_staff_member_through_one_helper():
    def is_admin(name: str) -> bool:
        return "/admin/" in name or Path(name).name.startswith("admin")

    written = sorted(
        name
        for name, text in sources().items()
        if is_admin(name) and "cast(User, request.user)" in text
    )
    assert written == ["accounts/admin.py"]
