"""`canhgac export items|decisions` narrowed to categories, statuses and verdicts: the file for the police holds
only the scams, the one for the information ministry only misinformation, or only what is decided.

`items --category` keeps the entries `queue --category` lists (undecided or dismissed ones by any of their flags,
decided ones by the category their decision recorded), `--status` those in the status; `decisions --category` keeps the decisions recorded under the category (the one the
moderator's decision names, not the entry's top flag), `--verdict` those with the verdict; several values are
comma-separated. A filter that does not apply to the kind (`--status` on `export audit`), or an unknown value, is a
usage error (exit 2) that writes nothing. A filtered file is the unfiltered one's rows for those entries, byte for
byte. Real SQLite file (and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from review.export import read_export
from review.store import Store
from tests.review.factory import FakeEvidence, FakeResult, add_item, flagged

CLI = Callable[..., tuple[int, str, str]]
OLD = b"ban xuat tuan truoc\n"


def _two_flags(store: Store, text: str, top: str, other: str) -> int:
    """An entry flagged for `top` (its top category) and for `other`."""
    item_id = add_item(store, text)
    word = text.split()[0]
    result = FakeResult({top: 0.9, other: 0.7}, (top, other), label=top,
                        evidence=(FakeEvidence(top, "ngram", word, 0, len(word), 1.2),))
    entry_id = store.record_score(item_id, result)
    assert entry_id is not None
    return entry_id


@pytest.fixture
def entries(store: Store) -> dict[str, int]:
    """scam+misinformation (decided: violation as scam), hate (claimed), misinformation (decided: dismissed),
    offensive (open), illegal_ad (decided: escalate, recorded as scam)."""
    ids = {"both": _two_flags(store, "Chuyển khoản nhận quà và tin đồn thất thiệt", "scam", "misinformation"),
           "hate": flagged(store, "Lời lẽ kích động thù hận vùng miền", "hate", 0.8),
           "misinfo": flagged(store, "Tin đồn đóng cửa trường học", "misinformation", 0.85),
           "offensive": flagged(store, "Hình ảnh phản cảm", "offensive", 0.75),
           "ad": flagged(store, "Thuốc chữa bách bệnh giá rẻ", "illegal_ad", 0.8)}
    store.decide(ids["both"], "lan", "violation")
    store.claim(ids["hate"], "minh", 30)
    store.decide(ids["misinfo"], "lan", "dismiss")
    store.decide(ids["ad"], "minh", "escalate", category="scam", note="chuyển công an huyện")
    return ids


def _entry_ids(path: Path) -> list[int]:
    return sorted(int(r["entry_id"]) for r in read_export(path))


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
# as `queue --category` lists them: "both" (flagged scam and misinformation) was decided as scam, "ad" (flagged
# illegal_ad) escalated as scam; "misinfo" was dismissed (its flag was wrong: listed under it); "hate" is undecided
@pytest.mark.parametrize(("category", "expect"), [("misinformation", ["misinfo"]),
                                                  ("scam,hate", ["both", "hate", "ad"]),
                                                  ("SCAM, scam", ["both", "ad"]),
                                                  ("illegal_ad", [])])
def test_items_of_a_category_are_those_queue_lists_under_it(entries: dict[str, int], cli: CLI, tmp_path: Path, fmt: str,
                                                      category: str, expect: list[str]) -> None:
    path = tmp_path / f"items.{fmt}"
    code, _, err = cli("export", "items", "--category", category, "-o", str(path))
    assert code == 0, err
    assert _entry_ids(path) == sorted(entries[k] for k in expect)


@pytest.mark.parametrize(("status", "expect"), [("decided", ["both", "misinfo", "ad"]), ("claimed", ["hate"]),
                                                ("open,claimed", ["hate", "offensive"])])
def test_items_of_a_status(entries: dict[str, int], cli: CLI, tmp_path: Path, status: str,
                           expect: list[str]) -> None:
    path = tmp_path / "items.csv"
    code, _, err = cli("export", "items", "--status", status, "-o", str(path))
    assert code == 0, err
    assert _entry_ids(path) == sorted(entries[k] for k in expect)


@pytest.mark.parametrize("headers", ["vi", "en"])
def test_category_and_status_together_in_both_shapes(entries: dict[str, int], cli: CLI, tmp_path: Path,
                                                     headers: str) -> None:
    path = tmp_path / "items.xlsx"
    code, _, err = cli("export", "items", "--category", "misinformation,hate", "--status", "decided",
                       "--headers", headers, "-o", str(path))
    assert code == 0, err
    assert _entry_ids(path) == [entries["misinfo"]]
    assert err == f"Đã xuất 1 dòng mục bị gắn cờ (nhóm misinformation, hate; trạng thái: đã quyết định) vào " \
                  f"{path}\n"


@pytest.mark.parametrize(("args", "expect"), [(("--category", "scam"), ["both", "ad"]),
                                              (("--verdict", "escalate,dismiss"), ["misinfo", "ad"]),
                                              (("--category", "scam", "--verdict", "violation"), ["both"]),
                                              (("--category", "illegal_ad"), [])])
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_decisions_of_a_recorded_category_and_verdict(entries: dict[str, int], cli: CLI, tmp_path: Path, fmt: str,
                                                      args: tuple[str, ...], expect: list[str]) -> None:
    """The escalated advertisement was recorded as a scam: it goes in the police's file, not under illegal_ad."""
    path = tmp_path / f"d.{fmt}"
    code, _, err = cli("export", "decisions", *args, "-o", str(path))
    assert code == 0, err
    assert _entry_ids(path) == sorted(entries[k] for k in expect)


def test_undone_decisions_are_filtered_too(store: Store, entries: dict[str, int], cli: CLI, tmp_path: Path) -> None:
    store.undo(entries["misinfo"], "minh", "nhầm")
    store.decide(entries["misinfo"], "minh", "violation")
    path = tmp_path / "d.jsonl"
    code, _, err = cli("export", "decisions", "--include-undone", "--category", "misinformation", "-o", str(path))
    assert code == 0, err
    rows = read_export(path)
    assert sorted((r["verdict"], r["undone"]) for r in rows) == [("dismiss", True), ("violation", False)]
    assert "(ghi nhóm misinformation)" in err


def test_a_window_and_a_filter_together(entries: dict[str, int], cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    code, _, err = cli("export", "decisions", "--verdict", "violation", "--since", "2000-01-01", "--until",
                       "2100-01-01", "-o", str(path))
    assert code == 0, err
    assert _entry_ids(path) == [entries["both"]]
    code, _, err = cli("export", "decisions", "--verdict", "violation", "--until", "2001-01-01", "-o", str(path))
    assert code == 0, err
    assert _entry_ids(path) == []
    assert err == f"Đã xuất 0 dòng quyết định (kết luận: vi phạm) vào {path}\n"


@pytest.mark.parametrize(("kind", "args"), [("items", ("--category", "scam", "--status", "decided")),
                                            ("decisions", ("--category", "scam", "--verdict", "escalate,violation"))])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_filtered_machine_file_is_the_whole_files_lines(entries: dict[str, int], cli: CLI, tmp_path: Path,
                                                           kind: str, args: tuple[str, ...], fmt: str) -> None:
    whole, part = tmp_path / f"whole.{fmt}", tmp_path / f"part.{fmt}"
    assert cli("export", kind, "-o", str(whole))[0] == 0
    assert cli("export", kind, *args, "-o", str(part))[0] == 0
    lines, kept = whole.read_bytes().splitlines(keepends=True), part.read_bytes().splitlines(keepends=True)
    head = 1 if fmt == "csv" else 0
    assert kept[:head] == lines[:head] and len(kept) == head + 2
    assert set(kept[head:]) <= set(lines[head:])  # rows are single lines here (no newline in the texts)


@pytest.mark.parametrize(("args", "said"), [
    (("audit", "--status", "open"), "--status chỉ dùng với `export items`"),
    (("audit", "--verdict", "violation"), "--verdict chỉ dùng với `export decisions`"),
    (("audit", "--category", "scam"), "--category chỉ dùng với `export items` hoặc `export decisions`"),
    (("items", "--verdict", "violation"), "--verdict chỉ dùng với `export decisions`"),
    (("decisions", "--status", "decided"), "--status chỉ dùng với `export items`"),
    (("summary", "--category", "scam"), "--category chỉ dùng với"),
    (("items", "--category", "lừa đào"),
     "không có nhóm 'lừa đào' (có phải 'scam'?) (các nhóm: misinformation (Tin giả), scam (Lừa đảo),"),
    (("items", "--category", "scam,spam"), "không có nhóm 'spam'"),
    (("items", "--category", "scam,"), "không có nhóm ''"),
    (("items", "--status", "da quyet dinh"), "trạng thái 'da quyet dinh' không hợp lệ (có phải 'decided'?)"),
    (("decisions", "--verdict", "vi pham"), "kết luận 'vi pham' không hợp lệ (có phải 'violation'?) (dùng: violation,"),
])
def test_a_filter_that_does_not_apply_writes_nothing(entries: dict[str, int], cli: CLI, tmp_path: Path,
                                                     args: tuple[str, ...], said: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(OLD)
    code, out, err = cli("export", *args, "-o", str(path))
    assert code == 2, err
    assert said in err and err.count("\n") == 1 and out == ""
    assert path.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
