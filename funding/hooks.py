"""Funding's parts of the public help form and of the submitter's status page, plugged into
help_requests.extensions from FundingConfig.ready() (help requests know nothing of money)."""

from help_requests.extensions import (
    FormSection,
    StatusPart,
    form_section_register,
    status_part_register,
)

from .forms import FundingSection
from .selectors import funding_for_status_page
from .services import funding_request_submit

# The budget on the help form; a request that asks for funding is saved with it.
FORM_SECTION = FormSection(fields=FundingSection, submit=funding_request_submit)

# The decision and readiness checklist above "What happens next", the budget in "What you sent".
STATUS_PART = StatusPart(
    name="funding",
    load=funding_for_status_page,
    template="funding/_status.html",
    sent_template="funding/_sent.html",
    stylesheet="css/funding.css",
)


def funding_plug_in() -> None:
    form_section_register(FORM_SECTION)
    status_part_register(STATUS_PART)
