"""The fast date filters give exactly what Django's `|date` gives for the same format."""

import os
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone

from common.date_filters import FORMATS

TWINS = [(name, f'date:"{format_}"') for name, format_ in FORMATS.items()]
MOMENTS = [
    datetime(2026, 11, 30, 14, 5, tzinfo=UTC),
    datetime(2027, 1, 1, 0, 0, 7, tzinfo=UTC),
    datetime(2026, 2, 9, 23, 59, tzinfo=dt_timezone(timedelta(hours=-5))),  # shown in UTC
    datetime(2026, 7, 4, 9, 30),  # naive
    date(2026, 3, 1),
    None,
    "",
]


def draw(text: str, value: object) -> str:
    return Template("{% load dates %}" + text).render(Context({"value": value}))


@pytest.mark.parametrize(("ours", "djangos"), TWINS)
@pytest.mark.parametrize("value", MOMENTS, ids=repr)
def test_each_filter_writes_what_djangos_date_filter_writes(ours, djangos, value):
    if ours != "long_date" and type(value) is date:
        pytest.skip("a time of day needs a datetime")
    assert draw(f"{{{{ value|{ours} }}}}", value) == draw(f"{{{{ value|{djangos} }}}}", value)


def test_the_filters_follow_the_current_time_zone():
    moment = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    with timezone.override("Europe/Berlin"):
        assert draw("{{ value|long_datetime }}", moment) == "Tuesday 1 December 2026, 00:30"
        assert draw("{{ value|machine_datetime }}", moment) == "2026-12-01T00:30:00+0100"


NOT_THE_SITE = {".venv", ".tools", "node_modules", "var", "staticfiles", ".git"}
NOT_THE_SITE |= {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def test_the_site_writes_its_dates_in_one_place():
    """Pages, e-mails and admin draw dates through common/date_filters.py, not by restating
    its formats: a new one would drift from the others unseen."""
    root = Path(__file__).resolve().parents[1]
    sources: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        # Only the site's own code: not the tests, nor installed or generated files (walking
        # .venv alone took two seconds).
        here = Path(folder)
        subfolders[:] = [
            name
            for name in subfolders
            if name not in NOT_THE_SITE and here / name != root / "tests"
        ]
        in_templates = here.is_relative_to(root / "templates")
        sources += [
            here / name
            for name in files
            if (name.endswith(".py") and here != root)
            or (in_templates and name.endswith((".html", ".txt")))
        ]
    sources = [path for path in sources if path != root / "common" / "date_filters.py"]
    restated = [
        f"{path.relative_to(root)}: {format_}"
        for path in sources
        for format_ in FORMATS.values()
        if format_.split(",")[0] in path.read_text(encoding="utf-8")
    ]
    assert restated == []
