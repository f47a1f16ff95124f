from ..accounts.conftest import triager  # noqa: F401  (a plain staff member, for file downloads)
from .attachment_helpers import stored  # noqa: F401  (a fixture for the attachment tests)
