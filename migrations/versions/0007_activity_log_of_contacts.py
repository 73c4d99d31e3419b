"""activity log of contacts

A mutation about a contact without an account had nowhere to write its history entry: an entry now
names an account, a contact, or both (and at least one of them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 17:13:56.955688
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_id', sa.Integer(), nullable=True))
        batch_op.alter_column('account_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index('ix_activity_log_contact_id_at', ['contact_id', 'at'], unique=False)
        batch_op.create_foreign_key('activity_log_contact_id_fkey', 'contact', ['contact_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint('ck_activity_log_about_someone', 'account_id IS NOT NULL OR contact_id IS NOT NULL')


def downgrade() -> None:
    orphans = op.get_bind().execute(sa.text('SELECT count(*) FROM activity_log WHERE account_id IS NULL')).scalar_one()
    if orphans:  # the old table cannot hold them, and history is not thrown away
        raise RuntimeError(f'{orphans} activity-log entries are about a contact without an account; '
                           'revision 0006 cannot hold them: export or reassign them first')
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.drop_constraint('ck_activity_log_about_someone', type_='check')
        batch_op.drop_constraint('activity_log_contact_id_fkey', type_='foreignkey')
        batch_op.drop_index('ix_activity_log_contact_id_at')
        batch_op.alter_column('account_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('contact_id')
