"""items: one row per (canonical URL, revision)

Two crawler workers storing a changed page at the same moment could both read revision N and both
write N+1. A unique index makes the second one fail (and retry as N+2, see `ItemsMixin.add_items`).
Rows that already collided are renumbered first, per URL in (revision, id) order, each superseding
the one before it.

Revision ID: 0004_items_url_revision_unique
Revises: 0003_review_queue_indexes
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004_items_url_revision_unique'
down_revision = '0003_review_queue_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    items = sa.table('items', sa.column('id', sa.Integer), sa.column('canonical_url', sa.String),
                     sa.column('revision', sa.Integer), sa.column('supersedes_id', sa.Integer))
    clashing = bind.execute(sa.select(items.c.canonical_url).group_by(items.c.canonical_url, items.c.revision)
                            .having(sa.func.count() > 1).distinct()).scalars().all()
    for url in clashing:
        rows = bind.execute(sa.select(items.c.id).where(items.c.canonical_url == url)
                            .order_by(items.c.revision, items.c.id)).scalars().all()
        prev = None
        for n, item_id in enumerate(rows, start=1):
            bind.execute(sa.update(items).where(items.c.id == item_id).values(revision=n, supersedes_id=prev))
            prev = item_id
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('ix_items_canonical_rev')
        batch_op.create_index('uq_items_url_revision', ['canonical_url', 'revision'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('uq_items_url_revision')
        batch_op.create_index('ix_items_canonical_rev', ['canonical_url', 'revision'], unique=False)
