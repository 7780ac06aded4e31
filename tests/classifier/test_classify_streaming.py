"""`canhgac classify` streams: it reads, scores and writes its input a batch at a time, so the first results come
out while the input is still being written and memory does not grow with the input. The streaming reader
(iter_texts) reads every file exactly as read_texts/read_meta do, with the same errors and line numbers; a bad row
far down is raised when it is reached: on stdout the rows before it stay written, while --output FILE is left
as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from classifier.dataset import DataError, iter_texts, read_meta, read_texts
from crawler.cli import main
from tests.classifier.conftest import defaults_config

ROOT = Path(__file__).resolve().parents[2]
SCAM = "Việc nhẹ lương cao, chuyển khoản trước 500k để nhận việc, liên hệ Zalo 0912345678"
PREVIOUS = "".join(json.dumps({"row": i, "old": True}) + "\n" for i in range(50))


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no canhgac.toml here: built-in defaults
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def _csv(path: Path, rows: int, bad_at: int | None = None) -> Path:
    """A CSV of `rows` texts; data row `bad_at` (0-based, file line bad_at + 2) has one field too many."""
    lines = ["text"] + [f'"Tin số {i}: {SCAM}"' + (",thừa" if i == bad_at else "") for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the reader: same rows, same errors as read_texts/read_meta -------------------------------------------------

FILES: dict[str, bytes] = {
    "bom_semicolon.csv": "\ufefftext;sender_type\nxin chào;page\n\"a;b\";user\n".encode(),
    "tab.csv": "id\ttext\tsender_type\n1\tmột\tpage\n2\thai\t\n".encode(),
    "crlf_in_fields.csv": b'text,sender_type\r\n"d\xc3\xb2ng 1\r\nd\xc3\xb2ng 2",page\r\n\r\nba,user\r\n',
    "lone_cr.csv": b"text,sender_type\rm\xe1\xbb\x99t,page\r\"a\rb\",user\r",
    "no_final_newline.csv": "text,sender_type\nmột,page\nhai,user".encode(),
    "rows.jsonl": ('{"text": "a\u2028b\u0085c", "sender_type": "page"}\r\n\n'
                   '{"text": null, "sender_type": 3.0}\n{"text": "x", "sender_type": null}').encode(),
    "bad_utf8_far.csv": b"text,sender_type\n" + "ổn,page\n".encode() * 9000 + b"h\xe0ng,page\n",
    "bad_utf8_end.jsonl": b'{"text": "a", "sender_type": "p"}\n{"text": "\xe1\xbb',
    "utf16.csv": "text,sender_type\nmột,page\n".encode("utf-16"),
    "wrong_field_count.csv": "text,sender_type\nmột,page\nhai\n".encode(),
    "unclosed_quote.csv": 'text,sender_type\nmột,page\n"hai,user\n'.encode(),
    "plain.txt": "Hôm nay trời đẹp quá đi thôi\nmột dòng khác\n".encode(),
    "other_separator.csv": b"id|text|sender_type\n1|a|b\n",
    "bad_json.jsonl": b'{"text": "a", "sender_type": "p"}\n{"text": "b" "sender_type": "p"}\n',
    "text_not_string.jsonl": b'{"text": "a", "sender_type": "p"}\n{"text": {"x": 1}, "sender_type": "p"}\n',
    "meta_is_list.jsonl": b'{"text": "a", "sender_type": "p"}\n{"text": "b", "sender_type": [1]}\n',
    "missing_meta.jsonl": b'{"text": "a", "sender_type": "p"}\n{"text": "b"}\n',
}


def _outcome(fn: Any) -> Any:
    try:
        return fn()
    except DataError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("name", sorted(FILES))
def test_iter_texts_reads_every_file_as_read_texts_and_read_meta_do(tmp_path: Path, name: str) -> None:
    f = tmp_path / name
    f.write_bytes(FILES[name])
    expected_texts = _outcome(lambda: read_texts(str(f)))
    got_texts = _outcome(lambda: [t for t, m in iter_texts(str(f))])
    assert got_texts == expected_texts
    expected_meta = _outcome(lambda: list(zip(read_texts(str(f)), read_meta(str(f), ["sender_type"]), strict=True)))
    got_meta = _outcome(lambda: list(iter_texts(str(f), "text", ["sender_type"])))
    assert got_meta == expected_meta


def test_iter_texts_yields_the_first_rows_before_reading_a_bad_byte_far_down(tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_bytes(FILES["bad_utf8_far.csv"])
    rows = iter_texts(str(f))
    assert next(rows) == ("ổn", None)  # the bad byte is past the header scan (HEADER_SCAN characters)
    with pytest.raises(DataError, match=rf"^{f}:9002: không phải văn bản UTF-8 \(byte thứ 2 của dòng \(0xE0\)"):
        list(rows)


# --- the command ---------------------------------------------------------------------------------------------


def test_first_result_comes_out_while_stdin_is_still_open(tmp_path: Path) -> None:
    """A producer that keeps writing (tail -f, a crawler feed) gets results before it closes the pipe."""
    env = {k: v for k, v in os.environ.items() if k != "CANHGAC_CONFIG"}
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "classify", "--input", "-"], cwd=str(tmp_path),
                            env=dict(env, PYTHONPATH=str(ROOT)), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    got_first = threading.Event()
    closed = threading.Event()

    def writer() -> None:
        assert proc.stdin is not None
        proc.stdin.write(("\n".join([SCAM, "Hôm nay trời đẹp"] * 300) + "\n").encode())  # over one full batch
        proc.stdin.flush()
        got_first.wait(timeout=300)  # only so a broken run cannot hang the suite: then stdin is closed anyway
        closed.set()
        proc.stdin.close()

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        first = proc.stdout.readline()
        before_close = not closed.is_set()
        got_first.set()
        thread.join(timeout=60)
        rest = proc.stdout.read()
        err = proc.stderr.read() if proc.stderr else b""
        proc.wait(timeout=300)
    finally:
        got_first.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        thread.join(timeout=10)
    assert proc.returncode == 0, err.decode()
    assert json.loads(first)["row"] == 0 and json.loads(first)["label"] != "clean"
    assert before_close, "classify wrote nothing until its input was closed"
    rows = [json.loads(line) for line in [first, *rest.splitlines()]]
    assert [r["row"] for r in rows] == list(range(600))


def test_a_bad_row_far_down_on_stdout_leaves_the_rows_before_it_written(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    inp = _csv(tmp_path / "in.csv", 1000, bad_at=600)
    assert main(["classify", "--input", str(inp)]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert f"{inp}:602: dòng CSV sai cấu trúc" in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert 0 < len(rows) <= 600  # written as they were scored; none from the bad row on
    assert [r["row"] for r in rows] == list(range(len(rows)))


def test_a_bad_row_far_down_leaves_the_previous_output_file_untouched(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    inp = _csv(tmp_path / "in.csv", 1000, bad_at=600)
    out = tmp_path / "out.jsonl"
    out.write_text(PREVIOUS, encoding="utf-8")
    assert main(["classify", "--input", str(inp), "--output", str(out)]) == 2
    assert f"{inp}:602: dòng CSV sai cấu trúc" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.jsonl"]  # no temporary file left


def test_a_missing_column_is_said_before_the_output_file_is_touched(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    inp = tmp_path / "in.csv"
    inp.write_text("content\nxin chào\n", encoding="utf-8")
    assert main(["classify", "--input", str(inp), "--output", str(tmp_path / "missing" / "out.jsonl")]) == 2
    assert "không có cột 'text'" in capsys.readouterr().err  # the input's error, not the output folder's


def test_streamed_rows_are_the_rows_of_the_whole_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Batches of 1, 2, 4 ... 256 rows: every row once, in order, scored as if alone."""
    inp = _csv(tmp_path / "in.csv", 700)
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(inp), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == list(range(700))
    assert len({json.dumps(r["scores"], sort_keys=True) for r in rows[:600]}) > 1  # the texts differ by their number
    single = tmp_path / "one.csv"
    single.write_text(f'text\n"Tin số 699: {SCAM}"\n', encoding="utf-8")
    assert main(["classify", "--input", str(single)]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert {**alone, "row": 699} == rows[699]
