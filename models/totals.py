"""Amounts of a document line and of a whole document, by the rules of docs/domain.md §5.

Every amount is rounded to cents half-up (never Python's half-even) as soon as it is computed,
and later amounts use the rounded value: 0.5 x 2.25 = 1.125 is 1.13.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from models.enums import TAX_RATES, Tax
from models.types import CENT, ZERO


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tax_rate(tax: Tax | None) -> Decimal:
    return Decimal(TAX_RATES[tax.value]) if tax is not None else ZERO


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal  #: quantity x unit price
    discount: Decimal  #: gross x percent / 100, or the amount given
    net: Decimal  #: gross - discount: the tax base
    tax_rate: Decimal
    tax_amount: Decimal  #: net x rate
    total: Decimal  #: net + tax


def line_amounts(
    quantity: Decimal,
    unit_price: Decimal,
    *,
    discount_percent: Decimal | None = None,
    discount_amount: Decimal | None = None,
    tax: Tax | None = None,
) -> LineAmounts:
    gross = cents(quantity * unit_price)
    if discount_percent is not None:
        discount = cents(gross * discount_percent / 100)
    else:
        discount = cents(discount_amount) if discount_amount is not None else ZERO
    net = gross - discount
    rate = tax_rate(tax)
    tax_amount = cents(net * rate)
    return LineAmounts(gross, discount, net, rate, tax_amount, net + tax_amount)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal  #: Σ gross
    discount_total: Decimal  #: Σ discount
    tax_total: Decimal  #: Σ tax
    total: Decimal  #: subtotal - discount_total + tax_total


def document_totals(lines: Iterable[LineAmounts]) -> Totals:
    lines = list(lines)
    subtotal = sum((line.gross for line in lines), ZERO)
    discount_total = sum((line.discount for line in lines), ZERO)
    tax_total = sum((line.tax_amount for line in lines), ZERO)
    return Totals(subtotal, discount_total, tax_total, subtotal - discount_total + tax_total)


@dataclass(frozen=True)
class TaxGroup:
    tax: Tax
    rate: Decimal
    base: Decimal  #: Σ net of its lines
    amount: Decimal | None  #: Σ tax of its lines; None for EXENTO, which has a base and no tax


def tax_breakdown(lines: Iterable[tuple[Tax | None, Decimal, Decimal]]) -> list[TaxGroup]:
    """CFDI 4.0 traslados: one group per tax of (tax, net, tax amount) lines, in the order of `Tax`.
    Lines without a tax are in no group."""
    bases: dict[Tax, Decimal] = {}
    amounts: dict[Tax, Decimal] = {}
    for tax, net, amount in lines:
        if tax is not None:
            bases[tax] = bases.get(tax, ZERO) + net
            amounts[tax] = amounts.get(tax, ZERO) + amount
    return [
        TaxGroup(tax, tax_rate(tax), bases[tax], None if tax is Tax.EXENTO else amounts[tax])
        for tax in Tax
        if tax in bases
    ]
