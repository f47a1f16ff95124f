"""The Compose proxy refuses a body over the attachment limits that the app would cut off: its
request_body limit is the settings' total plus the form's allowance, with our own 413 words."""

import re
from pathlib import Path

from django.conf import settings

from attachments.uploads import FORM_ALLOWANCE, MB, body_limit

CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "Caddyfile"


def test_the_proxy_body_limit_is_the_total_plus_the_allowance():
    text = CADDYFILE.read_text()
    size = re.search(r"request_body \{\s*max_size (\d+)MiB\s*\}", text)

    assert size, "deploy/Caddyfile has no request_body max_size in MiB"
    assert (
        int(size[1]) * MB == body_limit() == settings.ATTACHMENT_MAX_TOTAL_MB * MB + FORM_ALLOWANCE
    )
    assert re.search(r"handle_errors 413 \{[^}]*more than 25 MB together", text)
