"""items: canonical addresses stored with Zalo/Facebook share parameters are spelled without them

Since 2026-12 the crawler drops Zalo's and Facebook's share parameters (zarsrc, gidzl, mibextid, fb_action_ids,
fb_action_types, fb_source, fb_ref, ttclid, twclid, _gl) from canonical addresses (`crawler.urls.canonical_url`).
Items stored before keep canonical addresses with them, and a page is found stored by its canonical address (the
"already stored" check, revisions, the page lock, a citizen report of the page): the same story fetched again,
now spelled without them, would be stored as a second item. This rewrites each such address once, to the
spelling the crawler uses now, so old and new items are found alike.

Rewriting rather than matching both spellings on every look-up: an address is then spelled one way everywhere
(the page lock and the unique constraints on (canonical_url, content_hash) and (canonical_url, revision) hold
for a page's old and new items alike), and no look-up pays for it. What is kept safe:

* all the revisions stored under one old address move together (a page's revision chain stays one address);
* an address is rewritten only when no item is stored under its new spelling yet: a page already stored twice
  (fetched again after the rule changed) keeps its two items as they are, and is found by the new spelling;
* several old addresses that spell one new address (one story shared through Zalo with different `zarsrc`): only
  the first stored moves (the page's first item stays its owner); the others stay as they are.
* `items.url`, what was actually fetched, is unchanged, and so are exports' `url` column, the audit chain
  (whose rows carry their details, not the item's current address) and story clusters (a cluster counts
  distinct addresses: moving an address to one no item has keeps the count).

The link a pasted citizen report led to when it was filed (`Item.extra["resolved_url"]`, canonical by the rule of
then) is rewritten the same way, and its place key (the `item_bands` row "pl:<sha256 of that address>" through
which a crawl of the page finds the report) moves with it: a crawl of the page, spelled the new way, joins the
report's entry (`review.report_match.place_of` also reads an address without these parameters, so a report this
misses is found alike). Not rewritten: the "already seen" markers of feed entries (feed_state, keyed by the
canonical address; such an entry is fetched once more and dropped as already stored).

PostgreSQL: the items table is locked against writers (SHARE ROW EXCLUSIVE; readers go on) before the first read,
so a page stored meanwhile under a new spelling (a worker still running the previous version) waits until this
is committed, rather than making the rewrite hit the unique constraint. SQLite: the migration's transaction is the
only writer.

The parameters are the ones the crawler started dropping then, written out here: the rule may change later, this
migration must not. The rest of the address (already canonical: parameters sorted, encoded) is kept as stored.
The downgrade leaves the addresses as they are: the older code also reads them (it would store the next fetch of
such a page under its old spelling, as a second item, as it did before).

Revision ID: 0009_items_share_params_dropped
Revises: 0008_other_model_count_indexes
Create Date: 2026-12-06
"""
from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from alembic import op

revision = '0009_items_share_params_dropped'
down_revision = '0008_other_model_count_indexes'
branch_labels = None
depends_on = None

#: the share parameters `crawler.urls` added to its tracking set in 2026-12 (compared lower-case, as it does)
SHARE_PARAMS = frozenset({'zarsrc', 'gidzl', 'mibextid', 'fb_action_ids', 'fb_action_types', 'fb_source', 'fb_ref',
                          'ttclid', 'twclid', '_gl'})
_BATCH = 5000
_items = sa.table('items', sa.column('id', sa.Integer), sa.column('canonical_url', sa.String),
                  sa.column('kind', sa.String), sa.column('raw_hash', sa.String), sa.column('extra', sa.JSON))
_bands = sa.table('item_bands', sa.column('item_id', sa.Integer), sa.column('band_key', sa.String))
_RESOLVED = 'resolved_url'  # `review.report_match.RESOLVED_URL`


def _place_key(address: str) -> str:
    """`review.report_match.place_key` as it is written in 2026-12."""
    return 'pl:' + hashlib.sha256(address.encode('utf-8')).hexdigest()[:20]


def without_share_params(url: str) -> str | None:
    """`url` (a stored canonical address) without the share parameters, or None when it has none of them."""
    if not url.startswith(('http://', 'https://')) or '?' not in url:
        return None
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k.lower() not in SHARE_PARAMS]
    if len(kept) == len(pairs):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(sorted(kept)), ''))


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':  # see the module docstring: no writer between the check and the rewrite
        conn.execute(sa.text('LOCK TABLE items IN SHARE ROW EXCLUSIVE MODE'))
    lowered = sa.func.lower(_items.c.canonical_url)
    maybe = sa.or_(*(lowered.like(f'%{name}=%') for name in sorted(SHARE_PARAMS)))  # `_` matches itself too
    first: dict[str, int] = {}  # old address -> its first item's id
    last = 0
    while True:
        rows = conn.execute(sa.select(_items.c.id, _items.c.canonical_url)
                            .where(_items.c.id > last, maybe).order_by(_items.c.id).limit(_BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        for row in rows:
            first.setdefault(row.canonical_url, row.id)
    moves: dict[str, str] = {}  # new address -> the old address moved to it (its first stored)
    for old, _ in sorted(first.items(), key=lambda kv: kv[1]):
        new = without_share_params(old)
        if new is not None and new not in moves:
            moves[new] = old
    wanted = list(moves)
    for i in range(0, len(wanted), 500):  # an address some item already has: that page is found already
        for taken in conn.scalars(sa.select(_items.c.canonical_url).distinct()
                                  .where(_items.c.canonical_url.in_(wanted[i:i + 500]))):
            moves.pop(taken, None)
    if moves:
        conn.execute(sa.update(_items).where(_items.c.canonical_url == sa.bindparam('old_url'))
                     .values(canonical_url=sa.bindparam('new_url')),
                     [{'old_url': old, 'new_url': new} for new, old in moves.items()])
    _move_report_links(conn)


def _move_report_links(conn: sa.Connection) -> None:
    """The pasted reports' followed links (and their place keys) spelled without the share parameters. Pasted
    reports are few (a citizen's message each); their `extra` is read whole, as JSON, not searched in SQL."""
    rows = conn.execute(sa.select(_items.c.id, _items.c.extra)
                        .where(_items.c.kind == 'report', _items.c.raw_hash.is_(None))).all()
    for item_id, extra in rows:
        led = extra.get(_RESOLVED) if isinstance(extra, dict) else None
        new = without_share_params(led) if isinstance(led, str) else None
        if new is None:
            continue
        conn.execute(sa.update(_items).where(_items.c.id == item_id).values(extra={**extra, _RESOLVED: new}))
        gone = conn.execute(sa.delete(_bands).where(_bands.c.item_id == item_id,
                                                    _bands.c.band_key == _place_key(led))).rowcount
        has_new = conn.scalar(sa.select(_bands.c.item_id).where(_bands.c.item_id == item_id,
                                                                _bands.c.band_key == _place_key(new)))
        if gone and has_new is None:
            conn.execute(sa.insert(_bands).values(item_id=item_id, band_key=_place_key(new)))


def downgrade() -> None:
    pass  # see the module docstring
