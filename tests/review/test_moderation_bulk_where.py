"""`bulk --where` as a moderator writes it. `category=illegal_ad score<0.5` means "the illegal_ad flags under 0.5"
(the docs' example, `category=offensive score<0.6`, is the low-confidence offensive flags to dismiss), not "entries
whose top score, of whatever category, is under 0.5", which silently selected nothing for an entry flagged
scam 0.82 and illegal_ad 0.49. A selection that is empty says so and offers no confirmation code for nothing;
`status=decided`, which bulk can never act on, is refused. Real database file (SQLite), and PostgreSQL when
configured."""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store
from tests.review.factory import FakeResult, add_item, flagged

CLI = Callable[..., tuple[int, str, str]]


def _two_flags(store: Store, text: str, scores: dict[str, float]) -> int:
    top = max(scores, key=lambda c: scores[c])
    entry = store.record_score(add_item(store, text), FakeResult(scores, tuple(scores), label=top))
    assert entry is not None
    return entry


def _ids(out: str) -> set[int]:
    return {int(ln.split()[0]) for ln in out.splitlines() if ln.split() and ln.split()[0].isdigit()}


def test_score_with_category_is_that_category_s_score(store: Store, cli: CLI) -> None:
    weak_ad = _two_flags(store, "Tuyển cộng tác viên online, nạp phí kích hoạt", {"scam": 0.82, "illegal_ad": 0.49})
    strong_ad = flagged(store, "Soi kèo nhà cái uy tín, nạp 100k tặng 200k", "illegal_ad", 0.96)
    low_scam = flagged(store, "Chuyển khoản ngay để nhận quà", "scam", 0.45)
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=illegal_ad score<0.5")
    assert code == 0, err
    assert _ids(out) == {weak_ad}, out
    code, out, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=illegal_ad score>=0.9")
    assert _ids(out) == {strong_ad}, out
    # without a category, score is still the entry's top score
    code, out, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "score<0.5")
    assert _ids(out) == {low_scam}, out
    assert store.entry_detail(weak_ad).row.status == "open"  # a dry run


def test_the_real_run_acts_on_what_the_dry_run_listed(store: Store, cli: CLI) -> None:
    weak_ad = _two_flags(store, "Tuyển cộng tác viên online, nạp phí kích hoạt", {"scam": 0.82, "illegal_ad": 0.49})
    flagged(store, "Soi kèo nhà cái uy tín, nạp 100k tặng 200k", "illegal_ad", 0.96)
    where = "category=illegal_ad score<0.5"
    _, out, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", where)
    confirm = out.split("--confirm ")[-1].split()[0]
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", where, "--yes", "--confirm", confirm)
    assert code == 0 and "cho 1 mục" in out, (out, err)
    assert store.entry_detail(weak_ad).row.verdict == "dismiss"


def test_an_empty_selection_says_so_without_a_code(store: Store, cli: CLI) -> None:
    flagged(store, "Soi kèo nhà cái uy tín, nạp 100k tặng 200k", "illegal_ad", 0.96)
    code, out, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=hate")
    assert code == 0
    assert "Không có mục nào" in out and "Mã xác nhận" not in out and "--confirm" not in out, out


def test_status_decided_is_refused(store: Store, cli: CLI) -> None:
    flagged(store, "Soi kèo nhà cái uy tín, nạp 100k tặng 200k", "illegal_ad", 0.96)
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "status=decided")
    assert code == 2, (out, err)
    assert "undo" in err and "status=decided" in err, err
