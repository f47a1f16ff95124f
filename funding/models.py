"""Funding requests: the budget behind a help request that asks for money, the PSF's rules for
funding (edited by staff), review rounds with a budget, and the decision on each request.

A funding request is a help request with the kind "funding"; its `amount` and `currency` are the
budget's total, which the server works out from the budget's lines (HelpRequest keeps its fields).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from common.money import CURRENCY_CHOICES, MAX_AMOUNT, format_money
from help_requests.models import HelpRequest

POSITIVE = [MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)]


class FundingPolicy(models.Model):
    """The notice the PSF asks for: one row, edited in the admin (Funding → Funding policy)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    preferred_lead_weeks = models.PositiveSmallIntegerField(
        "preferred notice (weeks)",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
        help_text="Less notice than this before the date the money is needed: the submitter is "
        "warned that a decision may not come in time.",
    )
    minimum_lead_working_days = models.PositiveSmallIntegerField(
        "minimum notice (working days)",
        default=15,
        validators=[MinValueValidator(0), MaxValueValidator(520)],
        help_text="Less notice than this (Monday to Friday except the PSF's holidays, counted "
        "from the day after the request): the request is refused and the submitter asked for a "
        "later date.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "funding policy"
        verbose_name_plural = "funding policy"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="funding_policy_single_row"),
            # A week has five working days: the minimum may not exceed the preference.
            models.CheckConstraint(
                condition=Q(minimum_lead_working_days__lte=F("preferred_lead_weeks") * 5),
                name="funding_policy_minimum_within_preferred",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Notice: {self.preferred_lead_weeks} weeks preferred, "
            f"{self.minimum_lead_working_days} working days at least"
        )


class Holiday(models.Model):
    """A day the PSF does not work: it is not a working day when the notice is counted."""

    day = models.DateField(unique=True)
    name = models.CharField(max_length=100, help_text="For example “Independence Day”.")

    class Meta:
        ordering = ["day"]
        verbose_name = "PSF holiday"

    def __str__(self) -> str:
        return f"{self.name} ({self.day:%d %b %Y})"


class BudgetCategory(models.Model):
    """What a budget line pays for. Staff mark what the PSF does not fund, say why, and list
    words that flag a line whatever category the submitter chose."""

    code = models.SlugField(primary_key=True, max_length=30)
    label = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    funded = models.BooleanField(
        "the PSF funds this",
        default=True,
        help_text="Untick for what the PSF does not fund (prizes, swag, personal travel...).",
    )
    explanation = models.TextField(
        blank=True,
        max_length=1000,
        help_text="Shown to the submitter next to a flagged line: why the PSF does not fund it "
        "and what they could do instead.",
    )
    keywords = models.TextField(
        blank=True,
        max_length=2000,
        help_text="For a category the PSF does not fund: words or phrases, one per line. A line "
        "whose description has a word starting with one is flagged whatever its category "
        "(“prize” also catches “prizes”).",
    )

    class Meta:
        ordering = ["position", "label"]
        verbose_name_plural = "budget categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(funded=True) | ~Q(explanation=""),
                name="budget_category_unfunded_has_explanation",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.splitlines() if word.strip()]


class EventKind(models.Model):
    """What the money is for (a conference, a sprint, a user group...), with the most the PSF
    gives for one."""

    code = models.SlugField(primary_key=True, max_length=30)
    label = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    max_amount = models.DecimalField(
        "maximum amount",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
        help_text="The most the PSF gives for one. Empty: no maximum.",
    )
    max_currency = models.CharField(
        "currency of the maximum", max_length=3, choices=CURRENCY_CHOICES, default="USD"
    )

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "kind of event"
        verbose_name_plural = "kinds of event"
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0),
                name="event_kind_max_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def maximum(self) -> str:
        return format_money(self.max_amount, self.max_currency) if self.max_amount else ""


class ExchangeRate(models.Model):
    """What one unit of a currency was worth in US dollars from a date on (entered by staff; the
    portal never asks the network)."""

    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    usd_per_unit = models.DecimalField(
        "US dollars for one unit",
        max_digits=20,
        decimal_places=10,
        validators=[MinValueValidator(Decimal("0.0000000001"))],
        help_text="For example 1.08 for EUR, 0.0067 for JPY.",
    )
    valid_from = models.DateField(
        help_text="Used for amounts on and after this date, until a newer rate of the currency."
    )
    source = models.CharField(max_length=200, blank=True, help_text="Where the rate comes from.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"], name="exchange_rate_one_per_currency_and_day"
            ),
            models.CheckConstraint(condition=~Q(currency="USD"), name="exchange_rate_not_usd"),
            models.CheckConstraint(condition=Q(usd_per_unit__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.usd_per_unit.normalize():f} USD from {self.valid_from}"


class ReviewRound(models.Model):
    """A period in which staff review funding requests against one budget."""

    name = models.CharField(max_length=100, unique=True, help_text="Staff's name for it.")
    public_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="What submitters read on their status page when a decision was made in this "
        "round, like “PSF community grants, spring 2027”. Empty: they read no round name.",
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    budget = models.DecimalField(max_digits=12, decimal_places=2, validators=POSITIVE)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="review_round_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(budget__gt=0), name="review_round_budget_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class FundingRequest(models.Model):
    """What a funding request adds to its help request: the budget's context and its round."""

    help_request = models.OneToOneField(
        HelpRequest, primary_key=True, on_delete=models.CASCADE, related_name="funding"
    )
    event_kind = models.ForeignKey(
        EventKind, null=True, blank=True, on_delete=models.PROTECT, verbose_name="kind of event"
    )
    expected_reach = models.PositiveIntegerField(
        "expected attendance or reach", null=True, blank=True
    )
    other_funding = models.TextField("other funding sources", blank=True)
    sustainability = models.TextField("how it will sustain itself", blank=True)
    round = models.ForeignKey(
        ReviewRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name="review round",
    )

    class Meta:
        verbose_name = "funding request"

    def __str__(self) -> str:
        return str(self.help_request)


class BudgetLine(models.Model):
    """One line of a budget: what, which category, how much, in which currency."""

    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    category = models.ForeignKey(
        BudgetCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="budget_line_position_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {format_money(self.amount, self.currency)}"


class Decision(models.Model):
    """A reviewer's decision on a funding request: one per request, final, sent to the submitter."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approve in full"
        PARTIAL = "partial", "Approve part"
        DECLINED = "declined", "Decline"

    # The submitter's words for each outcome (status page, e-mail).
    PUBLIC_OUTCOME: dict[str, str] = {
        Outcome.APPROVED: "Approved",
        Outcome.PARTIAL: "Approved in part",
        Outcome.DECLINED: "Declined",
    }
    APPROVALS = frozenset({Outcome.APPROVED, Outcome.PARTIAL})

    request = models.OneToOneField(
        FundingRequest, on_delete=models.CASCADE, related_name="decision"
    )
    round = models.ForeignKey(
        ReviewRound, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(max_length=10, choices=Outcome)
    # What is approved, in the request's currency (none for a decline) ...
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    # ... in the round's currency, which is what the round's budget counts ...
    round_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # ... and the US dollar rate used, with its date, for the board's report.
    usd_per_unit = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    rate_date = models.DateField(null=True, blank=True)
    message = models.TextField("message to the submitter", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(outcome="declined", amount__isnull=True, round_amount__isnull=True)
                    | Q(
                        outcome__in=["approved", "partial"],
                        amount__gt=0,
                        round_amount__gt=0,
                        round__isnull=False,
                    )
                ),
                name="decision_amounts_match_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="declined") | ~Q(message=""),
                name="decision_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        if self.amount is None:
            return self.public_outcome
        return f"{self.public_outcome}: {format_money(self.amount, self.currency)}"

    @property
    def public_outcome(self) -> str:
        return self.PUBLIC_OUTCOME.get(self.outcome, self.get_outcome_display())

    @property
    def is_approval(self) -> bool:
        return self.outcome in self.APPROVALS


class BoardReport(FundingRequest):
    """The board's report (a page and a CSV), listed in the admin under Funding."""

    class Meta:
        proxy = True
        verbose_name = "board report"
        verbose_name_plural = "board report"
