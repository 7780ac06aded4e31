"""Files as spreadsheets and office tools export them: header names with stray spaces or decomposed diacritics,
repeated names of columns nobody reads, labels saved as floats, a byte order mark piped on stdin."""

import io
import json
import unicodedata
from pathlib import Path

import pytest

from classifier.dataset import DataError, iter_texts, read_labelled
from crawler.cli import main
from tests.classifier.conftest import defaults_config


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no canhgac.toml here: built-in defaults
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def test_a_repeated_name_of_a_column_not_read_is_no_error(tmp_path: Path) -> None:
    # Excel sheets often carry two "Ghi chú" columns; only the columns asked for must be unambiguous
    f = tmp_path / "d.csv"
    f.write_text("text,labels,Ghi chú,Ghi chú\r\nđồ ngu,offensive,a,b\r\nok,clean,,\r\n", encoding="utf-8")
    assert read_labelled(str(f), "text", "labels").labels == [["offensive"], []]
    assert [t for t, _ in iter_texts(str(f), "text")] == ["đồ ngu", "ok"]


def test_a_repeated_name_of_a_column_read_is_still_an_error(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("text,labels,labels\r\nđồ ngu,offensive,hate\r\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv:1: cột 'labels' xuất hiện hai lần ở dòng tiêu đề \(cột thứ 2 và 3\)"):
        read_labelled(str(f), "text", "labels")


@pytest.mark.parametrize("header", ["Nội dung ", " Nội dung", unicodedata.normalize("NFD", "Nội dung")])
def test_a_header_name_with_stray_spaces_or_decomposed_marks_is_the_column_typed(tmp_path: Path, header: str) -> None:
    # the error used to read "không có cột 'Nội dung' (tệp có các cột: Nội dung, Nhãn)": the same name, to the eye
    f = tmp_path / "d.csv"
    f.write_text(f"\ufeff{header};Nhãn\r\nđồ ngu;offensive\r\n", encoding="utf-8")
    assert read_labelled(str(f), "Nội dung", "Nhãn").texts == ["đồ ngu"]
    assert [t for t, _ in iter_texts(str(f), "Nội dung")] == ["đồ ngu"]


def test_two_header_names_that_both_look_like_the_column_typed_are_an_error(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("Nội dung ,labels, Nội dung\r\nđồ ngu,offensive,x\r\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv:1: cột 'Nội dung' xuất hiện hai lần ở dòng tiêu đề \(cột thứ 1 và 3\)"):
        read_labelled(str(f), "Nội dung", "labels")


def test_a_jsonl_key_with_decomposed_marks_is_the_field_typed(tmp_path: Path) -> None:
    f = tmp_path / "d.jsonl"
    key = unicodedata.normalize("NFD", "nội dung")
    f.write_text(json.dumps({key: "đồ ngu", "nhãn": 1}) + "\n", encoding="utf-8")
    assert read_labelled(str(f), "nội dung", "nhãn", {"0": "clean", "1": "offensive"}).labels == [["offensive"]]
    assert [t for t, _ in iter_texts(str(f), "nội dung")] == ["đồ ngu"]


def test_a_csv_label_saved_as_a_float_matches_the_label_map_key(tmp_path: Path) -> None:
    # pandas and spreadsheets write an integer column with a gap as 1.0, 2.0: "1.0" is the key 1, like JSON's 1.0
    f = tmp_path / "d.csv"
    f.write_text("text,label\nđồ ngu,1.0\nok,0\nbọn chúng phải chết,2.00\n", encoding="utf-8")
    d = read_labelled(str(f), "text", "label", {"0": "clean", "1": "offensive", "2": "hate"})
    assert d.labels == [["offensive"], [], ["hate"]]


def test_a_float_label_is_not_a_key_that_differs_from_it(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("text,label\nđồ ngu,1.5\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv:2: giá trị nhãn không có trong --label-map: '1\.5'"):
        read_labelled(str(f), "text", "label", {"0": "clean", "1": "offensive"})


def test_a_byte_order_mark_piped_on_stdin_is_not_part_of_the_first_text(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # PowerShell and Notepad put one before the first line; a file's is dropped, so stdin's is too
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeffĐồ ngu như chó\r\nok\r\n"))
    assert main(["classify", "--input", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2
    spans = [(e["text"], e["start"], e["end"]) for e in rows[0]["evidence"] if e["start"] >= 0]
    text = "Đồ ngu như chó"
    assert spans and all(text[s:e] == t for t, s, e in spans)


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_excel_sep_line_before_the_header_says_the_separator(tmp_path: Path, sep: str) -> None:
    # "sep=;" on the first line makes Excel open the file right; it used to be read as a header with no column 'text'
    f = tmp_path / "d.csv"
    f.write_text(f"sep={sep}\r\ntext{sep}labels\r\n\"đồ ngu, cút\"{sep}offensive\r\nok{sep}clean\r\n", encoding="utf-8")
    d = read_labelled(str(f), "text", "labels")
    assert d.texts == ["đồ ngu, cút", "ok"] and d.lines == (3, 4)
    assert [t for t, _ in iter_texts(str(f), "text")] == ["đồ ngu, cút", "ok"]


def test_a_missing_column_after_a_sep_line_lists_the_header_below_it(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("sep=;\r\nNội dung;Nhãn\r\nđồ ngu;offensive\r\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv: không có cột 'text' \(tệp có các cột: Nội dung, Nhãn\)$"):
        read_labelled(str(f), "text", "Nhãn")
