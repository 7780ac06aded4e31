"""Wording a walk-through of the CLI found wrong, as the officer reads it:

* `show` (and `review`, same function) printed the headline in capitals, so a moderator could not see its real
  casing, though capitals are evidence the model uses («Tin nóng» in the evidence, «TIN NÓNG» above): the headline
  is printed as written, labelled "Tiêu đề:", piped and on a terminal;
* `show` of a pasted report said "Thu thập: 22:04" (collected) though nothing was collected: "Nhận lúc";
* `bulk` named the category by its code first ("vào nhóm illegal_ad (Quảng cáo sai phạm)"): the Vietnamese name;
* `train --from-decisions` with too few held-back decisions said "thêm --activate để dùng mô hình mới" although
  `--activate` is refused there without `--force`: the hint says what would happen.

The real CLI on a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set); a pseudo-terminal for
the terminal case."""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier.scorer import TITLE_DETAIL
from crawler.cli import main
from review.models import ReviewEntry
from review.store import Store
from tests.review.factory import FakeEvidence, FakeResult, add_item, flagged
from tests.review.test_feedback_cli_train_refuse import _few_decisions, _Fit

CLI = Callable[..., tuple[int, str, str]]
TITLE = "Tin nóng: KHẨN CẤP nộp phí cập nhật căn cước"
BODY = "Cán bộ phường nói không ai phải nộp phí; mọi người cảnh giác."


def _headline_entry(store: Store) -> int:
    item = add_item(store, BODY, title=TITLE)
    evidence = (FakeEvidence("scam", "sensational", "Tin nóng", 0, len("Tin nóng"), 0.3, TITLE_DETAIL + "tin nóng"),)
    entry = store.record_score(item, FakeResult({"scam": 0.8}, ("scam",), evidence=evidence))
    assert entry is not None
    return entry


def test_show_prints_the_headline_as_written_when_piped(store: Store, cli: CLI) -> None:
    entry = _headline_entry(store)
    code, out, err = cli("show", str(entry))
    assert code == 0, err
    assert "Tiêu đề: «Tin nóng»: KHẨN CẤP nộp phí cập nhật căn cước" in out.splitlines(), out
    assert "TIN NÓNG" not in out and "NỘP PHÍ" not in out, out


def test_show_prints_the_headline_as_written_on_a_terminal(store: Store, cfg: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _headline_entry(store)
    shown, tty = os.openpty()
    stream = io.TextIOWrapper(os.fdopen(tty, "wb", buffering=0), encoding="utf-8", write_through=True)
    assert stream.isatty()
    chunks: list[bytes] = []

    def read() -> None:  # all along, so a full terminal buffer never holds the command up
        while True:
            try:
                chunk = os.read(shown, 65536)
            except OSError:  # the other end closed
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    monkeypatch.setattr(sys, "stdout", stream)
    try:
        code = main(["--config", str(cfg), "show", str(entry)])
    finally:
        monkeypatch.undo()
        stream.close()
    reader.join(timeout=60)
    os.close(shown)
    out = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    assert code == 0, out
    assert "Tiêu đề: \x1b[1;31mTin nóng\x1b[0m: KHẨN CẤP nộp phí cập nhật căn cước" in out, out
    assert "TIN NÓNG" not in out and "NỘP PHÍ" not in out, out


def test_show_of_a_pasted_report_says_when_it_was_received(store: Store, cli: CLI) -> None:
    code, out, err = cli("--as", "lan", "report", "--text", "Bạn đã trúng thưởng 50 triệu, chuyển phí 500 nghìn để "
                         "nhận quà", "--reporter", "Chị Hoa")
    assert code == 0, err
    with store.session() as s:
        [entry] = s.scalars(select(ReviewEntry.id))
    code, out, err = cli("show", str(entry))
    assert code == 0, err
    assert "\nNhận lúc: " in out and "Thu thập:" not in out, out
    crawled = flagged(store, "Chuyển khoản ngay để nhận quà tri ân", "scam", 0.9, source="fb")
    code, out, err = cli("show", str(crawled))
    assert code == 0, err
    assert "\nThu thập: " in out and "Nhận lúc:" not in out, out  # a collected page: collected


def test_bulk_names_the_category_in_vietnamese(store: Store, cli: CLI) -> None:
    flagged(store, "Thuốc tăng chiều cao thần kỳ, cam kết cao thêm 10 cm", "illegal_ad", 0.8)
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=illegal_ad", "--yes")
    assert code == 0, err
    summary = out.strip().splitlines()[-1]
    assert summary == "Đã ghi «vi phạm» cho 1 mục (hàng loạt, bởi lan), vào nhóm «Quảng cáo sai phạm».", summary


def test_train_without_activate_and_too_few_decisions_says_activate_would_be_refused(
        store: Store, cfg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _Fit(monkeypatch)  # a real refit takes minutes; what is under test is what is said after it
    _few_decisions(store)
    assert main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions"]) == 0
    out = capsys.readouterr().out
    assert "CHƯA ĐỦ DỮ LIỆU ĐỂ ĐÁNH GIÁ" in out, out
    assert "nếu không kém hơn" not in out and "--activate sẽ bị từ chối" in out and "--activate --force" in out, out
    # and that is what happens
    assert main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate"]) == 1
    assert "KHÔNG kích hoạt: chưa đủ quyết định giữ lại" in capsys.readouterr().out
