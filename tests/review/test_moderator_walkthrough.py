"""What a ward officer ran into working the queue from the CLI with a colleague on the same database.

* Two moderators undo the same mistaken decision at once: the one who came second was told "mục #N chưa có quyết
  định nào để hoàn tác", as if the entry had never been decided. Now it says whose decision was undone by whom, when
  and why, and what the entry is now; nothing is changed.
* `show N` printed "phiên bản 1", `claim N` made it 2, and `decide N --version 1` (the number read on screen) was
  refused as "đã bị thay đổi", though the only change was the moderator's own claim. A version moved on only by
  one's own claims is what one saw; any other change (a colleague's claim, a release, a decision and its undo) is
  still refused.
* `--as "nguyen van hung"` (no Unikey on an SSH session) was refused listing the names, without saying which one was
  meant; it now points to 'Nguyễn Văn Hùng' (still refused: colleagues may differ by diacritics alone).
* `export decisions -o d.xlsx` said "Đã xuất 12 dòng decisions vào d.xlsx": now "… dòng quyết định …".
* `show` of a citizen report that passed no threshold was headed "Mục #17 — Tin giả, tin sai sự thật
  (misinformation 0.15)", as if flagged for it; it now says it passes no threshold and gives the highest score.
* `bulk --where "score<0,6"`: Vietnamese write the decimal comma; it was "cần một số". A score outside 0..1 is refused
  rather than silently selecting everything or nothing.

Real SQLite file, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set; the two moderators are two `Store`s (two
connections, as two shells are) acting from two threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.cli import main
from review.errors import ConflictError
from review.models import ReviewEntry
from review.store import Store
from tests.review.factory import FakeResult, add_item, config_file, flagged

CLI = Callable[..., tuple[int, str, str]]


def _version(store: Store, entry: int) -> int:
    with store.session() as s:
        row = s.get(ReviewEntry, entry)
        assert row is not None
        return row.version


def test_the_second_of_two_undos_says_a_colleague_undid_it(store: Store, db_url: str, cli: CLI) -> None:
    entry = flagged(store, "Chúc mừng bạn trúng thưởng xe SH, nộp phí trước 3 triệu", "scam")
    store.decide(entry, "lan", "violation", note="lừa đảo trúng thưởng")
    results: dict[str, object] = {}

    def undo(who: str, reason: str) -> None:
        other = Store.open(db_url)  # a second shell: its own connection
        try:
            results[who] = other.undo(entry, who, reason)
        except ConflictError as exc:
            results[who] = exc
        finally:
            other.close()

    threads = [threading.Thread(target=undo, args=("lan", "sai nhóm")),
               threading.Thread(target=undo, args=("minh", "nhầm"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not [t for t in threads if t.is_alive()], "an undo never finished"
    refused = [(who, r) for who, r in results.items() if isinstance(r, ConflictError)]
    assert len(refused) == 1, results
    loser, exc = refused[0]
    winner = "minh" if loser == "lan" else "lan"
    message = str(exc)
    assert "chưa có quyết định nào" not in message, message
    assert f"quyết định «vi phạm» của lan đã được {winner} hoàn tác" in message, message
    assert ("sai nhóm" if winner == "lan" else "nhầm") in message and "đang chờ duyệt lại" in message, message
    assert f"canhgac show {entry}" in message, message
    # through the CLI too, with the entry since claimed by the winner: one line, exit 1, says who holds it now
    store.claim(entry, winner, 30)
    code, out, err = cli("--as", loser, "undo", str(entry), "--reason", "nhầm")
    assert code == 1 and out == "", (code, out, err)
    assert f"đã được {winner} hoàn tác" in err and f"đang do {winner} xử lý" in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    with store.session() as s:
        row = s.get(ReviewEntry, entry)
        assert row is not None and row.status == "claimed" and row.claimant == winner


def test_undo_of_an_entry_never_decided_still_says_so(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Tin đồn nộp phí cập nhật căn cước", "misinformation")
    code, _, err = cli("--as", "lan", "undo", str(entry), "--reason", "thử")
    assert code == 1 and f"mục #{entry} chưa có quyết định nào để hoàn tác" in err, err


def test_the_version_read_before_ones_own_claim_still_counts(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Đầu tư tiền ảo lãi 30%/tháng, rút gốc bất cứ lúc nào", "scam")
    code, out, _ = cli("show", str(entry))
    assert code == 0 and "phiên bản 1" in out, out
    code, out, _ = cli("--as", "lan", "claim", str(entry))
    assert code == 0 and "phiên bản 2" in out, out
    code, out, _ = cli("--as", "lan", "claim", str(entry))  # renewed: version 3, still nothing else changed
    assert code == 0 and "phiên bản 3" in out, out
    code, out, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--version", "1")
    assert code == 0 and "Đã ghi: mục" in out, (code, out, err)
    with store.session() as s:
        row = s.get(ReviewEntry, entry)
        assert row is not None and row.status == "decided" and row.verdict == "violation"


def test_a_version_moved_on_by_anyone_else_is_still_stale(store: Store, cli: CLI) -> None:
    colleague = flagged(store, "Cho vay tiền nhanh không thế chấp, chỉ cần CCCD", "illegal_ad")
    seen = _version(store, colleague)
    store.claim(colleague, "minh", 30)
    store.release(colleague, "minh")  # a colleague looked and gave it back: it may have been talked over
    store.claim(colleague, "lan", 30)
    code, _, err = cli("--as", "lan", "decide", str(colleague), "--verdict", "dismiss", "--version", str(seen))
    assert code == 1 and "đã bị thay đổi" in err, err

    mine_released = flagged(store, "Bán sim rác kích hoạt sẵn tài khoản ngân hàng", "illegal_ad")
    seen = _version(store, mine_released)
    store.claim(mine_released, "lan", 30)
    store.release(mine_released, "lan")  # released: anyone could have acted meanwhile, a release is no claim
    store.claim(mine_released, "lan", 30)
    code, _, err = cli("--as", "lan", "decide", str(mine_released), "--verdict", "dismiss", "--version", str(seen))
    assert code == 1 and "đã bị thay đổi" in err, err

    redecided = flagged(store, "Thuốc nam gia truyền chữa bách bệnh", "illegal_ad")
    seen = _version(store, redecided)
    store.decide(redecided, "minh", "dismiss")
    store.undo(redecided, "minh", "nhầm")
    store.claim(redecided, "lan", 30)
    code, _, err = cli("--as", "lan", "decide", str(redecided), "--verdict", "violation", "--version", str(seen))
    assert code == 1 and "đã bị thay đổi" in err, err
    for entry in (colleague, mine_released, redecided):
        with store.session() as s:
            row = s.get(ReviewEntry, entry)
            assert row is not None and row.status == "claimed" and row.verdict is None


def test_bulk_where_reads_the_decimal_comma(store: Store, cli: CLI) -> None:
    weak = flagged(store, "Quảng cáo thực phẩm chức năng chữa khỏi tiểu đường", "illegal_ad", score=0.55)
    strong = flagged(store, "Soi kèo nhà cái, nạp 100k tặng 200k", "illegal_ad", score=0.95)
    code, comma, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=illegal_ad score<0,6")
    assert code == 0, (code, comma, err)
    code, dot, _ = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", "category=illegal_ad score<0.6")
    assert comma == dot and "CHẠY THỬ: 1 mục" in comma, comma
    assert f"\n{weak} " in comma and f"\n{strong} " not in comma, comma
    for wrong in ("score<6", "score>1,5", "score<nan", "score<0.6.1"):
        code, out, err = cli("--as", "lan", "bulk", "--verdict", "dismiss", "--where", wrong)
        assert code == 2 and "từ 0 đến 1" in err and repr(wrong) in err, (wrong, code, out, err)


def test_a_stale_version_names_the_last_change(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Tuyển cộng tác viên online, nạp phí kích hoạt 300k", "scam")
    store.decide(entry, "minh", "dismiss")
    store.undo(entry, "minh", "nhầm")
    store.claim(entry, "lan", 30)  # lan's own claim since: not the change to name
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--version", "1")
    assert code == 1 and ("đã bị thay đổi (phiên bản 1, hiện tại 4); lần thay đổi gần nhất: minh hoàn tác quyết định "
                          "lúc") in err, err
    store.release(entry, "lan")  # a release records no version: nothing named rather than a guess
    store.claim(entry, "lan", 30)
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--version", "1")
    assert code == 1 and "đã bị thay đổi (phiên bản 1, hiện tại 6); xem lại" in err, err


def test_a_name_typed_without_diacritics_is_pointed_to_the_moderator_it_means(
        tmp_path: Path, db_url: str, store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config_file(tmp_path, db_url, moderators=("Nguyễn Văn Hùng", "Lan", "Lân"))
    entry = flagged(store, "Soi kèo nhà cái, nạp 100k tặng 200k", "illegal_ad")
    for typed in ("nguyen van hung", "NGUYEN VAN  HUNG"):
        assert main(["--config", str(cfg), "--as", typed, "claim", str(entry)]) == 2
        err = capsys.readouterr().err
        assert "có phải 'Nguyễn Văn Hùng'?" in err and '--as "Nguyễn Văn Hùng"' in err, err
    # two colleagues who differ by their diacritics alone: no guess between them; nothing is ever taken for a name
    assert main(["--config", str(cfg), "--as", "lăn", "claim", str(entry)]) == 2
    err = capsys.readouterr().err
    assert "có phải" not in err and "dùng --as TÊN" in err, err
    with store.session() as s:
        row = s.get(ReviewEntry, entry)
        assert row is not None and row.status == "open"


def test_an_export_written_to_a_file_says_what_it_holds_in_vietnamese(store: Store, cli: CLI, tmp_path: Path) -> None:
    entry = flagged(store, "Soi kèo nhà cái, nạp 100k tặng 200k", "illegal_ad")
    store.decide(entry, "lan", "violation")
    for kind, said in (("decisions", "1 dòng quyết định"), ("items", "1 dòng mục bị gắn cờ"),
                       ("audit", "dòng nhật ký kiểm toán")):
        for ext in ("csv", "xlsx"):
            target = tmp_path / f"{kind}.{ext}"
            code, _, err = cli("export", kind, "-o", str(target))
            assert code == 0 and "Đã xuất " in err, err
            assert said in err and f" {kind} " not in err and target.exists(), (kind, ext, err)


def test_show_does_not_head_an_unflagged_report_with_a_category_as_if_flagged(store: Store, cli: CLI) -> None:
    item = add_item(store, "xem link nay lua dao nhe")
    report = store.record_score(item, FakeResult({"misinformation": 0.15, "scam": 0.02}, (), label="misinformation"),
                                is_report=True)
    assert report is not None
    code, out, _ = cli("show", str(report))
    head = out.splitlines()[0]
    assert code == 0 and head.startswith(f"Mục #{report} — chưa vượt ngưỡng nhóm nào (điểm cao nhất: "), head
    assert "misinformation 0.15" in head and "[NGƯỜI DÂN PHẢN ÁNH]" in head, head
    entry = flagged(store, "Soi kèo nhà cái, nạp 100k tặng 200k", "illegal_ad")
    code, out, _ = cli("show", str(entry))
    assert out.splitlines()[0] == f"Mục #{entry} — Quảng cáo sai phạm (illegal_ad 0.90)", out
