"""Funding's parts of the public help form and of the submitter's status page, plugged into
help_requests.extensions from FundingConfig.ready() (help requests know nothing of money).

`FundingSection` is the budget on the help form: the fields and checks of FundingFieldsMixin
(funding.forms), when someone ticks the "Funding" kind of help.
"""

from typing import Any

from crispy_forms.layout import LayoutObject

from common.forms import show_as_required
from help_requests.extensions import (
    FormSection,
    SectionFields,
    StatusPart,
    form_section_register,
    status_part_register,
)
from help_requests.fields import date_example
from help_requests.models import HelpRequest

from .forms import FundingFieldsMixin
from .selectors import funding_for_status_page
from .services import funding_request_submit


class FundingSection(FundingFieldsMixin, SectionFields):
    """The funding part of the help form: it applies when someone asks for help of the
    "Funding" kind; "Add another line" draws the form again with one more budget row."""

    redraw_button = "add_line"
    stylesheet = "css/funding.css"
    script = "js/budget_total.js"
    files_hint = "Asking for funding? Attach your quotes and your budget spreadsheet here."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, add_line=getattr(self, "redraw", False), **kwargs)

    def section_ready(self) -> None:
        # Required for a funding request (clean_funding() says so): its hint says when.
        show_as_required(self, "needed_by")
        self.fields["needed_by"].help_text = (
            f"For example, {date_example()}. Required when you ask for funding: "
            f"{self.notice_hint}. Otherwise leave it empty if there is no deadline."
        )

    def section_field_names(self) -> list[str]:
        return self.funding_field_names()

    def section_layout(self) -> LayoutObject:
        return self.funding_layout()

    def section_applies(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        kinds = data.get("kinds") or []
        return data.get("type") == HelpRequest.Type.HELP and any(
            kind.code == "funding" for kind in kinds
        )

    def section_clean(self) -> None:
        self.clean_funding()

    def section_drop(self) -> None:
        # Funding details only make sense with a funding request.
        self.drop_funding()

    def section_redraw(self) -> None:
        self.draw_only()

    def section_submission(self) -> dict[str, Any]:
        return self.funding_submission()


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
