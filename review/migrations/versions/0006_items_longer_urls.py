"""items: URLs up to 2500 characters (was 2048)

A percent-encoded Vietnamese slug easily passes 2048 characters; PostgreSQL refused such an item on every
run while SQLite (which does not enforce VARCHAR lengths) stored it. The new limit is
`review.models.MAX_URL_LENGTH`, which the crawler enforces itself, so both databases behave the same.
SQLite needs no change: widening a VARCHAR there would rebuild the table for nothing.

Revision ID: 0006_items_longer_urls
Revises: 0005_audit_log_action_index
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_items_longer_urls'
down_revision = '0005_audit_log_action_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    for column in ('url', 'canonical_url'):
        op.alter_column('items', column, type_=sa.String(length=2500), existing_type=sa.String(length=2048),
                        existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    for column in ('url', 'canonical_url'):  # fails, as it should, if a longer URL was stored meanwhile
        op.alter_column('items', column, type_=sa.String(length=2048), existing_type=sa.String(length=2500),
                        existing_nullable=False)
