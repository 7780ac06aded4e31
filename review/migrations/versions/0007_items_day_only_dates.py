"""items: dates stored as a day alone move to that day in Vietnam (00:00 UTC -> 17:00 UTC the day before)

Before 2026-12-04 the crawler stored a date written without a time ("ngày 2/12/2026", a sitemap's "2026-12-02")
as 00:00 UTC that day, which moderators are shown as "07:00": a time the site never wrote. The crawler now
stores such a day as 00:00 Vietnam time (17:00 UTC the day before), shown as the date alone
(`crawler.extract.parse_date`, `review.vi.hhmm`); this moves the rows stored before, so old and new items read
alike. The calendar day in Vietnam is unchanged.

Trade-off: a post that really was published at 07:00:00 Vietnam time, with its time written, was stored as
00:00:00 UTC too, and is moved as well (it is then shown with its date alone). The old code stored both the same
way, so nothing in the database tells them apart; a post at exactly 07:00:00 is rare, a day-only date is common.

Rows are read and written through SQLAlchemy (no dialect's date functions), so SQLite and PostgreSQL behave
the same. The downgrade leaves the dates as they are: the rows moved cannot be told from those the new crawler
stored at 17:00 UTC, and the older code shows either as "00:00" of the right day.

Revision ID: 0007_items_day_only_dates
Revises: 0006_items_longer_urls
Create Date: 2026-12-04
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from review.types import UTCDateTime

revision = '0007_items_day_only_dates'
down_revision = '0006_items_longer_urls'
branch_labels = None
depends_on = None

_BATCH = 5000
_items = sa.table('items', sa.column('id', sa.Integer), sa.column('published_at', UTCDateTime(timezone=True)))


def upgrade() -> None:
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.select(_items.c.id, _items.c.published_at)
                            .where(_items.c.id > last, _items.c.published_at.is_not(None))
                            .order_by(_items.c.id).limit(_BATCH)).all()
        if not rows:
            return
        last = rows[-1].id
        moved = [{'row_id': row.id, 'day': row.published_at - timedelta(hours=7)} for row in rows
                 if (row.published_at.hour, row.published_at.minute, row.published_at.second,
                     row.published_at.microsecond) == (0, 0, 0, 0)]
        if moved:
            conn.execute(sa.update(_items).where(_items.c.id == sa.bindparam('row_id'))
                         .values(published_at=sa.bindparam('day', type_=UTCDateTime(timezone=True))), moved)


def downgrade() -> None:
    pass  # see the module docstring: which rows were moved is not known
