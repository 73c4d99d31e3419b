"""The totals rules of docs/domain.md §5 as properties: they hold for any valid lines."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import astuple
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from models.enums import Tax
from models.relations import LINES
from models.totals import cents, document_totals, line_amounts, tax_breakdown
from service.db import create_engine
from service.migrate import migrate
from service.seed import seed_demo

quantities = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1000000"), places=4)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000000"), places=2)
percents = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=4)
taxes = st.one_of(st.none(), st.sampled_from(list(Tax)))


@st.composite
def lines(draw):  # noqa: ANN001, ANN201 - a hypothesis strategy
    quantity, price, tax = draw(quantities), draw(prices), draw(taxes)
    gross = cents(quantity * price)
    kind = draw(st.sampled_from(["none", "percent", "amount"]))
    percent = draw(percents) if kind == "percent" else None
    amount = draw(st.decimals(min_value=Decimal(0), max_value=gross, places=2)) if kind == "amount" else None
    return quantity, price, percent, amount, tax


def _amounts(line):  # noqa: ANN001, ANN202
    quantity, price, percent, amount, tax = line
    return line_amounts(quantity, price, discount_percent=percent, discount_amount=amount, tax=tax)


@given(lines())
def test_a_line_is_rounded_at_each_step_and_adds_up(line) -> None:  # noqa: ANN001
    quantity, price, percent, amount, tax = line
    result = _amounts(line)
    assert result.gross == (quantity * price).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert all(v == v.quantize(Decimal("0.01")) for v in (result.gross, result.discount, result.net, result.tax_amount, result.total))
    assert Decimal(0) <= result.discount <= result.gross
    assert result.net == result.gross - result.discount >= 0
    assert result.tax_amount == (result.net * result.tax_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert result.total == result.net + result.tax_amount
    if tax in (None, Tax.EXENTO, Tax.IVA_0):
        assert result.tax_amount == 0


@given(st.lists(lines(), min_size=1, max_size=20))
def test_a_document_sums_its_lines(many) -> None:  # noqa: ANN001
    amounts = [_amounts(line) for line in many]
    totals = document_totals(amounts)
    assert totals.subtotal == sum(a.gross for a in amounts)
    assert totals.discount_total == sum(a.discount for a in amounts)
    assert totals.tax_total == sum(a.tax_amount for a in amounts)
    assert totals.total == totals.subtotal - totals.discount_total + totals.tax_total == sum(a.total for a in amounts)
    groups = tax_breakdown((line[4], a.net, a.tax_amount) for line, a in zip(many, amounts, strict=True))
    assert [g.tax for g in groups] == [t for t in Tax if any(line[4] is t for line in many)]
    assert sum(g.amount or 0 for g in groups) == totals.tax_total
    assert all((g.amount is None) == (g.tax is Tax.EXENTO) for g in groups)


def test_half_up_not_half_even() -> None:
    assert line_amounts(Decimal("0.5"), Decimal("2.25")).gross == Decimal("1.13")
    assert line_amounts(Decimal("1"), Decimal("0.125")).gross == Decimal("0.13")  # Python would say 0.12


async def test_seeded_documents_store_the_amounts_of_their_lines(tmp_path) -> None:
    """Every line of every seeded quote, order and invoice, and every document's totals, recomputed."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'totals.db'}"
    await asyncio.to_thread(migrate, url)  # Alembic runs its own event loop
    engine = create_engine(url)
    try:
        await seed_demo(engine, accounts=120, seed=1)
        report = {}
        async with engine.connect() as connection:
            for document, relation in LINES.items():
                lines = (await connection.execute(sa.select(relation.target.__table__))).all()
                documents = (await connection.execute(sa.select(document.__table__))).all()
                by_document = defaultdict(list)
                wrong_lines = 0
                for line in lines:
                    amounts = line_amounts(line.quantity, line.unit_price, discount_percent=line.discount_percent,
                                           discount_amount=line.discount_amount, tax=line.tax)
                    stored = (line.tax_rate, line.gross, line.discount, line.net, line.tax_amount, line.total)
                    wrong_lines += stored != (amounts.tax_rate, amounts.gross, amounts.discount, amounts.net,
                                              amounts.tax_amount, amounts.total)
                    by_document[getattr(line, relation.fk)].append(amounts)
                wrong_documents = sum(
                    (row.subtotal, row.discount_total, row.tax_total, row.total)
                    != astuple(document_totals(by_document[row.id]))
                    for row in documents
                )
                without_lines = sum(row.id not in by_document for row in documents)
                report[document.__tablename__] = (len(lines), wrong_lines, len(documents), wrong_documents, without_lines)
    finally:
        await engine.dispose()
    assert set(report) == {"quote", "sales_order", "purchase_order", "invoice"}
    for table, (lines, wrong_lines, documents, wrong_documents, without_lines) in report.items():
        assert lines > documents > 100, (table, report[table])
        assert (wrong_lines, wrong_documents, without_lines) == (0, 0, 0), (table, report[table])
