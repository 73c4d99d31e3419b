"""rename subscription to rental_subscription

The domain table of rentals and subscriptions was called `subscription`, and its GraphQL type
`Subscription`: every SDL reader takes that type for the subscription root, and PostGraphile drops
the table's relations. The rows stay; only names change (table, indexes, and on PostgreSQL its
primary key, foreign key and id sequence).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 00:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (old index, new index, columns)
INDEXES = (
    ('ix_subscription_account_id_start_date', 'ix_rental_subscription_account_id_start_date', ['account_id', 'start_date']),
    ('ix_subscription_start_date', 'ix_rental_subscription_start_date', ['start_date']),
)


def _rename(old_table: str, new_table: str, *, forward: bool) -> None:
    op.rename_table(old_table, new_table)
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for old_index, new_index, columns in INDEXES:
        before, after = (old_index, new_index) if forward else (new_index, old_index)
        if postgresql:
            op.execute(f'ALTER INDEX {before} RENAME TO {after}')
        else:
            with op.batch_alter_table(new_table, schema=None) as batch_op:
                batch_op.drop_index(before)
                batch_op.create_index(after, columns, unique=False)
    if postgresql:
        op.execute(f'ALTER TABLE {new_table} RENAME CONSTRAINT {old_table}_pkey TO {new_table}_pkey')
        op.execute(f'ALTER TABLE {new_table} RENAME CONSTRAINT {old_table}_account_id_fkey TO {new_table}_account_id_fkey')
        op.execute(f'ALTER SEQUENCE {old_table}_id_seq RENAME TO {new_table}_id_seq')


def upgrade() -> None:
    _rename('subscription', 'rental_subscription', forward=True)


def downgrade() -> None:
    _rename('rental_subscription', 'subscription', forward=False)
