"""Every write to funding. Split by what it writes: submission.py (a funding request and its
budget), decisions.py (review rounds and the decisions recorded in them). Import from here."""

from .decisions import (
    funding_decision_record,
    review_round_approved,
    review_round_check,
    review_round_save,
)
from .submission import funding_request_submit, review_round_open_on

__all__ = [
    "funding_decision_record",
    "funding_request_submit",
    "review_round_approved",
    "review_round_check",
    "review_round_open_on",
    "review_round_save",
]
