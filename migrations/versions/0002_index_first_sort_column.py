"""index the first sort column of every table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:14:37.732386
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.create_index('ix_activity_log_at', ['at'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index('ix_app_user_name', ['name'], unique=False)

    with op.batch_alter_table('bank_transaction', schema=None) as batch_op:
        batch_op.create_index('ix_bank_transaction_date', ['date'], unique=False)

    with op.batch_alter_table('calendar_event', schema=None) as batch_op:
        batch_op.create_index('ix_calendar_event_start_at', ['start_at'], unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_start_date', ['start_date'], unique=False)

    with op.batch_alter_table('cash_flow', schema=None) as batch_op:
        batch_op.create_index('ix_cash_flow_date', ['date'], unique=False)

    with op.batch_alter_table('chat_channel', schema=None) as batch_op:
        batch_op.create_index('ix_chat_channel_last_message_at', ['last_message_at'], unique=False)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.create_index('ix_commission_period', ['period'], unique=False)

    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.create_index('ix_credit_note_date', ['date'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_uploaded_at', ['uploaded_at'], unique=False)

    with op.batch_alter_table('email', schema=None) as batch_op:
        batch_op.create_index('ix_email_sent_at', ['sent_at'], unique=False)

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_date', ['date'], unique=False)

    with op.batch_alter_table('lot_serial', schema=None) as batch_op:
        batch_op.create_index('ix_lot_serial_lot_number', ['lot_number'], unique=False)

    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_expected_close_date', ['expected_close_date'], unique=False)

    with op.batch_alter_table('payment_cfdi', schema=None) as batch_op:
        batch_op.create_index('ix_payment_cfdi_payment_date', ['payment_date'], unique=False)

    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.create_index('ix_price_list_name', ['name'], unique=False)

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index('ix_project_start_date', ['start_date'], unique=False)

    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.create_index('ix_purchase_order_date', ['date'], unique=False)

    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.create_index('ix_quote_date', ['date'], unique=False)

    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.create_index('ix_sales_order_date', ['date'], unique=False)

    with op.batch_alter_table('service_contract', schema=None) as batch_op:
        batch_op.create_index('ix_service_contract_start_date', ['start_date'], unique=False)

    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index('ix_subscription_start_date', ['start_date'], unique=False)

    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.create_index('ix_support_case_opened_at', ['opened_at'], unique=False)

    with op.batch_alter_table('transfer_invoice', schema=None) as batch_op:
        batch_op.create_index('ix_transfer_invoice_date', ['date'], unique=False)

    with op.batch_alter_table('warehouse_movement', schema=None) as batch_op:
        batch_op.create_index('ix_warehouse_movement_date', ['date'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('warehouse_movement', schema=None) as batch_op:
        batch_op.drop_index('ix_warehouse_movement_date')

    with op.batch_alter_table('transfer_invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_transfer_invoice_date')

    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.drop_index('ix_support_case_opened_at')

    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index('ix_subscription_start_date')

    with op.batch_alter_table('service_contract', schema=None) as batch_op:
        batch_op.drop_index('ix_service_contract_start_date')

    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_order_date')

    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.drop_index('ix_quote_date')

    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.drop_index('ix_purchase_order_date')

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_start_date')

    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.drop_index('ix_price_list_name')

    with op.batch_alter_table('payment_cfdi', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_cfdi_payment_date')

    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_expected_close_date')

    with op.batch_alter_table('lot_serial', schema=None) as batch_op:
        batch_op.drop_index('ix_lot_serial_lot_number')

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_date')

    with op.batch_alter_table('email', schema=None) as batch_op:
        batch_op.drop_index('ix_email_sent_at')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_uploaded_at')

    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_note_date')

    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.drop_index('ix_commission_period')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_created_at')

    with op.batch_alter_table('chat_channel', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_channel_last_message_at')

    with op.batch_alter_table('cash_flow', schema=None) as batch_op:
        batch_op.drop_index('ix_cash_flow_date')

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_start_date')

    with op.batch_alter_table('calendar_event', schema=None) as batch_op:
        batch_op.drop_index('ix_calendar_event_start_at')

    with op.batch_alter_table('bank_transaction', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_transaction_date')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index('ix_app_user_name')

    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_log_at')


