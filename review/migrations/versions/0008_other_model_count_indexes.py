"""review_entries, scores: indexes for counting the waiting entries another model scored (`canhgac status`)

`canhgac status` and `train --activate` count the undecided entries whose score another model made
(`review.rescore_pending`). Without these indexes every waiting entry's row and then its score's row were read:
about two seconds on SQLite at 100,000 waiting entries. With them both sides are read from an index alone:
the waiting entries' score ids from (status, score_id), each score's model version from (id, model_version).

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


def upgrade() -> None:
    with op.batch_alter_table('review_entries', schema=None) as batch_op:
        batch_op.create_index('ix_review_status_score', ['status', 'score_id'], unique=False)
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index('ix_scores_id_model_version', ['id', 'model_version'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # as in 0003: a database analysed before has stats for every index but the new ones, which would make
        # SQLite prefer them for the queue's own queries; refresh the stats of the tables they are on
        has_stats = bind.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").scalar()
        if has_stats:
            op.execute('ANALYZE review_entries')
            op.execute('ANALYZE scores')


def downgrade() -> None:
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index('ix_scores_id_model_version')
    with op.batch_alter_table('review_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_review_status_score')
