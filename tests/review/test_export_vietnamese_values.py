"""Ward officers read an export in Vietnamese: with Vietnamese headers (XLSX by default, CSV with `--headers vi`)
the coded values are written as the moderators' CLI names them too — verdicts ("vi phạm", "đã cảnh báo" …),
categories ("Lừa đảo, chiếm đoạt tài sản" …), statuses ("chờ duyệt" …), and yes/no columns as "có"/"không".
The machine format keeps the codes, and `read_export` maps the Vietnamese values back to them.

Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set), real files read back with openpyxl."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from classifier.categories import CATEGORIES
from review.export import read_export
from review.models import ENTRY_STATUSES, VERDICTS, Decision, ReviewEntry
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]

#: The columns holding a code or a yes/no, by kind (what changes between the two modes besides headers and times).
CODED = {"decisions": ("verdict", "category", "bulk", "undone", "top_category"),
         "items": ("top_category", "is_report", "status", "verdict", "verdict_category")}


@pytest.fixture
def entries(store: Store) -> dict[str, int]:
    """Every verdict, every status, a bulk decision, an undone one and a citizen's report."""
    e = {name: flagged(store, f"Nội dung {name}", cat, 0.9, source="bao-tinh", title=name)
         for name, cat in (("violation", "scam"), ("warn", "misinformation"), ("dismiss", "hate"),
                           ("escalate", "illegal_ad"), ("commend", "positive"), ("open", "offensive"),
                           ("claimed", "privacy"), ("undone", "harassment"))}
    for verdict in VERDICTS:
        store.decide(e[verdict], "lan", verdict, note="chuyển công an phường" if verdict == "escalate" else None)
    store.claim(e["claimed"], "minh", 30)
    store.decide(e["undone"], "lan", "violation")
    store.undo(e["undone"], "lan", "quyết định nhầm")
    with store.session() as s:
        s.execute(update(Decision).where(Decision.entry_id == e["warn"]).values(bulk=True))
        s.execute(update(ReviewEntry).where(ReviewEntry.id == e["dismiss"]).values(is_report=True))
    return e


def _sheet(path: Path) -> list[dict[str, object]]:
    wb = load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, (*r, *(None,) * (len(header) - len(r))), strict=True)) for r in rows[1:]]


def test_decisions_read_in_vietnamese(entries: dict[str, int], cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "quyet-dinh.xlsx"
    code, _, err = cli("export", "decisions", "--include-undone", "-o", str(path))
    assert code == 0, err
    rows = {(r["Mã mục"], r["Quyết định"]): r for r in _sheet(path)}
    violation = rows[entries["violation"], "vi phạm"]
    assert violation["Nhóm theo quyết định"] == violation["Nhóm điểm cao nhất"] == "Lừa đảo, chiếm đoạt tài sản"
    assert violation["Quyết định hàng loạt"] == "không" and violation["Đã hoàn tác"] == "không"
    warned = rows[entries["warn"], "đã cảnh báo"]
    assert warned["Quyết định hàng loạt"] == "có" and warned["Nhóm theo quyết định"] == "Tin giả, tin sai sự thật"
    assert rows[entries["dismiss"], "bỏ qua"]["Nhóm theo quyết định"] == "Kích động thù hận, phân biệt đối xử"
    assert rows[entries["escalate"], "chuyển cơ quan chức năng"]["Nhóm theo quyết định"] == "Quảng cáo sai phạm"
    assert rows[entries["commend"], "tôn vinh"]["Nhóm theo quyết định"] == "Nội dung tích cực đáng tôn vinh"
    undone = rows[entries["undone"], "vi phạm"]
    assert undone["Đã hoàn tác"] == "có" and undone["Người hoàn tác"] == "lan"
    _no_codes_left(list(rows.values()), ("Quyết định", "Nhóm theo quyết định", "Nhóm điểm cao nhất",
                                         "Quyết định hàng loạt", "Đã hoàn tác"))


def test_items_read_in_vietnamese(entries: dict[str, int], cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "muc.xlsx"
    code, _, err = cli("export", "items", "-o", str(path))
    assert code == 0, err
    rows = {r["Mã mục"]: r for r in _sheet(path)}
    assert rows[entries["open"]]["Trạng thái"] == "chờ duyệt"
    assert rows[entries["undone"]]["Trạng thái"] == "chờ duyệt"  # undone: open again, with no verdict
    assert rows[entries["claimed"]]["Trạng thái"] == "đang xử lý"
    assert rows[entries["warn"]]["Trạng thái"] == "đã quyết định"
    assert rows[entries["warn"]]["Quyết định"] == "đã cảnh báo"
    assert rows[entries["open"]]["Quyết định"] is None  # no verdict is an empty cell, not a dash
    assert rows[entries["open"]]["Nhóm theo quyết định"] is None
    assert rows[entries["open"]]["Nhóm điểm cao nhất"] == "Ngôn ngữ phản cảm, tục tĩu"
    assert rows[entries["claimed"]]["Nhóm điểm cao nhất"] == "Lộ lọt thông tin cá nhân"
    assert rows[entries["dismiss"]]["Do người dân phản ánh"] == "có"
    assert rows[entries["open"]]["Do người dân phản ánh"] == "không"
    _no_codes_left(list(rows.values()), ("Trạng thái", "Quyết định", "Nhóm theo quyết định", "Nhóm điểm cao nhất",
                                         "Do người dân phản ánh"))


def _no_codes_left(rows: list[dict[str, object]], headers: tuple[str, ...]) -> None:
    codes = {*VERDICTS, *ENTRY_STATUSES, *CATEGORIES, True, False, "True", "False", "true", "false"}
    for header in headers:
        values = {r[header] for r in rows} - {None}
        assert values and not values & codes, (header, values)
        assert all(unicodedata.is_normalized("NFC", str(v)) for v in values)  # precomposed: Excel's search finds them


def test_csv_with_vietnamese_headers_has_the_labels(entries: dict[str, int], cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    code, _, err = cli("export", "decisions", "--headers", "vi", "-o", str(path))
    assert code == 0, err
    text = path.read_text(encoding="utf-8-sig")
    assert ",vi phạm,Lừa đảo, chiếm đoạt tài sản," not in text  # a label with a comma is quoted
    assert ',vi phạm,"Lừa đảo, chiếm đoạt tài sản",' in text and ",chuyển cơ quan chức năng," in text
    assert "violation" not in text and "True" not in text and "False" not in text


@pytest.mark.parametrize(("kind", "fmt"), [("decisions", "xlsx"), ("decisions", "csv"), ("items", "xlsx"),
                                           ("items", "csv")])
def test_read_export_maps_the_labels_back(entries: dict[str, int], cli: CLI, tmp_path: Path, kind: str,
                                          fmt: str) -> None:
    """A Vietnamese file reads back to the codes the machine format of the same format holds."""
    extra = ["--include-undone"] if kind == "decisions" else []
    vi, en = tmp_path / f"vi.{fmt}", tmp_path / f"en.{fmt}"
    assert cli("export", kind, *extra, "--headers", "vi", "-o", str(vi))[0] == 0
    assert cli("export", kind, *extra, "--headers", "en", "-o", str(en))[0] == 0
    back, machine = read_export(vi), read_export(en)
    assert len(back) == len(machine) > 0
    for got, want in zip(back, machine, strict=True):
        assert {c: got[c] for c in CODED[kind]} == {c: want[c] for c in CODED[kind]}
    assert {r["verdict"] for r in machine} - {None, ""} <= set(VERDICTS)  # the codes, not labels


@pytest.mark.parametrize("argv", [[], ["--format", "jsonl"], ["--format", "xlsx", "--headers", "en"]])
def test_the_machine_format_keeps_the_codes(entries: dict[str, int], cli: CLI, tmp_path: Path,
                                            argv: list[str]) -> None:
    suffix = "jsonl" if "jsonl" in argv else "xlsx" if "xlsx" in argv else "csv"
    path = tmp_path / f"d.{suffix}"
    assert cli("export", "decisions", "--include-undone", *argv, "-o", str(path))[0] == 0
    rows = {(int(r["entry_id"]), r["verdict"]): r for r in read_export(path)}
    violation = rows[entries["violation"], "violation"]
    assert violation["category"] == "scam" and violation["bulk"] in (False, "False")
    assert rows[entries["undone"], "violation"]["undone"] in (True, "True")
    if suffix == "csv":
        assert "vi phạm" not in path.read_text(encoding="utf-8-sig")
