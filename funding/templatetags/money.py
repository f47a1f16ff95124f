"""`{{ amount|money:"EUR" }}`: "2,400.00 EUR", as everywhere else (common.money); and
`{% zero_decimal_currencies %}`: the codes of whole-number currencies, for the page's script."""

from decimal import Decimal

from django import template

from common.money import CURRENCIES, format_money, minor_units

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency)


@register.simple_tag
def zero_decimal_currencies() -> str:
    return " ".join(code for code in CURRENCIES if minor_units(code) == 0)
