"""create every table

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 14:38:09.742920
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('calendar_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.Enum('CALL', 'MEETING', 'TASK', name='eventkind', native_enum=False), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('PLANNED', 'HELD', 'NOT_HELD', 'CANCELLED', name='eventstatus', native_enum=False), nullable=False),
    sa.Column('location', sa.String(length=254), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=254), nullable=False),
    sa.Column('type', sa.Enum('EMAIL', 'EVENT', 'WEBINAR', 'SOCIAL', 'ADVERTISING', 'TRADE_SHOW', name='campaigntype', native_enum=False), nullable=False),
    sa.Column('status', sa.Enum('PLANNED', 'ACTIVE', 'COMPLETED', 'CANCELLED', name='campaignstatus', native_enum=False), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('budget', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('expected_revenue', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=254), nullable=False),
    sa.Column('filename', sa.String(length=254), nullable=False),
    sa.Column('mime_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=254), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=254), nullable=False),
    sa.Column('from_address', sa.String(length=254), nullable=False),
    sa.Column('to_addresses', sa.String(), nullable=False),
    sa.Column('cc_addresses', sa.String(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('direction', sa.Enum('INBOUND', 'OUTBOUND', name='emaildirection', native_enum=False), nullable=False),
    sa.Column('body_preview', sa.String(), nullable=True),
    sa.Column('message_id', sa.String(length=254), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('price_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=254), nullable=False),
    sa.Column('sku', sa.String(length=60), nullable=True),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('price', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('stock', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('sat_product_code', sa.String(length=8), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_sku'), ['sku'], unique=False)

    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=254), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=True),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('price', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('sat_product_code', sa.String(length=8), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_name'), ['name'], unique=False)

    op.create_table('vendor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=254), nullable=False),
    sa.Column('rfc', sa.String(length=13), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vendor_name'), ['name'], unique=False)

    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_no', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=254), nullable=False),
    sa.Column('trade_name', sa.String(length=254), nullable=True),
    sa.Column('rfc', sa.String(length=13), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('website', sa.String(length=254), nullable=True),
    sa.Column('industry', sa.String(length=80), nullable=True),
    sa.Column('account_type', sa.Enum('CUSTOMER', 'PROSPECT', 'DISTRIBUTOR', 'RESELLER', 'PARTNER', 'SUPPLIER', 'OTHER', name='accounttype', native_enum=False), nullable=False),
    sa.Column('assigned_user_id', sa.Integer(), nullable=True),
    sa.Column('parent_account_id', sa.Integer(), nullable=True),
    sa.Column('tax_regime', sa.String(length=3), nullable=True),
    sa.Column('cfdi_use', sa.String(length=4), nullable=True),
    sa.Column('payment_form', sa.String(length=2), nullable=True),
    sa.Column('payment_method', sa.Enum('PUE', 'PPD', name='paymentmethod', native_enum=False), nullable=True),
    sa.Column('fiscal_postal_code', sa.String(length=5), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('credit_limit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('credit_days', sa.Integer(), nullable=False),
    sa.Column('payment_terms', sa.String(length=254), nullable=True),
    sa.Column('do_not_email', sa.Boolean(), nullable=False),
    sa.Column('marketing_opt_in', sa.Boolean(), nullable=False),
    sa.Column('shipping_methods', sa.JSON(), nullable=False),
    sa.Column('store_visible', sa.Boolean(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_user_id'], ['app_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_account_id'], ['account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_list.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_no')
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_assigned_user_id'), ['assigned_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_parent_account_id'), ['parent_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_price_list_id'), ['price_list_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_rfc'), ['rfc'], unique=False)

    op.create_table('account_campaign',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('TARGETED', 'SENT', 'OPENED', 'RESPONDED', 'CONVERTED', 'UNSUBSCRIBED', name='campaignmemberstatus', native_enum=False), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'campaign_id')
    )
    with op.batch_alter_table('account_campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_campaign_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('account_document',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'document_id')
    )
    with op.batch_alter_table('account_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_document_document_id'), ['document_id'], unique=False)

    op.create_table('account_email',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('email_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['email_id'], ['email.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'email_id')
    )
    with op.batch_alter_table('account_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_email_email_id'), ['email_id'], unique=False)

    op.create_table('account_event',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['calendar_event.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'event_id')
    )
    with op.batch_alter_table('account_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_event_event_id'), ['event_id'], unique=False)

    op.create_table('account_product',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'product_id')
    )
    with op.batch_alter_table('account_product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_product_product_id'), ['product_id'], unique=False)

    op.create_table('account_relation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('related_account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('PARENT', 'SUBSIDIARY', 'AFFILIATE', 'PARTNER', 'OTHER', name='accountrelationkind', native_enum=False), nullable=False),
    sa.Column('notes', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['related_account_id'], ['account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('account_relation', schema=None) as batch_op:
        batch_op.create_index('ix_account_relation_account_id_kind', ['account_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_relation_related_account_id'), ['related_account_id'], unique=False)

    op.create_table('account_service',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'service_id')
    )
    with op.batch_alter_table('account_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_service_service_id'), ['service_id'], unique=False)

    op.create_table('activity_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.String(length=254), nullable=False),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.create_index('ix_activity_log_account_id_at', ['account_id', 'at'], unique=False)

    op.create_table('bank_transaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('bank_account', sa.String(length=120), nullable=False),
    sa.Column('bank', sa.String(length=80), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('DEPOSIT', 'WITHDRAWAL', name='banktransactionkind', native_enum=False), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('reconciled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bank_transaction', schema=None) as batch_op:
        batch_op.create_index('ix_bank_transaction_account_id_date', ['account_id', 'date'], unique=False)

    op.create_table('cash_flow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('INFLOW', 'OUTFLOW', name='cashflowkind', native_enum=False), nullable=False),
    sa.Column('category', sa.String(length=80), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cash_flow', schema=None) as batch_op:
        batch_op.create_index('ix_cash_flow_account_id_date', ['account_id', 'date'], unique=False)

    op.create_table('commission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('salesperson_id', sa.Integer(), nullable=True),
    sa.Column('base_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('rate', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('status', sa.Enum('PENDING', 'APPROVED', 'PAID', name='commissionstatus', native_enum=False), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['salesperson_id'], ['app_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.create_index('ix_commission_account_id_period', ['account_id', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_commission_salesperson_id'), ['salesperson_id'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_no', sa.String(length=20), nullable=False),
    sa.Column('first_name', sa.String(length=120), nullable=True),
    sa.Column('last_name', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=True),
    sa.Column('department', sa.String(length=120), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('mobile', sa.String(length=40), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('reports_to_id', sa.Integer(), nullable=True),
    sa.Column('do_not_email', sa.Boolean(), nullable=False),
    sa.Column('marketing_opt_in', sa.Boolean(), nullable=False),
    sa.Column('assigned_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assigned_user_id'], ['app_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reports_to_id'], ['contact.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contact_no')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_account_id_last_name_first_name', ['account_id', 'last_name', 'first_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_assigned_user_id'), ['assigned_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_last_name'), ['last_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_reports_to_id'), ['reports_to_id'], unique=False)

    op.create_table('lot_serial',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('lot_number', sa.String(length=60), nullable=True),
    sa.Column('serial_number', sa.String(length=60), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('AVAILABLE', 'DELIVERED', 'RETURNED', 'EXPIRED', name='lotserialstatus', native_enum=False), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lot_serial', schema=None) as batch_op:
        batch_op.create_index('ix_lot_serial_account_id_lot_number_serial_number', ['account_id', 'lot_number', 'serial_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_serial_product_id'), ['product_id'], unique=False)

    op.create_table('opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=254), nullable=False),
    sa.Column('stage', sa.Enum('PROSPECTING', 'QUALIFICATION', 'PROPOSAL', 'NEGOTIATION', 'CLOSED_WON', 'CLOSED_LOST', name='opportunitystage', native_enum=False), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('expected_close_date', sa.Date(), nullable=False),
    sa.Column('lead_source', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_account_id_expected_close_date', ['account_id', 'expected_close_date'], unique=False)

    op.create_table('payment_cfdi',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=True),
    sa.Column('serie', sa.String(length=25), nullable=True),
    sa.Column('folio', sa.String(length=40), nullable=True),
    sa.Column('payment_date', sa.Date(), nullable=False),
    sa.Column('payment_form', sa.String(length=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.Enum('ISSUED', 'CANCELLED', name='fiscaldocumentstatus', native_enum=False), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payment_cfdi', schema=None) as batch_op:
        batch_op.create_index('ix_payment_cfdi_account_id_payment_date', ['account_id', 'payment_date'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=254), nullable=False),
    sa.Column('status', sa.Enum('PLANNED', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'CANCELLED', name='projectstatus', native_enum=False), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('target_end_date', sa.Date(), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('budget', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index('ix_project_account_id_start_date', ['account_id', 'start_date'], unique=False)

    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('plan', sa.String(length=120), nullable=False),
    sa.Column('status', sa.Enum('ACTIVE', 'PAUSED', 'CANCELLED', 'EXPIRED', name='subscriptionstatus', native_enum=False), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('billing_period', sa.Enum('MONTHLY', 'QUARTERLY', 'YEARLY', name='billingperiod', native_enum=False), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('next_billing_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index('ix_subscription_account_id_start_date', ['account_id', 'start_date'], unique=False)

    op.create_table('transfer_invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=True),
    sa.Column('serie', sa.String(length=25), nullable=True),
    sa.Column('folio', sa.String(length=40), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('origin', sa.String(length=254), nullable=False),
    sa.Column('destination', sa.String(length=254), nullable=False),
    sa.Column('status', sa.Enum('ISSUED', 'CANCELLED', name='fiscaldocumentstatus', native_enum=False), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('transfer_invoice', schema=None) as batch_op:
        batch_op.create_index('ix_transfer_invoice_account_id_date', ['account_id', 'date'], unique=False)

    op.create_table('warehouse_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('IN', 'OUT', 'TRANSFER', name='movementkind', native_enum=False), nullable=False),
    sa.Column('warehouse', sa.String(length=120), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('warehouse_movement', schema=None) as batch_op:
        batch_op.create_index('ix_warehouse_movement_account_id_date', ['account_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_warehouse_movement_product_id'), ['product_id'], unique=False)

    op.create_table('address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('FISCAL', 'BILLING', 'SHIPPING', 'OTHER', name='addresskind', native_enum=False), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('street', sa.String(length=254), nullable=False),
    sa.Column('ext_number', sa.String(length=20), nullable=True),
    sa.Column('int_number', sa.String(length=20), nullable=True),
    sa.Column('colonia', sa.String(length=120), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('municipality', sa.String(length=120), nullable=True),
    sa.Column('state', sa.String(length=80), nullable=True),
    sa.Column('postal_code', sa.String(length=5), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.CheckConstraint('(account_id IS NULL) <> (contact_id IS NULL)', name='ck_address_one_owner'),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('address', schema=None) as batch_op:
        batch_op.create_index('ix_address_account_id_kind', ['account_id', 'kind'], unique=False)
        batch_op.create_index('ix_address_contact_id_kind', ['contact_id', 'kind'], unique=False)

    op.create_table('asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('asset_no', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=254), nullable=False),
    sa.Column('serial_number', sa.String(length=60), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('IN_SERVICE', 'IN_REPAIR', 'OUT_OF_SERVICE', 'RETIRED', name='assetstatus', native_enum=False), nullable=False),
    sa.Column('date_in_service', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('asset_no')
    )
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.create_index('ix_asset_account_id_asset_no', ['account_id', 'asset_no'], unique=False)
        batch_op.create_index('ix_asset_contact_id_asset_no', ['contact_id', 'asset_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_product_id'), ['product_id'], unique=False)

    op.create_table('chat_channel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('room_id', sa.String(length=60), nullable=False),
    sa.Column('room_name', sa.String(length=120), nullable=False),
    sa.Column('room_type', sa.Enum('CHANNEL', 'PRIVATE_GROUP', 'DIRECT', 'LIVECHAT', name='chatroomtype', native_enum=False), nullable=False),
    sa.Column('url', sa.String(length=254), nullable=True),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chat_channel', schema=None) as batch_op:
        batch_op.create_index('ix_chat_channel_account_id_last_message_at', ['account_id', 'last_message_at'], unique=False)
        batch_op.create_index('ix_chat_channel_contact_id_last_message_at', ['contact_id', 'last_message_at'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.String(), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('parent_comment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_comment_id'], ['comment.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_account_id_created_at', ['account_id', 'created_at'], unique=False)
        batch_op.create_index('ix_comment_contact_id_created_at', ['contact_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_parent_comment_id'), ['parent_comment_id'], unique=False)

    op.create_table('contact_campaign',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('TARGETED', 'SENT', 'OPENED', 'RESPONDED', 'CONVERTED', 'UNSUBSCRIBED', name='campaignmemberstatus', native_enum=False), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'campaign_id')
    )
    with op.batch_alter_table('contact_campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_campaign_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('contact_document',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'document_id')
    )
    with op.batch_alter_table('contact_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_document_document_id'), ['document_id'], unique=False)

    op.create_table('contact_email',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('email_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['email_id'], ['email.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'email_id')
    )
    with op.batch_alter_table('contact_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_email_email_id'), ['email_id'], unique=False)

    op.create_table('contact_event',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['calendar_event.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'event_id')
    )
    with op.batch_alter_table('contact_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_event_event_id'), ['event_id'], unique=False)

    op.create_table('contact_opportunity',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'opportunity_id')
    )
    with op.batch_alter_table('contact_opportunity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_opportunity_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('contact_product',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'product_id')
    )
    with op.batch_alter_table('contact_product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_product_product_id'), ['product_id'], unique=False)

    op.create_table('contact_project',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'project_id')
    )
    with op.batch_alter_table('contact_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_project_project_id'), ['project_id'], unique=False)

    op.create_table('contact_service',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'service_id')
    )
    with op.batch_alter_table('contact_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_service_service_id'), ['service_id'], unique=False)

    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('uuid', sa.String(length=36), nullable=True),
    sa.Column('serie', sa.String(length=25), nullable=True),
    sa.Column('folio', sa.String(length=40), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'CANCELLED', name='invoicestatus', native_enum=False), nullable=False),
    sa.Column('subtotal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('tax_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('balance', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payment_method', sa.Enum('PUE', 'PPD', name='paymentmethod', native_enum=False), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_account_id_date', ['account_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_contact_id'), ['contact_id'], unique=False)

    op.create_table('purchase_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subtotal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('discount_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('tax_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=254), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('CREATED', 'APPROVED', 'SENT_TO_VENDOR', 'RECEIVED', name='purchaseorderstatus', native_enum=False), nullable=False),
    sa.Column('terms_and_conditions', sa.String(), nullable=True),
    sa.Column('shipping_address', sa.String(), nullable=True),
    sa.Column('billing_address', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.create_index('ix_purchase_order_contact_id_date', ['contact_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('quote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subtotal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('discount_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('tax_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=254), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('stage', sa.Enum('DRAFT', 'DELIVERED', 'REVIEWED', 'ACCEPTED', 'REJECTED', name='quotestage', native_enum=False), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.create_index('ix_quote_account_id_date', ['account_id', 'date'], unique=False)
        batch_op.create_index('ix_quote_contact_id_date', ['contact_id', 'date'], unique=False)

    op.create_table('service_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=254), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('PLANNED', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'CANCELLED', name='servicecontractstatus', native_enum=False), nullable=False),
    sa.Column('sla_hours', sa.Integer(), nullable=True),
    sa.Column('tracking_unit', sa.Enum('HOURS', 'INCIDENTS', 'VISITS', name='trackingunit', native_enum=False), nullable=False),
    sa.Column('used_units', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('total_units', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('service_contract', schema=None) as batch_op:
        batch_op.create_index('ix_service_contract_account_id_start_date', ['account_id', 'start_date'], unique=False)
        batch_op.create_index('ix_service_contract_contact_id_start_date', ['contact_id', 'start_date'], unique=False)

    op.create_table('support_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('case_no', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=254), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'IN_PROGRESS', 'WAITING', 'RESOLVED', 'CLOSED', name='casestatus', native_enum=False), nullable=False),
    sa.Column('priority', sa.Enum('LOW', 'NORMAL', 'HIGH', 'URGENT', name='casepriority', native_enum=False), nullable=False),
    sa.Column('severity', sa.Enum('MINOR', 'MAJOR', 'CRITICAL', name='caseseverity', native_enum=False), nullable=False),
    sa.Column('channel', sa.Enum('EMAIL', 'PHONE', 'WEB', 'CHAT', name='casechannel', native_enum=False), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_no')
    )
    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.create_index('ix_support_case_account_id_opened_at', ['account_id', 'opened_at'], unique=False)
        batch_op.create_index('ix_support_case_contact_id_opened_at', ['contact_id', 'opened_at'], unique=False)

    op.create_table('credit_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=True),
    sa.Column('serie', sa.String(length=25), nullable=True),
    sa.Column('folio', sa.String(length=40), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('related_invoice_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=254), nullable=True),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('status', sa.Enum('ISSUED', 'APPLIED', 'CANCELLED', name='creditnotestatus', native_enum=False), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['related_invoice_id'], ['invoice.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.create_index('ix_credit_note_account_id_date', ['account_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_note_related_invoice_id'), ['related_invoice_id'], unique=False)

    op.create_table('purchase_order_line',
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
    sa.Column('purchase_order_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['purchase_order_id'], ['purchase_order.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_purchase_order_line_purchase_order_id_position', ['purchase_order_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_line_service_id'), ['service_id'], unique=False)

    op.create_table('quote_line',
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
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quote_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_quote_line_quote_id_position', ['quote_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_quote_line_service_id'), ['service_id'], unique=False)

    op.create_table('sales_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subtotal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('discount_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('tax_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('quote_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=254), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('CREATED', 'APPROVED', 'DELIVERED', 'INVOICED', 'CANCELLED', name='salesorderstatus', native_enum=False), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.create_index('ix_sales_order_account_id_date', ['account_id', 'date'], unique=False)
        batch_op.create_index('ix_sales_order_contact_id_date', ['contact_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_quote_id'), ['quote_id'], unique=False)

    op.create_table('sales_order_line',
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
    sa.Column('sales_order_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sales_order_id'], ['sales_order.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_order_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_sales_order_line_sales_order_id_position', ['sales_order_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_line_service_id'), ['service_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_order_line_service_id'))
        batch_op.drop_index('ix_sales_order_line_sales_order_id_position')
        batch_op.drop_index(batch_op.f('ix_sales_order_line_product_id'))

    op.drop_table('sales_order_line')
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_order_quote_id'))
        batch_op.drop_index('ix_sales_order_contact_id_date')
        batch_op.drop_index('ix_sales_order_account_id_date')

    op.drop_table('sales_order')
    with op.batch_alter_table('quote_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_line_service_id'))
        batch_op.drop_index('ix_quote_line_quote_id_position')
        batch_op.drop_index(batch_op.f('ix_quote_line_product_id'))

    op.drop_table('quote_line')
    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_line_service_id'))
        batch_op.drop_index('ix_purchase_order_line_purchase_order_id_position')
        batch_op.drop_index(batch_op.f('ix_purchase_order_line_product_id'))

    op.drop_table('purchase_order_line')
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_note_related_invoice_id'))
        batch_op.drop_index('ix_credit_note_account_id_date')

    op.drop_table('credit_note')
    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.drop_index('ix_support_case_contact_id_opened_at')
        batch_op.drop_index('ix_support_case_account_id_opened_at')

    op.drop_table('support_case')
    with op.batch_alter_table('service_contract', schema=None) as batch_op:
        batch_op.drop_index('ix_service_contract_contact_id_start_date')
        batch_op.drop_index('ix_service_contract_account_id_start_date')

    op.drop_table('service_contract')
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.drop_index('ix_quote_contact_id_date')
        batch_op.drop_index('ix_quote_account_id_date')

    op.drop_table('quote')
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_vendor_id'))
        batch_op.drop_index('ix_purchase_order_contact_id_date')

    op.drop_table('purchase_order')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_contact_id'))
        batch_op.drop_index('ix_invoice_account_id_date')

    op.drop_table('invoice')
    with op.batch_alter_table('contact_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_service_service_id'))

    op.drop_table('contact_service')
    with op.batch_alter_table('contact_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_project_project_id'))

    op.drop_table('contact_project')
    with op.batch_alter_table('contact_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_product_product_id'))

    op.drop_table('contact_product')
    with op.batch_alter_table('contact_opportunity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_opportunity_opportunity_id'))

    op.drop_table('contact_opportunity')
    with op.batch_alter_table('contact_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_event_event_id'))

    op.drop_table('contact_event')
    with op.batch_alter_table('contact_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_email_email_id'))

    op.drop_table('contact_email')
    with op.batch_alter_table('contact_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_document_document_id'))

    op.drop_table('contact_document')
    with op.batch_alter_table('contact_campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_campaign_campaign_id'))

    op.drop_table('contact_campaign')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_parent_comment_id'))
        batch_op.drop_index('ix_comment_contact_id_created_at')
        batch_op.drop_index('ix_comment_account_id_created_at')

    op.drop_table('comment')
    with op.batch_alter_table('chat_channel', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_channel_contact_id_last_message_at')
        batch_op.drop_index('ix_chat_channel_account_id_last_message_at')

    op.drop_table('chat_channel')
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_product_id'))
        batch_op.drop_index('ix_asset_contact_id_asset_no')
        batch_op.drop_index('ix_asset_account_id_asset_no')

    op.drop_table('asset')
    with op.batch_alter_table('address', schema=None) as batch_op:
        batch_op.drop_index('ix_address_contact_id_kind')
        batch_op.drop_index('ix_address_account_id_kind')

    op.drop_table('address')
    with op.batch_alter_table('warehouse_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warehouse_movement_product_id'))
        batch_op.drop_index('ix_warehouse_movement_account_id_date')

    op.drop_table('warehouse_movement')
    with op.batch_alter_table('transfer_invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_transfer_invoice_account_id_date')

    op.drop_table('transfer_invoice')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index('ix_subscription_account_id_start_date')

    op.drop_table('subscription')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_account_id_start_date')

    op.drop_table('project')
    with op.batch_alter_table('payment_cfdi', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_cfdi_account_id_payment_date')

    op.drop_table('payment_cfdi')
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_account_id_expected_close_date')

    op.drop_table('opportunity')
    with op.batch_alter_table('lot_serial', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_serial_product_id'))
        batch_op.drop_index('ix_lot_serial_account_id_lot_number_serial_number')

    op.drop_table('lot_serial')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_reports_to_id'))
        batch_op.drop_index(batch_op.f('ix_contact_last_name'))
        batch_op.drop_index(batch_op.f('ix_contact_assigned_user_id'))
        batch_op.drop_index('ix_contact_account_id_last_name_first_name')

    op.drop_table('contact')
    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_salesperson_id'))
        batch_op.drop_index('ix_commission_account_id_period')

    op.drop_table('commission')
    with op.batch_alter_table('cash_flow', schema=None) as batch_op:
        batch_op.drop_index('ix_cash_flow_account_id_date')

    op.drop_table('cash_flow')
    with op.batch_alter_table('bank_transaction', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_transaction_account_id_date')

    op.drop_table('bank_transaction')
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_log_account_id_at')

    op.drop_table('activity_log')
    with op.batch_alter_table('account_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_service_service_id'))

    op.drop_table('account_service')
    with op.batch_alter_table('account_relation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_relation_related_account_id'))
        batch_op.drop_index('ix_account_relation_account_id_kind')

    op.drop_table('account_relation')
    with op.batch_alter_table('account_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_product_product_id'))

    op.drop_table('account_product')
    with op.batch_alter_table('account_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_event_event_id'))

    op.drop_table('account_event')
    with op.batch_alter_table('account_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_email_email_id'))

    op.drop_table('account_email')
    with op.batch_alter_table('account_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_document_document_id'))

    op.drop_table('account_document')
    with op.batch_alter_table('account_campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_campaign_campaign_id'))

    op.drop_table('account_campaign')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_rfc'))
        batch_op.drop_index(batch_op.f('ix_account_price_list_id'))
        batch_op.drop_index(batch_op.f('ix_account_parent_account_id'))
        batch_op.drop_index(batch_op.f('ix_account_name'))
        batch_op.drop_index(batch_op.f('ix_account_assigned_user_id'))

    op.drop_table('account')
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vendor_name'))

    op.drop_table('vendor')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_name'))

    op.drop_table('service')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_sku'))
        batch_op.drop_index(batch_op.f('ix_product_name'))

    op.drop_table('product')
    op.drop_table('price_list')
    op.drop_table('email')
    op.drop_table('document')
    op.drop_table('campaign')
    op.drop_table('calendar_event')
    op.drop_table('app_user')

