"""classifier.dataset keeps each text exactly as the file holds it: CRLF inside quoted CSV fields is not turned into
LF (evidence offsets index the file's text), a CRLF file's row terminators are not part of any text, JSONL is split
only at LF (U+2028, U+0085 ... are ordinary characters inside JSON strings), and errors are Vietnamese and name
file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from classifier.dataset import DataError, read_labelled, read_texts
from crawler.cli import main
from tests.classifier.conftest import defaults_config

_ENGLISH = re.compile(r"Expecting|Unterminated|Invalid|Extra data|delimiter|invalid|start byte|continuation|expected|"
                      r"end of data")
SCAM = "Cảnh báo\r\nChuyển khoản ngay vào tk 0123456789\r\nđể nhận thưởng tại https://abc.top"


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no canhgac.toml here: built-in defaults
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def _write(path: Path, data: str, *, bom: bool = False) -> str:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return str(path)


# ------------------------------------------------------------------------------------------------ CSV with CRLF
@pytest.mark.parametrize("bom", [False, True])
def test_crlf_inside_a_quoted_csv_field_is_kept_and_row_terminators_are_not(tmp_path: Path, bom: bool) -> None:
    f = _write(tmp_path / "d.csv", f'text,labels\r\n"{SCAM}",scam\r\n"a\rb",clean\r\nxin chào,clean\r\n', bom=bom)
    assert read_texts(f) == [SCAM, "a\rb", "xin chào"]
    d = read_labelled(f, "text", "labels")
    assert d.texts == [SCAM, "a\rb", "xin chào"] and d.lines == (2, 5, 7)  # a lone CR breaks a line too


def test_crlf_csv_errors_name_the_line_where_the_row_starts(tmp_path: Path) -> None:
    f = _write(tmp_path / "d.csv", f'text,labels\r\n"{SCAM}",scam\r\n\r\nc,clean\r\nd\r\n')
    with pytest.raises(DataError, match=r"d\.csv:7: dòng CSV sai cấu trúc: có 1 ô, ít hơn"):
        read_labelled(f, "text", "labels")
    g = _write(tmp_path / "g.csv", f'text,labels\r\n"{SCAM}",scam\r\n"x"y,clean\r\n')
    with pytest.raises(DataError, match=r"g\.csv:5: CSV không hợp lệ") as exc:
        read_labelled(g, "text", "labels")
    assert not _ENGLISH.search(str(exc.value).split(".csv:")[1]), exc.value
    h = _write(tmp_path / "h.csv", f'text,labels\r\n"{SCAM}",scam\r\n"never closed,clean\r\n')
    with pytest.raises(DataError, match=r"h\.csv:5: CSV không hợp lệ") as exc:
        read_labelled(h, "text", "labels")
    assert not _ENGLISH.search(str(exc.value).split(".csv:")[1]), exc.value


def test_classify_evidence_offsets_index_a_crlf_csv_field_exactly(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    inp = _write(tmp_path / "crlf.csv", f'text\r\n"{SCAM}"\r\n')
    assert main(["classify", "--input", inp]) == 0
    row = json.loads(capsys.readouterr().out)
    spans = [e for e in row["evidence"] if e["end"] > e["start"]]
    assert any(e["start"] > SCAM.index("\r\n") for e in spans), row["evidence"]  # some after the first line break
    for e in spans:
        assert SCAM[e["start"]:e["end"]] == e["text"], e


# ------------------------------------------------------------------------------------------------ JSONL lines
@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_jsonl_strings_may_hold_characters_other_tools_take_for_line_breaks(tmp_path: Path, char: str) -> None:
    texts = [f"Chuyển khoản ngay{char}để nhận thưởng", "ba\x0cbốn\x1c\x1d\x1enăm", "bình thường"]
    lines = [json.dumps({"text": t, "labels": "clean"}, ensure_ascii=False) for t in texts]  # \x0c, \x1c.. escaped
    f = _write(tmp_path / "d.jsonl", "\n".join(lines) + "\n")
    assert read_texts(f) == texts
    assert read_labelled(f, "text", "labels").lines == (1, 2, 3)


def test_a_crlf_jsonl_file_is_read_with_its_line_numbers(tmp_path: Path) -> None:
    f = _write(tmp_path / "d.jsonl", '{"text": "a\u2028b", "labels": "scam"}\r\n\r\n{"text": "c", "labels": "clean"}\r\n'
               '{"text": "d", "labels": nul}\r\n', bom=True)
    with pytest.raises(DataError, match=r"d\.jsonl:4: JSON không hợp lệ ở cột 25"):
        read_labelled(f, "text", "labels")
    g = _write(tmp_path / "g.jsonl", '{"text": "a\u2028b", "labels": "scam"}\r\n\r\n{"text": "c", "labels": "clean"}')
    d = read_labelled(g, "text", "labels")
    assert d.texts == ["a\u2028b", "c"] and d.lines == (1, 3)



@pytest.mark.parametrize("line,column,words", [
    ('{"text": "chưa đóng}', 10, "chuỗi"),
    ("{bad json", 2, "tên trường"),
    ('{"text" "a"}', 9, "':'"),
    ('{"text": "a" "b": 1}', 14, "','"),
    ('{"text": }', 10, "giá trị"),
    ('{"text": "a"} {"text": "b"}', 15, "dữ liệu thừa"),
    ('{"text": "a\\qb"}', 12, "\\"),
    ('{"text": "a\tb"}', 12, "ký tự điều khiển"),
])
def test_invalid_json_is_described_in_vietnamese_with_line_and_column(tmp_path: Path, line: str, column: int,
                                                                      words: str) -> None:
    f = _write(tmp_path / "d.jsonl", '{"text": "a"}\n\n' + line + "\n")
    with pytest.raises(DataError) as exc:
        read_texts(f)
    msg = str(exc.value)
    assert msg.startswith(f"{f}:3: JSON không hợp lệ ở cột {column}: ") and words in msg, msg
    assert not _ENGLISH.search(msg.removeprefix(f)), msg


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_file_not_in_utf8_names_file_and_line_in_vietnamese(tmp_path: Path, suffix: str) -> None:
    head, line = ("text\nxin chào\n", 3) if suffix == ".csv" else ('{"text": "xin chào"}\n', 2)
    legacy = ("Hà Nam ngày mai" if suffix == ".csv" else '{"text": "Hà Nam ngày mai"}').encode("cp1258")
    path = tmp_path / f"d{suffix}"
    path.write_bytes(head.encode("utf-8") + legacy + b"\nok\n")
    with pytest.raises(DataError) as exc:
        read_texts(str(path))
    msg = str(exc.value)
    assert msg.startswith(f"{path}:{line}: không phải văn bản UTF-8") and "hãy lưu lại tệp với bảng mã UTF-8" in msg
    assert not _ENGLISH.search(msg.removeprefix(str(path))), msg


def test_a_utf16_file_is_told_to_be_saved_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes("text\nxin chào\n".encode("utf-16"))
    with pytest.raises(DataError) as exc:
        read_texts(str(path))
    msg = str(exc.value)
    assert msg.startswith(f"{path}:1: ") and "UTF-16" in msg and "hãy lưu lại tệp với bảng mã UTF-8" in msg
