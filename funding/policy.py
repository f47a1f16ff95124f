"""The PSF's funding rules, as staff configure them in the admin: the one place they are applied.

`funding_currency_check` says whether the PSF takes a budget in a currency (those it keeps an
exchange rate for, so the maximum can always be checked); `funding_budget_check` whether a budget
can be saved at all (lines, amounts, the total); `funding_policy_check` applies the policy rule by
rule (notice, what the PSF does not fund, the maximum for the kind of event) and returns the
readiness checklist the submitter and staff see. The submit service refuses what any refuses;
forms, pages and the admin only show the result. Errors are keyed by the public form's field
names (`currency`, `needed_by`, `line-<n>-amount`, ...), so each links to the place to fix it.

Working days are Monday to Friday, except the PSF's holidays (staff list them in the admin).
"""

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from common.date_filters import long_date
from common.money import (
    CURRENCIES,
    CURRENCY_CHOICES,
    MAX_AMOUNT,
    fits_currency,
    format_money,
    quantize,
)
from help_requests.models import add_working_days

from .models import BudgetCategory, EventKind, FundingPolicy, Holiday
from .rates import RateTable


@dataclass(frozen=True)
class LineInput:
    """One line of a budget as submitted; `index` is its row on the form (line-<index>-...)."""

    description: str
    category: BudgetCategory | None
    amount: Decimal
    index: int = 0

    @property
    def number(self) -> int:
        return self.index + 1


class State(StrEnum):
    MET = "met"
    WARNING = "warning"
    NOT_MET = "not_met"
    UNCHECKED = "unchecked"


STATE_LABELS = {
    State.MET: "Met",
    State.WARNING: "Met, with a warning",
    State.NOT_MET: "Not met",
    State.UNCHECKED: "Not checked yet",
}


@dataclass(frozen=True)
class Flag:
    """A line the PSF does not fund, and why."""

    line: LineInput
    category: BudgetCategory
    by_keyword: str = ""


@dataclass
class RuleResult:
    code: str
    title: str
    state: State
    detail: str
    flags: list[Flag] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class Checklist:
    """The readiness checklist: each rule, met or not, with what to do about it."""

    rules: list[RuleResult]

    @property
    def refused(self) -> bool:
        return any(rule.state == State.NOT_MET for rule in self.rules)

    @property
    def all_met(self) -> bool:
        return all(rule.state == State.MET for rule in self.rules)

    @property
    def unchecked(self) -> list[RuleResult]:
        """The rules that could not be checked: never to be read as met."""
        return [rule for rule in self.rules if rule.state == State.UNCHECKED]

    def error(self) -> ValidationError:
        """The refusals, keyed by field, as the submit service raises them."""
        errors: dict[str, list[str]] = {}
        for rule in self.rules:
            for name, messages in rule.errors.items():
                errors.setdefault(name, []).extend(messages)
        return ValidationError(errors)


@dataclass
class PolicyRules:
    """What staff configured, read once: the notice, holidays, what is not funded, the rates."""

    policy: FundingPolicy
    unfunded: list[BudgetCategory]
    rates: RateTable
    holidays: frozenset[date] = frozenset()

    @classmethod
    def load(cls) -> "PolicyRules":
        """Four queries. Without a saved policy row, the model's defaults apply."""
        return cls(
            policy=FundingPolicy.objects.filter(pk=1).first() or FundingPolicy(),
            unfunded=list(BudgetCategory.objects.filter(funded=False)),
            rates=RateTable.load(),
            holidays=frozenset(Holiday.objects.values_list("day", flat=True)),
        )


def _long(day: date) -> str:
    return long_date(day)


def _weeks(days: int) -> str:
    weeks, rest = divmod(days, 7)
    parts = []
    if weeks:
        parts.append(f"{weeks} week{'s' if weeks != 1 else ''}")
    if rest or not weeks:
        parts.append(f"{rest} day{'s' if rest != 1 else ''}")
    return " and ".join(parts)


def offered_currencies(rated: AbstractSet[str]) -> list[tuple[str, str]]:
    """The currencies a budget may be in, for a list to choose from: those that convert
    (`rated`: RateTable.rated_currencies())."""
    return [(code, label) for code, label in CURRENCY_CHOICES if code in rated]


def funding_currency_check(*, currency: str, rates: RateTable) -> None:
    """The PSF takes a budget only in a currency it has an exchange rate for: then the maximum
    for the kind of event is always checked as the request is sent, never left to later."""
    if currency not in CURRENCIES:
        raise ValidationError({"currency": "Choose a currency from the list."})
    if not rates.has_rate(currency):
        raise ValidationError(
            {
                "currency": f"The PSF cannot take a budget in {currency} yet (it has no exchange "
                "rate for it): choose a currency from the list, and give your amounts in it."
            }
        )


def _total(lines: Sequence[LineInput], currency: str) -> Decimal:
    """The budget's total, rounded to the currency's minor units: the one amount that is shown
    and converted (rounding one and converting the other would disagree by a cent)."""
    total = sum((line.amount for line in lines), Decimal(0))
    return quantize(total, currency) if currency in CURRENCIES else total


def funding_budget_check(*, lines: Sequence[LineInput], currency: str) -> Decimal:
    """The budget's total, worked out here; refuses a budget that cannot be saved."""
    errors: dict[str, list[str]] = {}
    if not lines:
        errors["line-0-description"] = [
            "Add at least one line to your budget: what it is for and how much."
        ]
    for line in lines:
        if line.amount <= 0:
            errors[f"line-{line.index}-amount"] = [
                f"Line {line.number}: the amount must be more than zero."
            ]
        elif currency and not fits_currency(line.amount, currency):
            errors[f"line-{line.index}-amount"] = [
                f"Line {line.number}: amounts in {currency} are whole numbers, like 50000."
            ]
    total = sum((line.amount for line in lines), Decimal(0))
    if total > MAX_AMOUNT:
        # On the first line's amount: the error summary links there, to the budget.
        errors.setdefault(f"line-{lines[0].index}-amount", []).append(
            "Your budget comes to more than the portal can take (10,000,000,000): check the "
            "amounts, or ask for part of it."
        )
    if errors:
        raise ValidationError(errors)
    return total


def notice_dates(
    policy: FundingPolicy, holidays: frozenset[date], today: date
) -> tuple[date, date]:
    """The first date a request sent on `today` may need money by, and the first the PSF
    prefers (its notice in weeks)."""
    earliest = add_working_days(today, policy.minimum_lead_working_days, holidays)
    return earliest, today + timedelta(weeks=policy.preferred_lead_weeks)


def _working_days(policy: FundingPolicy, holidays: frozenset[date], today: date) -> str:
    """How the minimum notice is counted, naming the holidays that it skips."""
    earliest, _ = notice_dates(policy, holidays, today)
    skipped = sorted(day for day in holidays if today < day <= earliest and day.weekday() < 5)
    rule = f"{policy.minimum_lead_working_days} working days' notice (Monday to Friday"
    if not skipped:
        return f"{rule}, not counting PSF holidays)"
    days = [long_date(day) for day in skipped]
    listed = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
    return f"{rule}; {listed} {'is a PSF holiday' if len(days) == 1 else 'are PSF holidays'})"


def notice_hint(policy: FundingPolicy, holidays: frozenset[date], today: date) -> str:
    """The notice rule in words for the form, with the dates it gives today."""
    earliest, preferred = notice_dates(policy, holidays, today)
    return (
        f"the PSF needs at least {_working_days(policy, holidays, today)}, so a date on or after "
        f"{_long(earliest)}, and prefers {policy.preferred_lead_weeks} weeks (on or after "
        f"{_long(preferred)}) so a decision comes in time"
    )


def _notice(
    policy: FundingPolicy, holidays: frozenset[date], needed_by: date | None, today: date
) -> RuleResult:
    title = "Enough notice before the money is needed"
    if needed_by is None:
        return RuleResult("notice", title, State.UNCHECKED, "Tell us the date you need it by.")
    earliest, preferred = notice_dates(policy, holidays, today)
    notice = _weeks((needed_by - today).days)
    if needed_by < earliest:
        message = (
            f"The PSF needs at least {_working_days(policy, holidays, today)}: choose a date on "
            f"or after {_long(earliest)}."
        )
        return RuleResult(
            "notice",
            title,
            State.NOT_MET,
            f"You need it by {_long(needed_by)}, {notice} from the day you ask. {message}",
            errors={"needed_by": [message]},
        )
    if needed_by < preferred:
        return RuleResult(
            "notice",
            title,
            State.WARNING,
            f"You need it by {_long(needed_by)}, {notice} from the day you ask. The PSF prefers "
            f"{policy.preferred_lead_weeks} weeks' notice, so a decision may not come in time.",
        )
    return RuleResult(
        "notice",
        title,
        State.MET,
        f"You need it by {_long(needed_by)}, {notice} from the day you ask: at least the "
        f"{policy.preferred_lead_weeks} weeks the PSF asks for.",
    )


def _keyword_in(text: str, categories: Sequence[BudgetCategory]) -> tuple[BudgetCategory, str]:
    for category in categories:
        for word in category.keyword_list:
            if re.search(rf"(?<!\w){re.escape(word)}", text, flags=re.IGNORECASE):
                return category, word
    raise LookupError


def _exclusions(unfunded: Sequence[BudgetCategory], lines: Sequence[LineInput]) -> RuleResult:
    title = "Only what the PSF funds"
    if not lines:
        return RuleResult("exclusions", title, State.UNCHECKED, "Your budget has no lines yet.")
    flags = []
    for line in lines:
        if line.category is not None and not line.category.funded:
            flags.append(Flag(line, line.category))
            continue
        try:
            category, word = _keyword_in(line.description, unfunded)
        except LookupError:
            continue
        flags.append(Flag(line, category, by_keyword=word))
    if not flags:
        return RuleResult(
            "exclusions",
            title,
            State.MET,
            "Nothing in your budget is on the list of what the PSF does not fund.",
        )
    errors: dict[str, list[str]] = {}
    for flag in flags:
        where = "description" if flag.by_keyword else "category"
        what = (
            f"looks like {flag.category.label.lower()} (it mentions “{flag.by_keyword}”)"
            if flag.by_keyword
            else f"is in “{flag.category.label}”"
        )
        errors[f"line-{flag.line.index}-{where}"] = [
            f"Line {flag.line.number} (“{flag.line.description}”) {what}. "
            f"{flag.category.explanation}"
        ]
    return RuleResult(
        "exclusions",
        title,
        State.NOT_MET,
        f"{len(flags)} line{'s' if len(flags) != 1 else ''} of your budget "
        f"{'are' if len(flags) != 1 else 'is'} for something the PSF does not fund: take "
        f"{'them' if len(flags) != 1 else 'it'} out, or say who else pays for "
        f"{'them' if len(flags) != 1 else 'it'} under “Other funding sources”.",
        flags=flags,
        errors=errors,
    )


def _maximum(
    rates: RateTable,
    event_kind: EventKind | None,
    currency: str,
    total: Decimal | None,
    today: date,
    first_line: int | None = None,
) -> RuleResult:
    title = "Within the most the PSF gives for this kind of event"
    if event_kind is None:
        return RuleResult("maximum", title, State.UNCHECKED, "Choose what the money is for.")
    kind = event_kind.label.lower()
    if not total or not currency:
        return RuleResult("maximum", title, State.UNCHECKED, "Your budget has no lines yet.")
    if event_kind.max_amount is None:
        return RuleResult("maximum", title, State.MET, f"There is no maximum for a {kind}.")
    maximum = format_money(event_kind.max_amount, event_kind.max_currency)
    converted = rates.convert(total, currency, event_kind.max_currency, today)
    if converted is None:
        missing = currency if not rates.has_rate(currency) else event_kind.max_currency
        return RuleResult(
            "maximum",
            title,
            State.UNCHECKED,
            f"The most the PSF gives for a {kind} is {maximum}. Your budget of "
            f"{format_money(total, currency)} could not be compared with it yet, as there is no "
            f"exchange rate for {missing}: PSF staff will convert it and check.",
        )
    asked = format_money(total, currency)
    if currency != event_kind.max_currency:
        asked += f", about {format_money(converted, event_kind.max_currency)}"
    if converted > event_kind.max_amount:
        message = (
            f"Your budget comes to {asked}: the most the PSF gives for a {kind} is {maximum}. "
            "Lower your budget to at most that, or ask other sponsors for the rest."
        )
        # On the first line's amount: the error summary links there, to the budget.
        field = f"line-{first_line}-amount" if first_line is not None else NON_FIELD_ERRORS
        return RuleResult("maximum", title, State.NOT_MET, message, errors={field: [message]})
    return RuleResult(
        "maximum",
        title,
        State.MET,
        f"Your budget comes to {asked}, within the {maximum} the PSF gives at most for a {kind}.",
    )


def funding_policy_check(
    *,
    needed_by: date | None,
    event_kind: EventKind | None,
    currency: str,
    lines: Sequence[LineInput],
    today: date,
    rules: PolicyRules | None = None,
) -> Checklist:
    """Apply each rule to a budget as it stands on `today` (the day the request is, or was,
    submitted): met, met with a warning, not met (the request is refused), or not checked yet."""
    rules = rules or PolicyRules.load()
    total = _total(lines, currency) if lines else None
    first_line = lines[0].index if lines else None
    return Checklist(
        [
            _notice(rules.policy, rules.holidays, needed_by, today),
            _exclusions(rules.unfunded, lines),
            _maximum(rules.rates, event_kind, currency, total, today, first_line),
        ]
    )
