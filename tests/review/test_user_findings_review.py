"""User-review findings on the review side: verdicts that contradict their category, export formats that follow
the file name, unknown sources, Vietnamese verdicts in messages, a configured model with foreign categories."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from review.cli.context import Context
from review.cli.interactive import run
from review.export import read_export
from review.filters import EntryFilter
from review.models import Decision, ReviewEntry, Source
from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def _verdicts(store: Store) -> dict[int, tuple[str | None, str | None]]:
    with store.session() as s:
        return {e.id: (e.verdict, e.verdict_category) for e in s.scalars(select(ReviewEntry))}


# ------------------------------------------------------------------------- 2. verdicts that contradict the category
@pytest.mark.parametrize("verdict,category,extra", [
    ("commend", "scam", ()),
    ("violation", "positive", ()),
    ("escalate", "positive", ("--note", "chuyển công an")),
])
def test_decide_refuses_a_verdict_that_contradicts_the_category(store: Store, cli: CLI, verdict: str, category: str,
                                                                extra: tuple[str, ...]) -> None:
    entry = flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9)
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", verdict, "--category", category, *extra)
    assert code == 2, err
    assert "positive" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _verdicts(store)[entry] == (None, None)


def test_violation_without_category_on_a_positive_entry_needs_one(store: Store, cli: CLI) -> None:
    good = flagged(store, "Thầy giáo dạy miễn phí cho trẻ em nghèo", "positive", 0.9)
    code, _, err = cli("--as", "lan", "decide", str(good), "--verdict", "violation")
    assert code == 2 and f"mục #{good}" in err and "--category" in err
    assert _verdicts(store)[good] == (None, None)
    assert cli("--as", "lan", "decide", str(good), "--verdict", "violation", "--category", "scam")[0] == 0
    assert _verdicts(store)[good] == ("violation", "scam")


def test_consistent_verdicts_still_pass(store: Store, cli: CLI) -> None:
    scam = flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9)
    other = flagged(store, "Nội dung tốt đẹp bị gắn nhầm", "scam", 0.6)
    good = flagged(store, "Thầy giáo dạy miễn phí", "positive", 0.9)
    assert cli("--as", "lan", "decide", str(scam), "--verdict", "violation")[0] == 0
    assert cli("--as", "lan", "decide", str(other), "--verdict", "commend")[0] == 0  # the category becomes positive
    assert cli("--as", "lan", "decide", str(good), "--verdict", "dismiss", "--category", "positive")[0] == 0
    assert _verdicts(store) == {scam: ("violation", "scam"), other: ("commend", "positive"),
                                good: ("dismiss", "positive")}


def test_bulk_refuses_contradicting_verdicts_before_writing(store: Store, cli: CLI) -> None:
    scam = flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9)
    good = flagged(store, "Thầy giáo dạy miễn phí", "positive", 0.9)
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "commend", "--category", "scam", "--where", "status=open")
    assert code == 2 and "positive" in err
    for yes in ((), ("--yes",)):  # dry run and real run alike
        code, _, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "status=open", *yes)
        assert code == 2 and f"#{good}" in err and "--category" in err, err
    assert _verdicts(store) == {scam: (None, None), good: (None, None)}
    with store.session() as s:
        assert s.scalar(select(Decision.id)) is None


def test_interactive_violation_on_a_positive_entry_asks_for_the_harm(store: Store, cfg: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANHGAC_MODERATOR", "lan")
    good = flagged(store, "Thầy giáo dạy miễn phí cho trẻ em nghèo", "positive", 0.9)
    out = io.StringIO()
    ctx = Context(config_path=str(cfg), out=out)
    try:
        # v, then a wrong category (refused, the entry stays on screen), v again with a harm, then the queue is empty
        assert run(ctx, EntryFilter(), stdin=io.StringIO("v\npolitics\nv\nscam\n")) == 0
    finally:
        ctx.close()
    text = out.getvalue()
    assert "nhóm vi phạm" in text and "không có nhóm 'politics'" in text and "Traceback" not in text
    assert _verdicts(store)[good] == ("violation", "scam")


# ------------------------------------------------------------------------------- 4. export format from the file name
@pytest.mark.parametrize("name,fmt", [("d.xlsx", "xlsx"), ("d.jsonl", "jsonl"), ("d.csv", "csv"), ("d", "csv")])
def test_export_format_follows_the_file_extension(store: Store, cli: CLI, tmp_path: Path, name: str,
                                                  fmt: str) -> None:
    entry = flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9)
    store.decide(entry, "lan", "violation")
    path = tmp_path / name
    code, _, err = cli("export", "decisions", "-o", str(path))
    assert code == 0, err
    if fmt == "xlsx":
        assert path.read_bytes()[:2] == b"PK"  # a zip: a real workbook
    rows = read_export(path, fmt)
    assert [r["verdict"] for r in rows] == ["violation"]


@pytest.mark.parametrize("args", [
    ("decisions", "--format", "csv", "-o", "d.xlsx"),
    ("items", "--format", "xlsx", "-o", "d.csv"),
    ("decisions", "-o", "d.json"),  # JSON Lines is not JSON: say so instead of guessing
    ("summary", "--year", "2026", "-o", "tong-ket.csv"),
])
def test_export_refuses_a_format_the_file_name_contradicts(store: Store, cli: CLI, tmp_path: Path,
                                                           args: tuple[str, ...]) -> None:
    argv = [str(tmp_path / a) if a.startswith(("d.", "tong-ket")) else a for a in args]
    code, _, err = cli("export", *argv)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not any(tmp_path.glob("d.*")) and not (tmp_path / "tong-ket.csv").exists()


# ------------------------------------------------------------------------------------------- 5. unknown source names
def test_queue_names_an_unknown_source_and_lists_the_known_ones(store: Store, cli: CLI) -> None:
    flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9, source="fb")
    flagged(store, "Phản ánh của người dân", "scam", 0.8)  # an entry without a source
    with store.session() as s:
        s.add(Source(name="bao-cu", kind="rss"))  # removed from the config, still in the sources table
    code, out, _ = cli("queue", "--source", "nope")
    assert code == 0 and "Không có nguồn 'nope'" in out and "bao-cu, fb" in out
    assert "Không có mục nào phù hợp" not in out
    code, out, err = cli("queue", "--source", "nope", "--json")
    assert code == 0 and json.loads(out) == [] and "Không có nguồn 'nope'" in err
    code, out, _ = cli("queue", "--source", "bao-cu")  # known, just nothing queued
    assert code == 0 and "Không có mục nào phù hợp." in out and "Không có nguồn" not in out
    code, out, _ = cli("queue", "--source", "fb")
    assert code == 0 and "Chuyển khoản" in out


# -------------------------------------------------------------------------------- 6. Vietnamese verdicts and labels
def test_claim_of_a_decided_entry_names_the_verdict_in_vietnamese(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9)
    store.decide(entry, "lan", "violation")
    code, _, err = cli("--as", "minh", "claim", str(entry))
    assert code == 1 and "(vi phạm)" in err and "violation" not in err


def test_queue_table_shows_the_vietnamese_category_name(store: Store, cli: CLI) -> None:
    flagged(store, "Chuyển khoản ngay nhận quà", "scam", 0.9)
    code, out, _ = cli("queue")
    assert code == 0 and "nhóm chính" in out and "Lừa đảo" in out and "scam 0.90" in out


# ---------------------------------------------------------------- 1. a configured model with categories of its own
def _model(tmp_path: Path, categories: list[str]) -> Path:
    model = tmp_path / "m.skops"
    model.write_bytes(b"not checked by config check")
    model.with_suffix(".card.json").write_text(json.dumps({"categories": categories}), encoding="utf-8")
    return model


def test_config_check_refuses_a_model_with_unknown_categories(tmp_path: Path, db_url: str, store: Store,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from crawler.cli import main

    _model(tmp_path, ["scam", "sacm"])
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n\n[classifier]\nmodel = "m.skops"\n', encoding="utf-8")
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5" in err and "classifier.model" in err and "'sacm'" in err and "có phải 'scam'" in err
    _model(tmp_path, ["scam", "offensive"])
    assert main(["--config", str(path), "config", "check"]) == 0
