"""What moderators see from the CLI: copies named by queue number, Vietnamese messages (ours and
argparse's), and output piped into a reader that stops early (`| head -1`) without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from review.models import Cluster, Item, ReviewEntry
from review.store import Store
from tests.review.factory import FakeEvidence, FakeResult, add_item, bulk_entries, flagged

CLI = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parents[2]


def _cluster(store: Store) -> int:
    now = datetime.now(UTC)
    with store.session() as s:
        c = Cluster(size=4, sources=3, first_seen_at=now, last_seen_at=now)
        s.add(c)
        s.flush()
        return c.id


def _url(store: Store, item_id: int) -> str:
    with store.session() as s:
        item = s.get(Item, item_id)
        assert item is not None
        return item.url


def test_show_names_copies_by_queue_number(store: Store, cli: CLI) -> None:
    cluster = _cluster(store)
    unflagged_first = add_item(store, "Bản sao chưa gắn cờ", source="web", cluster_id=cluster)
    for _ in range(3):  # item ids run ahead of queue numbers, as on a real installation
        add_item(store, "Tin khác không liên quan")
    shown = flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9, source="fb", cluster_id=cluster)
    other = flagged(store, "Chuyển khoản ngay nhận quà tặng", "scam", 0.8, source="zalo", cluster_id=cluster)
    unflagged_last = add_item(store, "Bản sao khác chưa gắn cờ", source="web2", cluster_id=cluster)
    with store.session() as s:
        entry = s.get(ReviewEntry, other)
        assert entry is not None
        other_item_id = entry.item_id
    assert other_item_id != other  # otherwise the test could not tell the two numbers apart

    code, out, _ = cli("show", str(shown))
    assert code == 0
    lines = {line for line in out.splitlines() if line.startswith("  • ") and "https://" in line}
    assert f"  • #{other} zalo" in "\n".join(lines), out
    assert f"#{other_item_id} " not in "\n".join(lines), out
    for item_id in (unflagged_first, unflagged_last):
        line = next(x for x in lines if _url(store, item_id) in x)
        assert "(không trong hàng chờ)" in line and f"#{item_id}" not in line
    code, out, _ = cli("show", str(other))  # the number printed is one `show` accepts
    assert code == 0 and f"Mục #{other}" in out

    code, out, _ = cli("show", str(shown), "--json")
    copies = {c["item_id"]: c["entry_id"] for c in json.loads(out)["copies"]}
    assert copies == {unflagged_first: None, other_item_id: other, unflagged_last: None}


def test_unknown_moderator_is_told_in_vietnamese(store: Store, cli: CLI) -> None:
    flagged(store, "Tin giả")
    code, _, err = cli("--as", "root", "claim", "--next")
    assert code == 2
    assert "'root' không phải cán bộ duyệt (được phép: lan, minh)" in err and "--as" in err
    assert "is not a moderator" not in err and "allowed" not in err


@pytest.mark.parametrize(("args", "expected"), [
    (("undo", "1"), "canhgac: lỗi: thiếu tham số bắt buộc: --reason"),
    (("decide", "1", "--verdict", "maybe"), "tham số --verdict: giá trị không hợp lệ: 'maybe' (chọn một trong: "
                                            "'violation'"),
    (("show", "abc"), "tham số id: không phải số nguyên: 'abc'"),
    (("queue", "--limit"), "tham số --limit: cần một giá trị đi kèm"),
    (("queue", "--bogus"), "không nhận ra tham số: --bogus"),
    (("nosuchcommand",), "tham số COMMAND: giá trị không hợp lệ: 'nosuchcommand'"),
])
def test_command_line_errors_are_vietnamese(cli: CLI, args: tuple[str, ...], expected: str) -> None:
    code, _, err = cli(*args)
    assert code == 2 and expected in err, err
    assert "cách dùng: canhgac" in err
    for english in ("usage:", "error:", "the following arguments", "invalid choice", "unrecognized", "expected"):
        assert english not in err, err


@pytest.mark.parametrize("args", [("queue", "--limit", "3000"), ("queue", "--limit", "3000", "--json"),
                                  ("export", "items"), ("stats",), ("status", "--json")])
def test_output_piped_into_head_ends_quietly(store: Store, cfg: Path, args: tuple[str, ...]) -> None:
    bulk_entries(store, 3000)  # far more than a pipe holds, so the writer is still writing when head leaves
    producer = subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert producer.stdout is not None and producer.stderr is not None
    head = subprocess.run(["head", "-1"], stdin=producer.stdout, capture_output=True, timeout=120)
    producer.stdout.close()
    err = producer.stderr.read().decode()
    code = producer.wait(timeout=120)
    assert head.returncode == 0 and head.stdout.strip()
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err, err
    assert code in (0, 141), (code, err)  # 141 = 128 + SIGPIPE when the reader left before the end


@pytest.mark.parametrize(("title", "text", "printed"), [
    ("Bão số 5", "Bão số 5 đổ bộ vào đất liền, chuyển khoản ngay để nhận hỗ trợ", True),  # body opens with its words
    ("A", "Anh ấy nhắn chuyển khoản ngay", True),
    ("Chuyển khoản ngay nhận quà", "Chuyển khoản ngay nhận quà\nLiên hệ 0987654321", False),  # first line = headline
])
def test_show_prints_the_headline_unless_it_is_the_texts_first_line(store: Store, cli: CLI, title: str, text: str,
                                                                    printed: bool) -> None:
    entry = flagged(store, text, "scam", 0.9, title=title, source="fb")
    code, out, _ = cli("show", str(entry))
    assert code == 0
    assert (f"Tiêu đề: {title}" in out.splitlines()) is printed, out


def test_show_quotes_no_empty_text_for_signals_without_one(store: Store, cli: CLI) -> None:
    """Source credibility and "no official coverage" are signals about the item, not words of it: listed with
    their reason, without an empty «»."""
    item_id = add_item(store, "Tin khẩn: nước máy nhiễm độc, chia sẻ gấp", source="fb")
    result = FakeResult({"misinformation": 0.8}, ("misinformation",), label="misinformation", evidence=(
        FakeEvidence("misinformation", "ngram", "nhiễm độc", 18, 27, 1.1, "nhiễm độc / nhiem doc"),
        FakeEvidence("misinformation", "source", "", -1, -1, 0.05, "nguồn không chính thống, chưa xác minh")))
    entry = store.record_score(item_id, result)
    code, out, _ = cli("show", str(entry))
    assert code == 0 and "«»" not in out
    assert "«nhiễm độc»" in out and "nguồn không chính thống, chưa xác minh" in out
