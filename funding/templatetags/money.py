"""`{{ amount|money:"EUR" }}`: "2,400.00 EUR", as everywhere else (common.money)."""

from decimal import Decimal

from django import template

from common.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency)
