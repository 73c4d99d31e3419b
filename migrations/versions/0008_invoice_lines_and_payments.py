"""invoice lines and payments

Invoices are detailed ("Facturas detalladas") with the line model and totals rules of orders, a
payment CFDI names the invoices it pays (documentos relacionados of the complemento de pagos 2.0),
and credit notes get their subtotal, tax and currency.

Existing rows:
* an invoice keeps its subtotal, tax_total, total and balance and gets discount_total = 0. Its old
  subtotal was "after discounts" and the discount was never recorded, so it is now the subtotal of
  a document without discount: total = subtotal - discount_total + tax_total still holds. It has
  no lines, and stays valid without them; new invoices store the totals of their lines;
* a credit note gets subtotal = total and tax_total = 0: the split of its total was never recorded
  and cannot be recovered, and this choice keeps the amount credited exact without inventing a
  tax. Its currency is its related invoice's, else its account's (else MXN);
* no payment CFDI names its invoices yet: the link is recorded from now on.
The server defaults that fill those rows stay, on both databases: a writer that predates this
revision and inserts an invoice without discount_total still gets 0. (Dropping a default on SQLite
rebuilds the table, and rebuilding `invoice` there, with foreign keys on, would null the
credit notes' references to it.)

Downgrade: an invoice's subtotal becomes "after discounts" again (subtotal - discount_total), a
credit note keeps its total, and invoice lines and payment links are dropped: revision 0007 has no
place for them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 17:18:08.428266
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('discount_percent', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('discount_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('tax', sa.Enum('IVA_16', 'IVA_8', 'IVA_0', 'EXENTO', name='tax', native_enum=False), nullable=True),
    sa.Column('tax_rate', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('gross', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('discount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('net', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('tax_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name='invoice_line_invoice_id_fkey', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name='invoice_line_product_id_fkey', ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name='invoice_line_service_id_fkey', ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name='invoice_line_pkey')
    )
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_line_invoice_id_position', ['invoice_id', 'position'], unique=False)
        batch_op.create_index('ix_invoice_line_product_id', ['product_id'], unique=False)
        batch_op.create_index('ix_invoice_line_service_id', ['service_id'], unique=False)

    op.create_table('payment_related_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_cfdi_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('installment', sa.Integer(), nullable=False),
    sa.Column('previous_balance', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('amount_paid', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('remaining_balance', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.CheckConstraint('installment >= 1', name='ck_payment_related_document_installment'),
    sa.CheckConstraint('amount_paid > 0', name='ck_payment_related_document_amount_paid'),
    sa.CheckConstraint('remaining_balance = previous_balance - amount_paid', name='ck_payment_related_document_remaining_balance'),
    sa.CheckConstraint('remaining_balance >= 0', name='ck_payment_related_document_not_overpaid'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name='payment_related_document_invoice_id_fkey', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payment_cfdi_id'], ['payment_cfdi.id'], name='payment_related_document_payment_cfdi_id_fkey', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name='payment_related_document_pkey')
    )
    with op.batch_alter_table('payment_related_document', schema=None) as batch_op:
        batch_op.create_index('ix_payment_related_document_invoice_id_installment', ['invoice_id', 'installment'], unique=False)
        batch_op.create_index('ix_payment_related_document_payment_cfdi_id_installment', ['payment_cfdi_id', 'installment'], unique=False)

    # Only columns are added to invoice (no rebuild on SQLite: see the docstring). 0 is 0 cents there too.
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_total', sa.Numeric(precision=18, scale=2), nullable=False, server_default='0'))

    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=False, server_default='MXN'))
        batch_op.add_column(sa.Column('subtotal', sa.Numeric(precision=18, scale=2), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('tax_total', sa.Numeric(precision=18, scale=2), nullable=False, server_default='0'))
    # Both amounts are in the same units (cents on SQLite), so the copy is exact on both databases.
    op.execute(sa.text(
        'UPDATE credit_note SET subtotal = total, currency = COALESCE('
        '(SELECT invoice.currency FROM invoice WHERE invoice.id = credit_note.related_invoice_id), '
        "(SELECT account.currency FROM account WHERE account.id = credit_note.account_id), 'MXN')"
    ))
    # Nothing refers to credit_note: rebuilding it on SQLite for the check is safe.
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.create_check_constraint('ck_credit_note_total', 'total = subtotal + tax_total')


def downgrade() -> None:
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.drop_constraint('ck_credit_note_total', type_='check')
        batch_op.drop_column('tax_total')
        batch_op.drop_column('subtotal')
        batch_op.drop_column('currency')

    op.execute(sa.text('UPDATE invoice SET subtotal = subtotal - discount_total'))
    # A plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not batch mode: no rebuild of invoice.
    op.drop_column('invoice', 'discount_total')

    with op.batch_alter_table('payment_related_document', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_related_document_payment_cfdi_id_installment')
        batch_op.drop_index('ix_payment_related_document_invoice_id_installment')
    op.drop_table('payment_related_document')

    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_line_service_id')
        batch_op.drop_index('ix_invoice_line_product_id')
        batch_op.drop_index('ix_invoice_line_invoice_id_position')
    op.drop_table('invoice_line')
