"""Money: `Decimal` amounts with ISO 4217 currency codes, never floats.

The currencies the portal knows (code, English name, minor units as ISO 4217 lists them): a
short table kept by hand, as the portal speaks English only and needs nothing else of a locale
library. Only currencies with 0 or 2 minor units are listed: amounts are stored with two
decimals. Which of them a budget may use is funding's choice (those with an exchange rate).
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217: code -> (name, minor units).
CURRENCIES: dict[str, tuple[str, int]] = {
    "USD": ("US dollar", 2),
    "EUR": ("Euro", 2),
    "GBP": ("Pound sterling", 2),
    "AUD": ("Australian dollar", 2),
    "BRL": ("Brazilian real", 2),
    "CAD": ("Canadian dollar", 2),
    "CHF": ("Swiss franc", 2),
    "CLP": ("Chilean peso", 0),
    "CNY": ("Chinese yuan renminbi", 2),
    "COP": ("Colombian peso", 2),
    "CZK": ("Czech koruna", 2),
    "DKK": ("Danish krone", 2),
    "EGP": ("Egyptian pound", 2),
    "GHS": ("Ghanaian cedi", 2),
    "HKD": ("Hong Kong dollar", 2),
    "HUF": ("Hungarian forint", 2),
    "IDR": ("Indonesian rupiah", 2),
    "ILS": ("Israeli new shekel", 2),
    "INR": ("Indian rupee", 2),
    "JPY": ("Japanese yen", 0),
    "KES": ("Kenyan shilling", 2),
    "KRW": ("South Korean won", 0),
    "MXN": ("Mexican peso", 2),
    "MYR": ("Malaysian ringgit", 2),
    "NGN": ("Nigerian naira", 2),
    "NOK": ("Norwegian krone", 2),
    "NZD": ("New Zealand dollar", 2),
    "PEN": ("Peruvian sol", 2),
    "PHP": ("Philippine peso", 2),
    "PKR": ("Pakistani rupee", 2),
    "PLN": ("Polish złoty", 2),
    "RWF": ("Rwandan franc", 0),
    "SEK": ("Swedish krona", 2),
    "SGD": ("Singapore dollar", 2),
    "THB": ("Thai baht", 2),
    "TRY": ("Turkish lira", 2),
    "TWD": ("New Taiwan dollar", 2),
    "TZS": ("Tanzanian shilling", 2),
    "UAH": ("Ukrainian hryvnia", 2),
    "UGX": ("Ugandan shilling", 0),
    "VND": ("Vietnamese đồng", 0),
    "ZAR": ("South African rand", 2),
}
# USD, EUR and GBP first (most requests use them), then the rest by code.
CURRENCY_CHOICES: list[tuple[str, str]] = [
    (code, f"{code} – {name}") for code, (name, _) in CURRENCIES.items()
]
# The largest amount a money column holds (max_digits=12, decimal_places=2).
MAX_AMOUNT = Decimal("9999999999.99")


def minor_units(currency: str) -> int:
    return CURRENCIES[currency][1]


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor units (cents; whole yen)."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def fits_currency(amount: Decimal, currency: str) -> bool:
    """No more decimals than the currency has minor units (no 0.5 yen)."""
    try:
        return quantize(amount, currency) == amount
    except InvalidOperation:
        return False


def format_money(amount: Decimal | int | None, currency: str) -> str:
    """'2,400.00 EUR', '50,000 JPY': as the pages, e-mails and the report write amounts."""
    if amount is None:
        return ""
    if isinstance(amount, float):
        raise TypeError("Money is a Decimal, never a float.")
    amount = Decimal(amount)
    places = minor_units(currency) if currency in CURRENCIES else 2
    number = quantize(amount, currency) if currency in CURRENCIES else amount
    return f"{number:,.{places}f} {currency}".strip()


_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


def parse_amount(text: str) -> str:
    """What people type for an amount, ready for Decimal: "1,250.50" -> "1250.50"."""
    text = text.strip()
    if _THOUSANDS.fullmatch(text):
        return text.replace(",", "")
    return text
