"""The digest chart of a week without flags: an axis of whole, non-negative numbers (matplotlib's automatic
limits around zero drew "-0.045 cờ" ticks in the mail)."""

from __future__ import annotations

from review.config import parse_config
from review.digest import collect_digest
from review.digest_chart import flags_chart
from review.store import Store
from tests.operate.test_digest_mail import WEEK


def test_empty_week_axis_has_no_negative_or_fractional_counts(store: Store, db_url: str) -> None:
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n', "test.toml")
    data = collect_digest(store, cfg, WEEK)
    assert not data.flags_per_day
    ax = flags_chart(data).axes[0]
    low, high = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if low <= t <= high]
    assert low >= 0 and high >= 1
    assert ticks and all(t >= 0 and float(t).is_integer() for t in ticks), ticks
