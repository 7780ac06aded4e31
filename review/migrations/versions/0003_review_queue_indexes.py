"""review: index for `canhgac queue --source` on a large backlog

Revision ID: 0003_review_queue_indexes
Revises: 0001
Create Date: 2026-11-22
"""
from __future__ import annotations

from alembic import op

revision = '0003_review_queue_indexes'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('review_entries', schema=None) as batch_op:
        batch_op.create_index('ix_review_status_source_priority', ['status', 'source_name', 'priority'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # SQLite plans with whatever sqlite_stat1 holds: stats for every index but the new one make it
        # prefer the new one for the plain queue query (seconds instead of a millisecond). Refresh them
        # when the database has been analysed before; without any stats the default plans are right.
        has_stats = bind.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").scalar()
        if has_stats:
            op.execute('ANALYZE review_entries')


def downgrade() -> None:
    with op.batch_alter_table('review_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_review_status_source_priority')
