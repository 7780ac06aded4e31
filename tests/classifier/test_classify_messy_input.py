"""`canhgac classify` as another tool uses it: messy input in, one valid UTF-8 JSON line per row out, evidence
offsets indexing each row's text exactly as it was given."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from crawler.cli import main
from tests.classifier.conftest import defaults_config

SCAM = "Việc nhẹ lương cao, chuyển khoản trước 500k để nhận việc, liên hệ Zalo 0912345678"


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no canhgac.toml here: built-in defaults
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def _rows(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes().decode("utf-8")  # strict: the output must be valid UTF-8
    return [json.loads(line) for line in data.splitlines()]


def test_stdin_rows_keep_their_offsets_through_crlf_nfd_invisibles_and_entities(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [
        SCAM,
        unicodedata.normalize("NFD", SCAM),
        "".join(ch + ("\u200b" if ch.isalpha() else "") for ch in SCAM),
        "".join(f"&#{ord(ch)};" if not ch.isascii() else ch for ch in SCAM),
        "L.ừ.a đ.ả.o 👨\u200d👩\u200d👧 c h u y ể n k h o ả n tr\u0334ước",
        "",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\r\n".join(lines) + "\r\n"))
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", "-", "--output", str(out)]) == 0
    rows = _rows(out)
    assert [r["row"] for r in rows] == list(range(len(lines)))
    for r in rows:
        text = lines[r["row"]]
        for e in r["evidence"]:
            if e["start"] >= 0:
                assert text[e["start"]:e["end"]] == e["text"] and e["start"] < e["end"], (r["row"], e)
    assert all("scam" in rows[i]["flags"] for i in range(4)), [r["flags"] for r in rows]


def test_an_invalid_byte_on_stdin_inside_evidence_is_written_as_a_replacement_character(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # stdin decodes an invalid byte to a lone surrogate (U+DCFF); inside an evidence text it used to stop the run
    # with UnicodeEncodeError and leave no output file
    line = SCAM.replace("chuyển khoản", "chuyển\udcff khoản")
    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", "-", "--output", str(out)]) == 0
    (row,) = _rows(out)
    spans = [e for e in row["evidence"] if e["start"] >= 0 and e["start"] <= line.index("\udcff") < e["end"]]
    assert spans
    for e in spans:  # the same characters counted: the surrogate's place holds U+FFFD
        assert e["text"] == line[e["start"]:e["end"]].replace("\udcff", "\ufffd")


def test_a_lone_surrogate_escape_in_jsonl_does_not_stop_the_run(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    text = SCAM.replace("chuyển khoản", "chuyển\ud83d khoản")  # half of an emoji pair, as some exports cut it
    src.write_text(json.dumps({"text": text}) + "\n" + json.dumps({"text": "xin chào"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 0
    rows = _rows(out)
    assert [r["row"] for r in rows] == [0, 1] and "scam" in rows[0]["flags"]
