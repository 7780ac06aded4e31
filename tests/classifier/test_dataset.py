"""classifier.dataset: label maps enforced, numbers in JSONL, lowercase names, CSV/JSONL shape errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from classifier.dataset import FIELD_LIMIT, DataError, parse_label_map, read_labelled, read_meta, read_texts


def _jsonl(path: Path, rows: list[dict[str, object]]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _csv(path: Path, rows: list[list[str]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return str(path)


# ------------------------------------------------------------------------------------------------ label maps
def test_values_missing_from_the_map_are_an_error_naming_file_line_and_values(tmp_path: Path) -> None:
    f = _csv(tmp_path / "d.csv", [["text", "label"], ["a", "0"], ["b", "1"], ["c", "3"], ["d", "4|0"], ["e", "3"]])
    with pytest.raises(DataError) as exc:
        read_labelled(f, "text", "label", parse_label_map("0=clean,1=offensive,2=hate"))
    msg = str(exc.value)
    assert f"{f}:4:" in msg and "'3'" in msg and "'4'" in msg and "'0'" not in msg.split("(--label-map chỉ có")[0]
    assert "\n" not in msg


def test_json_numbers_match_integer_map_keys(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "d.jsonl", [{"text": "a", "y": 0}, {"text": "b", "y": 3.0}, {"text": "c", "y": 1},
                                      {"text": "d", "y": [1, 3.0]}, {"text": "e", "y": "0"}])
    d = read_labelled(f, "text", "y", parse_label_map("0=clean,1=offensive,3=hate"))
    assert d.labels == [[], ["hate"], ["offensive"], ["offensive", "hate"], []]


def test_a_non_integral_float_does_not_match_an_integer_key(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "d.jsonl", [{"text": "a", "y": 0}, {"text": "b", "y": 1.5}])
    with pytest.raises(DataError, match=r"d\.jsonl:2: .*'1\.5'"):
        read_labelled(f, "text", "y", parse_label_map("0=clean,1=scam"))


def test_without_a_map_every_value_must_be_known_only_to_the_map_it_is_given(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "d.jsonl", [{"text": "a", "y": "clean"}, {"text": "b", "y": "scam"}])
    with pytest.raises(DataError, match="không có trong --label-map: 'clean', 'scam'"):
        read_labelled(f, "text", "y", parse_label_map("0=clean,1=scam"))


@pytest.mark.parametrize("spec", ["0=clean,0=scam", "0=clean,1=scam, 0 =clean"])
def test_duplicate_map_keys_are_an_error(spec: str) -> None:
    with pytest.raises(DataError, match="--label-map ghi '0' hai lần"):
        parse_label_map(spec)


def test_without_a_map_names_are_stripped_and_lowercased(tmp_path: Path) -> None:
    f = _csv(tmp_path / "d.csv", [["text", "labels"], ["a", "Scam"], ["b", " scam |HATE"], ["c", "CLEAN"],
                                  ["d", ""]])
    d = read_labelled(f, "text", "labels")
    assert d.labels == [["scam"], ["scam", "hate"], [], []]
    assert parse_label_map("0=Clean,1=Scam") == {"0": "clean", "1": "scam"}


def test_a_label_of_another_type_is_an_error(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "d.jsonl", [{"text": "a", "labels": {"x": 1}}])
    with pytest.raises(DataError, match=r"d\.jsonl:1: cột 'labels': nhãn phải là chuỗi hoặc số, không phải đối tượng"):
        read_labelled(f, "text", "labels")


# --------------------------------------------------------------------------------------------------- CSV shape
def test_a_csv_row_with_fewer_fields_than_the_header_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("text,labels\nxin chào,clean\nchuyển khoản trước\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv:3: dòng CSV sai cấu trúc: có 1 ô, ít hơn dòng tiêu đề \(2 ô\)"):
        read_labelled(str(f), "text", "labels")
    with pytest.raises(DataError, match=r"d\.csv:3: "):
        read_texts(str(f))


def test_a_csv_row_with_more_fields_names_the_line_where_it_starts(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text('text,labels\n"two\nlines",scam\n"a\nb",scam,extra\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv:4: dòng CSV sai cấu trúc: có 3 ô, nhiều hơn dòng tiêu đề \(2 ô\)"):
        read_labelled(str(f), "text", "labels")


def test_empty_text_with_a_category_is_an_error(tmp_path: Path) -> None:
    f = _csv(tmp_path / "d.csv", [["text", "labels"], ["ok", "clean"], ["", "clean"], ["  ", "scam"]])
    with pytest.raises(DataError, match=r"d\.csv:4: văn bản trống nhưng có nhãn scam"):
        read_labelled(f, "text", "labels")
    g = _csv(tmp_path / "g.csv", [["text", "labels"], ["ok", "scam"], ["", "clean"]])
    assert read_labelled(g, "text", "labels").texts == ["ok", ""]  # an empty clean row is kept, nothing lost


def test_a_duplicate_header_name_is_an_error_naming_the_column(tmp_path: Path) -> None:
    f = _csv(tmp_path / "d.csv", [["text", "labels", "text"], ["a", "scam", "b"]])
    with pytest.raises(DataError, match=r"d\.csv:1: cột 'text' xuất hiện hai lần ở dòng tiêu đề \(cột thứ 1 và 3\)"):
        read_labelled(f, "text", "labels")


def test_rows_report_the_line_where_they_start(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text('text,labels\n"a\nb",scam\n\nc,clean\n', encoding="utf-8")
    d = read_labelled(str(f), "text", "labels")
    assert d.lines == (2, 5) and d.labels == [["scam"], []]


def test_long_csv_fields_are_read_and_too_long_ones_name_their_line(tmp_path: Path) -> None:
    long = "chuyển khoản " * 20_000  # 260k characters, over the csv module's default 131,072
    f = _csv(tmp_path / "d.csv", [["text", "labels"], ["a", "clean"], [long, "scam"]])
    assert read_texts(f)[1] == long and read_labelled(f, "text", "labels").labels == [[], ["scam"]]
    g = _csv(tmp_path / "g.csv", [["text", "labels"], ["a", "clean"], ["two\nlines", "clean"],
                                  ["x" * (FIELD_LIMIT + 10), "scam"], ["b", "clean"]])
    with pytest.raises(DataError) as exc:
        read_labelled(g, "text", "labels")
    assert str(exc.value).startswith(f"{g}:5: ") and "có ô dài quá 10.485.760 ký tự" in str(exc.value)


# ------------------------------------------------------------------------------------------------ JSONL texts
@pytest.mark.parametrize("value,kind", [({"a": 1}, "đối tượng"), (["a"], "mảng"), (0, "số"), (None, "null"),
                                        (True, "true/false")])
def test_a_jsonl_text_must_be_a_string(tmp_path: Path, value: object, kind: str) -> None:
    f = _jsonl(tmp_path / "d.jsonl", [{"text": "ok", "labels": []}, {"text": value, "labels": []}])
    with pytest.raises(DataError, match=rf"d\.jsonl:2: trường văn bản 'text' phải là chuỗi, không phải {kind}"):
        read_labelled(f, "text", "labels")
    if value is None:  # classify: null is an empty text, and the row is kept
        assert read_texts(f) == ["ok", ""]
    else:
        with pytest.raises(DataError, match=rf"d\.jsonl:2: .*không phải {kind}"):
            read_texts(f)


def test_meta_columns_are_not_texts(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "d.jsonl", [{"text": "a", "n": 3, "s": None}, {"text": "b", "n": 2.0, "s": "brandname"}])
    assert read_meta(f, ["n", "s"]) == [{"n": "3", "s": ""}, {"n": "2", "s": "brandname"}]
