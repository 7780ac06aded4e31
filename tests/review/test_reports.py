"""queue/show/stats output and exports that re-import with the same counts."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from review.export import read_export
from review.store import Store
from review.yearly_rows import HARM_GROUP_VI
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


@pytest.fixture
def decided(store: Store) -> dict[str, int]:
    ids = {
        "scam": flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9, source="fb"),
        "fake": flagged(store, "=cmd|' /C calc'!A0 tin đồn", "misinformation", 0.8, source="web"),
        "rude": flagged(store, "Lời lẽ thô tục", "offensive", 0.7, source="fb"),
        "open": flagged(store, "Quảng cáo thuốc lá điện tử", "illegal_ad", 0.6, source="web"),
    }
    store.decide(ids["scam"], "lan", "violation", note="lừa đảo, có dấu hiệu")
    store.decide(ids["fake"], "minh", "escalate", note="chuyển công an tỉnh")
    store.decide(ids["rude"], "lan", "violation")
    store.undo(ids["rude"], "lan", "nhầm")
    store.decide(ids["rude"], "minh", "dismiss")
    return ids


def test_queue_table_json_and_filters(store: Store, cli: CLI, decided: dict[str, int]) -> None:
    code, out, _ = cli("queue")
    assert code == 0 and "ưu tiên" in out and "illegal_ad 0.60" in out and "Quảng cáo thuốc lá" in out
    assert "Chuyển khoản" not in out  # decided entries are not in the default (open) view
    code, out, _ = cli("queue", "--status", "decided", "--category", "scam", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [decided["scam"]] and rows[0]["verdict"] == "violation"
    code, out, _ = cli("queue", "--status", "decided", "--source", "fb", "--sort", "oldest", "--json")
    assert [r["id"] for r in json.loads(out)] == [decided["scam"], decided["rude"]]
    code, _, err = cli("queue", "--category", "politics")
    assert code == 2 and "không có nhóm" in err


def test_show_marks_evidence_and_history(store: Store, cli: CLI, decided: dict[str, int]) -> None:
    code, out, _ = cli("show", str(decided["scam"]))
    assert code == 0
    assert "«Chuyển» khoản ngay nhận quà" in out
    assert "Lừa đảo, chiếm đoạt tài sản" in out and "lan: vi phạm" in out and "lừa đảo, có dấu hiệu" in out
    code, _, err = cli("show", "999")
    assert code == 2 and "không có mục #999" in err


def test_stats_precision_and_backlog(store: Store, cli: CLI, decided: dict[str, int]) -> None:
    by_cat = {s.category: s for s in store.stats()}
    assert by_cat["scam"].precision == 1.0 and by_cat["misinformation"].precision == 1.0
    assert by_cat["offensive"].precision == 0.0 and by_cat["illegal_ad"].backlog == 1
    code, out, _ = cli("stats")
    assert code == 0 and "độ chính xác" in out and "100%" in out


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_exports_reimport_with_the_same_counts(store: Store, cli: CLI, decided: dict[str, int], tmp_path: Path,
                                               fmt: str) -> None:
    for kind, expected in (("decisions", 3), ("decisions --include-undone", 4), ("items", 4), ("audit", 5)):
        kind, *extra = kind.split()
        path = tmp_path / f"{kind}{len(extra)}.{fmt}"
        code, _, err = cli("export", kind, *extra, "--since", "2000-01-01", "--until", "2100-01-01", "--format",
                           fmt, "--output", str(path))
        assert code == 0 and f"{expected} dòng" in err
        rows = read_export(path)
        assert len(rows) == expected
        if kind == "decisions" and not extra:  # standing decisions only: the undone one is left out
            assert Counter(r["verdict"] for r in rows) == {"violation": 1, "escalate": 1, "dismiss": 1}
            assert "undone_at" not in rows[0]
        if kind == "decisions" and extra:
            assert Counter(r["verdict"] for r in rows) == {"violation": 2, "escalate": 1, "dismiss": 1}
            assert sum(1 for r in rows if r["undone_at"]) == 1
        if kind == "items":
            assert Counter(r["top_category"] for r in rows) == {"scam": 1, "misinformation": 1, "offensive": 1,
                                                                  "illegal_ad": 1}
            assert any(str(r["text"]).startswith("=cmd") for r in rows)  # formula escaping is undone on read
        if kind == "audit":
            assert Counter(r["action"] for r in rows) == {"decide": 4, "undo": 1}
    code, out, _ = cli("export", "decisions", "--format", "jsonl", "--until", "2000-01-01")
    assert code == 0 and out == ""


def test_yearly_summary_workbook(store: Store, cli: CLI, decided: dict[str, int], tmp_path: Path) -> None:
    from datetime import datetime

    from review.vi import VN_TZ

    path = tmp_path / "tong-ket.xlsx"
    code, _, err = cli("export", "summary", "--year", str(datetime.now(VN_TZ).year), "--output", str(path))
    assert code == 0 and "4 mục" in err
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Tổng hợp", "Theo nguồn", "Theo tháng", "Vụ việc nổi bật", "Xử lý trong kỳ",
                             "Nội dung được tôn vinh", "Ghi chú"]
    *rows, total = wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)
    rows = [r for r in rows if r[0] != HARM_GROUP_VI]  # the subtotal of the harm rows below it
    assert sum(r[1] for r in rows) == 4 and total[:2] == ("Tổng cộng", 4)  # four entries, one per row
    notable = list(wb["Vụ việc nổi bật"].iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in notable] == ["chuyển cơ quan chức năng", "vi phạm"]
    wb.close()
