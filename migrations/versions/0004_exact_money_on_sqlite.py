"""exact money on sqlite

SQLite kept money and quantities (NUMERIC) as REAL, which holds 15 significant digits: from now
on it keeps them as whole units of their scale (cents for NUMERIC(18,2), ten-thousandths for
NUMERIC(18,4)) in a 64-bit INTEGER, as `models.exact.ExactNumeric` reads and writes them.
PostgreSQL's NUMERIC is exact already: nothing to do there. The columns are listed here as they
were at this revision, so the migration never depends on models that may change.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Every NUMERIC column at revision 0003, with its scale: 2 for money, 4 for quantities and rates.
COLUMNS: dict[str, tuple[tuple[str, int], ...]] = {
    "account": (("credit_limit", 2),),
    "bank_transaction": (("amount", 2),),
    "campaign": (("budget", 2), ("expected_revenue", 2)),
    "cash_flow": (("amount", 2),),
    "commission": (("base_amount", 2), ("rate", 4), ("amount", 2)),
    "credit_note": (("total", 2),),
    "invoice": (("subtotal", 2), ("tax_total", 2), ("total", 2), ("balance", 2)),
    "opportunity": (("amount", 2),),
    "payment_cfdi": (("amount", 2),),
    "product": (("price", 2), ("stock", 4)),
    "project": (("budget", 2),),
    "purchase_order": (("subtotal", 2), ("discount_total", 2), ("tax_total", 2), ("total", 2)),
    "purchase_order_line": (
        ("quantity", 4), ("unit_price", 2), ("discount_percent", 4), ("discount_amount", 2), ("tax_rate", 4),
        ("gross", 2), ("discount", 2), ("net", 2), ("tax_amount", 2), ("total", 2),
    ),
    "quote": (("subtotal", 2), ("discount_total", 2), ("tax_total", 2), ("total", 2)),
    "quote_line": (
        ("quantity", 4), ("unit_price", 2), ("discount_percent", 4), ("discount_amount", 2), ("tax_rate", 4),
        ("gross", 2), ("discount", 2), ("net", 2), ("tax_amount", 2), ("total", 2),
    ),
    "sales_order": (("subtotal", 2), ("discount_total", 2), ("tax_total", 2), ("total", 2)),
    "sales_order_line": (
        ("quantity", 4), ("unit_price", 2), ("discount_percent", 4), ("discount_amount", 2), ("tax_rate", 4),
        ("gross", 2), ("discount", 2), ("net", 2), ("tax_amount", 2), ("total", 2),
    ),
    "service": (("price", 2),),
    "service_contract": (("used_units", 4), ("total_units", 4)),
    "subscription": (("amount", 2),),
    "warehouse_movement": (("quantity", 4),),
}


def _rewrite(assignment: str) -> None:
    """One UPDATE per table, each column set by `assignment` (formatted with `column` and `units`)."""
    dialect = op.get_context().dialect
    if dialect.name != "sqlite":
        return
    quote = dialect.identifier_preparer.quote
    for table, columns in COLUMNS.items():
        sets = ", ".join(
            f"{quote(column)} = " + assignment.format(column=quote(column), units=10**scale) for column, scale in columns
        )
        op.execute(sa.text(f"UPDATE {quote(table)} SET {sets}"))


def upgrade() -> None:
    # round() first: a REAL such as 0.29 is 0.28999999999999998, and 28.999999999999996 cents.
    # NULL stays NULL all the way through.
    _rewrite("CAST(round({column} * {units}) AS INTEGER)")


def downgrade() -> None:
    # The REAL the old type wrote: the nearest double to the amount (a whole one becomes INTEGER again).
    _rewrite("{column} / {units}.0")
