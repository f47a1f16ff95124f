"""US dollar equivalents from the rate table staff keep in the admin (no network, ever)."""

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from common.money import quantize

from .models import ExchangeRate

ONE = Decimal(1)


@dataclass(frozen=True)
class Rate:
    """What one unit of `currency` is worth in US dollars, as entered for `valid_from`."""

    currency: str
    usd_per_unit: Decimal
    valid_from: date | None  # None for USD itself


class RateTable:
    """Every rate, read once (one query), so a page converts any number of amounts for free.

    The rate for a day is the newest one entered for that day or before; a day before the first
    rate of a currency uses that first rate (and says so through its `valid_from`).
    """

    def __init__(self, rates: Iterable[ExchangeRate]) -> None:
        by_currency: dict[str, list[ExchangeRate]] = defaultdict(list)
        for rate in rates:
            by_currency[rate.currency].append(rate)
        self._rates = {
            currency: sorted(rows, key=lambda r: r.valid_from)
            for currency, rows in by_currency.items()
        }
        self._days = {c: [r.valid_from for r in rows] for c, rows in self._rates.items()}

    @classmethod
    def load(cls) -> "RateTable":
        return cls(ExchangeRate.objects.all())

    @staticmethod
    def rated_currencies() -> set[str]:
        """The currencies that convert, read alone (one query): US dollars and those with a rate."""
        return {"USD", *ExchangeRate.objects.values_list("currency", flat=True).distinct()}

    def has_rate(self, currency: str) -> bool:
        """Whether amounts in `currency` convert (on any day: before its first rate, that one)."""
        return currency == "USD" or currency in self._rates

    def rate(self, currency: str, on: date) -> Rate | None:
        if currency == "USD":
            return Rate("USD", ONE, None)
        rows = self._rates.get(currency)
        if not rows:
            return None
        index = bisect.bisect_right(self._days[currency], on) - 1
        row = rows[max(index, 0)]
        return Rate(currency, row.usd_per_unit, row.valid_from)

    def to_usd(self, amount: Decimal, currency: str, on: date) -> Decimal | None:
        """`amount` in US dollars (cents, rounded half up), or None without a rate."""
        rate = self.rate(currency, on)
        if rate is None:
            return None
        return quantize(amount * rate.usd_per_unit, "USD")

    def convert(self, amount: Decimal, currency: str, to: str, on: date) -> Decimal | None:
        """`amount` of `currency` in `to` (through the dollar), rounded to `to`'s minor units."""
        if currency == to:
            return amount
        source, target = self.rate(currency, on), self.rate(to, on)
        if source is None or target is None:
            return None
        return quantize(amount * source.usd_per_unit / target.usd_per_unit, to)
