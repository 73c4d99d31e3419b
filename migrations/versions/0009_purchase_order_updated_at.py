"""purchase order updated at

Purchase orders change state (setPurchaseOrderStatus), so they carry `updated_at` like accounts and
contacts: the value an `expectedUpdatedAt` is compared with. An existing order was last changed when
it was recorded: its `created_at`.

On SQLite the column is added with a constant default and filled at once: making it NOT NULL
afterwards would rebuild `purchase_order`, and dropping that table with foreign keys on deletes
every line (ON DELETE CASCADE). The unused default stays there; PostgreSQL drops it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 17:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Never seen by a client: every row gets its created_at in the same migration.
_FILLER = '1970-01-01 00:00:00.000000'


def upgrade() -> None:
    # Plain ALTER TABLE statements, never batch mode's copy-and-move (see above).
    op.add_column('purchase_order', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False,
                                              server_default=sa.text(f"'{_FILLER}'")))
    op.execute('UPDATE purchase_order SET updated_at = created_at')
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('purchase_order', 'updated_at', server_default=None)


def downgrade() -> None:
    op.drop_column('purchase_order', 'updated_at')
