"""Files that are not the CSV canhgac expects, as officers really have them: a plain text file given to
`classify --input` (one huge line, or a text per line), and CSVs saved by Excel in a Vietnamese locale, which
separates fields with ';' (or tabs for "Unicode Text")."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from classifier.dataset import DataError, read_labelled, read_meta, read_texts
from crawler.cli import main
from tests.classifier.conftest import defaults_config

FIX = Path(__file__).parent / "fixtures"
SENTENCE = "Người dân cần cảnh giác với các cuộc gọi mạo danh cơ quan công an, yêu cầu chuyển khoản để xác minh. "


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no canhgac.toml here: built-in defaults
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def _one_line_error(argv: list[str], capsys: pytest.CaptureFixture[str], *parts: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err[:2000]
    for part in parts:
        assert part in err, (part, err[:2000])
    return err


# ------------------------------------------------------------------------------------------- plain text files
def test_one_huge_line_is_not_printed_back_as_the_column_list(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.txt"
    big.write_text(SENTENCE * (4 * 1024 * 1024 // len(SENTENCE.encode("utf-8")) + 1), encoding="utf-8")
    assert big.stat().st_size > 4 * 1024 * 1024
    err = _one_line_error(["classify", "--input", str(big)], capsys, str(big), "không có cột 'text'",
                          "văn bản thường", "--input -", "…")
    assert len(err) < 1000


def test_a_text_per_line_file_gets_the_hint_and_the_hint_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "tin.txt"
    body = "Trúng thưởng 50 triệu bấm link nhận quà ngay\nHôm nay trời đẹp quá\nHọp phụ huynh lúc 5 giờ\n"
    notes.write_text(body, encoding="utf-8")
    _one_line_error(["classify", "--input", str(notes)], capsys, "không có cột 'text'", "văn bản thường",
                    "Trúng thưởng 50 triệu", "--input -", f"< {notes}")
    # what the hint says is true: each line through --input - is one text
    monkeypatch.setattr("sys.stdin", io.StringIO(notes.read_text(encoding="utf-8")))
    assert main(["classify", "--input", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["row"] for r in rows] == [0, 1, 2]


def test_training_on_a_plain_text_file_is_not_told_about_classify_stdin(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "tin.txt"
    notes.write_text("Trúng thưởng 50 triệu bấm link nhận quà ngay\nHôm nay trời đẹp quá\n", encoding="utf-8")
    err = _one_line_error(["train", "--data", str(notes), "--out", str(tmp_path / "m.skops")], capsys,
                          "không có cột 'text'", "văn bản thường", "dòng tiêu đề")
    assert "--input -" not in err


def test_a_wide_header_is_shown_shortened(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    names = [f"cot_{i}_" + "x" * 80 for i in range(60)]
    wide.write_text(",".join(names) + "\n" + ",".join("1" for _ in names) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_texts(str(wide))
    msg = str(info.value)
    assert "cot_0_" in msg and "cot_59_" not in msg and "60 cột" in msg and "…" in msg
    assert "x" * 60 not in msg and len(msg) < 1000
    assert "văn bản thường" not in msg  # a real header: no plain-text hint


def test_a_short_header_without_the_column_is_listed_as_before(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("free_text,label_id\nxin chào,0\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"không có cột 'text' \(tệp có các cột: free_text, label_id\)$"):
        read_labelled(str(data), "text", "labels")


# ------------------------------------------------------------------------------------------------ separators
def _excel_semicolon_csv(path: Path) -> list[dict[str, object]]:
    """mini.jsonl as Excel (Vietnamese locale) saves it: BOM, ';' between fields, CRLF, commas unquoted."""
    rows = [json.loads(line) for line in (FIX / "mini.jsonl").read_text(encoding="utf-8").splitlines()]
    lines = ["text;labels"] + [f"{r['text']};{'|'.join(r['labels']) or 'clean'}" for r in rows]  # type: ignore[arg-type]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return rows


def test_semicolon_csv_is_read_correctly(tmp_path: Path) -> None:
    data = tmp_path / "excel.csv"
    rows = _excel_semicolon_csv(data)
    got = read_labelled(str(data), "text", "labels")
    assert got.texts == [r["text"] for r in rows]
    assert any("," in t for t in got.texts)
    assert got.labels == [r["labels"] for r in rows]
    assert got.lines == tuple(range(2, len(rows) + 2))
    assert read_texts(str(data)) == got.texts


def test_train_evaluate_classify_read_a_semicolon_csv(tmp_path: Path, mini_model_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "excel.csv"
    rows = _excel_semicolon_csv(data)
    recipe = tmp_path / "r.toml"
    recipe.write_text("min_df = 1\ncv_folds = 0\ncalibration_folds = 2\n", encoding="utf-8")
    out = tmp_path / "m.skops"
    assert main(["train", "--data", str(data), "--recipe", str(recipe), "--no-cv", "--out", str(out)]) == 0, \
        capsys.readouterr().err
    card = json.loads(out.with_suffix(".card.json").read_text(encoding="utf-8"))
    assert sorted(card["categories"]) == ["offensive", "scam"]
    capsys.readouterr()
    assert main(["evaluate", "--model", str(mini_model_path), "--data", str(data), "--json"]) == 0, \
        capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["rows"] == len(rows)
    inp = tmp_path / "in.csv"
    inp.write_text("stt;text\n1;Trúng thưởng 50 triệu, bấm link nhận quà\n2;Hôm nay trời đẹp, đi chơi thôi\n",
                   encoding="utf-8")
    assert main(["classify", "--model", str(mini_model_path), "--input", str(inp)]) == 0, capsys.readouterr().err
    assert [json.loads(line)["row"] for line in capsys.readouterr().out.splitlines()] == [0, 1]


def test_tab_separated_file_is_read(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text\tlabels\tsender_type\nChuyển khoản trước, nhận quà\tscam\tpersonal\nxin chào\t\tbank\n",
                    encoding="utf-8")
    got = read_labelled(str(data), "text", "labels")
    assert got.texts == ["Chuyển khoản trước, nhận quà", "xin chào"] and got.labels == [["scam"], []]
    assert read_meta(str(data), ["sender_type"]) == [{"sender_type": "personal"}, {"sender_type": "bank"}]


def test_comma_csv_whose_texts_hold_semicolons_stays_comma(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text,labels\nChuyển khoản; nhận quà,scam\n\"a;b;c\",clean\n", encoding="utf-8")
    got = read_labelled(str(data), "text", "labels")
    assert got.texts == ["Chuyển khoản; nhận quà", "a;b;c"] and got.labels == [["scam"], []]


def test_semicolon_csv_errors_keep_their_lines(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text;labels\nChuyển khoản, nhận quà;scam\nthiếu ô\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"^{data}:3: dòng CSV sai cấu trúc: có 1 ô, ít hơn dòng tiêu đề \(2 ô\)"):
        read_labelled(str(data), "text", "labels")


def test_semicolon_csv_without_the_column_says_which_separator(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    data.write_text("noi_dung;nhan\nChuyển khoản, nhận quà;scam\n", encoding="utf-8")
    _one_line_error(["evaluate", "--data", str(data)], capsys, "không có cột 'text'",
                    "có vẻ tệp dùng dấu ';' làm dấu phân cách", "tệp có các cột: noi_dung, nhan")
