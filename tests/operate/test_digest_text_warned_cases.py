"""Section 6 of the weekly digest ("Các trường hợp vi phạm đã xác nhận nổi bật") lists warned violations (`warn`,
"đã cảnh báo") with the others: the plain-text part marks them as the HTML part names every case's verdict — it
used to mark only escalations, so a warned case read like a plain violation in the text mail."""

from __future__ import annotations

from datetime import timedelta

from review.digest import collect_digest
from review.digest_render import render_text
from review.store import Store
from tests.operate.seed import add_flagged
from tests.operate.test_digest_mail import MONDAY, WEEK, config


def test_a_warned_case_is_marked_in_the_text_digest(store: Store, db_url: str) -> None:
    cfg = config(2525, db_url)
    add_flagged(store, title="Bài đăng xúc phạm cán bộ phường", category="offensive", at=MONDAY, verdict="warn",
                decided_at=MONDAY + timedelta(days=1))
    add_flagged(store, title="Tin giả về dịch bệnh", category="misinformation", at=MONDAY, verdict="violation",
                decided_at=MONDAY + timedelta(days=1))
    data = collect_digest(store, cfg, WEEK)
    assert sorted(c.verdict or "" for c in data.top_cases) == ["violation", "warn"]
    section = render_text(data, cfg.digest.timezone).split("6. ")[1].split("7. ")[0]
    warned = next(line for line in section.splitlines() if "xúc phạm" in line)
    assert "[đã cảnh báo] Bài đăng xúc phạm cán bộ phường" in warned, section
    plain = next(line for line in section.splitlines() if "Tin giả" in line)
    assert "[vi phạm]" not in plain and "cảnh báo" not in plain, section  # a plain violation stays unmarked
