"""Staff review funding here: the rules (notice, categories, kinds of event, rates), review rounds
with their budget, each funding request with its decision, and the board's report."""

from . import report, requests, rounds, rules

__all__ = ["report", "requests", "rounds", "rules"]
