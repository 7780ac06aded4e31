"""audit_log: index on (action, entry_id) for `canhgac queue --source` on a large backlog

`--source S` also lists the citizen-report entries that a crawled page of S joined, which only the audit log's
`crawl_join` rows record. The index finds those rows without reading the whole log.

Revision ID: 0005_audit_log_action_index
Revises: 0004_items_url_revision_unique
Create Date: 2026-12-03
"""
from __future__ import annotations

from alembic import op

revision = '0005_audit_log_action_index'
down_revision = '0004_items_url_revision_unique'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action_entry', ['action', 'entry_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_action_entry')
