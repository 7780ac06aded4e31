"""review_entries, scores: indexes for counting the waiting entries another model scored (`canhgac status`), SQLite

`canhgac status` and `train --activate` count the undecided entries whose score another model made
(`review.rescore_pending`). Without these indexes SQLite read every waiting entry's row and then its score's row:
about two seconds at 100,000 waiting entries. With them both sides are read from an index alone: the waiting
entries' score ids from (status, score_id), each score's model version from (id, model_version).

On PostgreSQL they are not made: its plan for the count does not use them (a hash join of two sequential scans
either way; 100,000 waiting entries: 82-123 ms with or without them, run-to-run noise), and every score insert,
claim and decision would keep them up to date. A PostgreSQL database upgraded by an earlier draft of this
revision that made them has them dropped.

Revision ID: 0008_other_model_count_indexes
Revises: 0007_items_day_only_dates
Create Date: 2026-12-06
"""
from __future__ import annotations

from alembic import op

revision = '0008_other_model_count_indexes'
down_revision = '0007_items_day_only_dates'
branch_labels = None
depends_on = None


INDEXES = (('review_entries', 'ix_review_status_score', ['status', 'score_id']),
           ('scores', 'ix_scores_id_model_version', ['id', 'model_version']))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        for _, name, _ in INDEXES:
            op.execute(f'DROP INDEX IF EXISTS {name}')
        return
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    # as in 0003: a database analysed before has stats for every index but the new ones, which would make
    # SQLite prefer them for the queue's own queries; refresh the stats of the tables they are on
    has_stats = bind.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").scalar()
    if has_stats:
        op.execute('ANALYZE review_entries')
        op.execute('ANALYZE scores')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
