import json
from pathlib import Path

import pytest

from crawler.cli import main
from tests.classifier.conftest import defaults_config

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no canhgac.toml here: built-in defaults
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))


def test_train_classify_evaluate_exclusive_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe = tmp_path / "r.toml"
    recipe.write_text("min_df = 1\ncv_folds = 3\ncalibration_folds = 2\nmax_word_features = 3000\n"
                      "max_char_features = 3000\n", encoding="utf-8")
    out = tmp_path / "hsd.skops"
    assert main(["train", "--data", str(FIX / "vihsd_like.csv"), "--text-column", "free_text", "--label-column",
                 "label_id", "--label-map", "0=clean,1=offensive,2=hate", "--recipe", str(recipe),
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "offensive" in text and "hate" in text and "macro-F1" in text
    assert "Phương pháp: kiểm định chéo 3 phần trên toàn bộ quy trình;" in text  # told in Vietnamese
    inp = tmp_path / "in.csv"
    inp.write_text("text\nĐồ ngu như chó\nHôm nay trời đẹp quá\n", encoding="utf-8")
    assert main(["classify", "--model", str(out), "--input", str(inp)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["row"] for r in rows] == [0, 1]
    assert set(rows[0]["scores"]) == {"offensive", "hate"}
    assert rows[0]["label"] in ("clean", "offensive", "hate")
    for key in ("flags", "evidence", "locality", "model"):
        assert key in rows[0]
    assert main(["evaluate", "--model", str(out), "--data", str(FIX / "vihsd_like.csv"), "--text-column", "free_text",
                 "--label-column", "label_id", "--label-map", "0=clean,1=offensive,2=hate", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["macro_f1"] > 0.5 and rep["confusion"]["labels"] == ["clean", "hate", "offensive"]
    assert main(["evaluate", "--model", str(out), "--data", str(FIX / "vihsd_like.csv"), "--text-column", "free_text",
                 "--label-column", "label_id", "--label-map", "0=clean,1=offensive,2=hate"]) == 0
    shown = capsys.readouterr().out
    assert "Ma trận nhầm lẫn" in shown and "Phương pháp: mô hình một nhãn: nhãn dự đoán so với nhãn duy nhất" in shown


def test_classify_default_model_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"text": "Trúng thưởng 50 triệu, chuyển khoản trước phí nhận thưởng ở TP.HCM"},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    outp = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(inp), "--output", str(outp)]) == 0
    row = json.loads(outp.read_text(encoding="utf-8"))
    assert row["label"] == "scam" and "scam" in row["flags"]
    assert "Thành phố Hồ Chí Minh" in row["locality"]
    assert row["model"].startswith("canhgac-default")


@pytest.mark.parametrize("argv,msg", [
    (["classify", "--input", "nope.csv"], "không tìm thấy tệp dữ liệu: nope.csv"),
    (["classify", "--model", "nope.skops", "--input", "-"], "không tìm thấy mô hình"),
    (["train", "--data", "nope.csv", "--out", "m.skops"], "không tìm thấy tệp dữ liệu: nope.csv"),
    (["train", "--out", "m.skops"], "cần --data"),
])
def test_user_errors_are_one_line(argv: list[str], msg: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_malformed_csv_and_missing_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('text,labels\n"unterminated,scam\n', encoding="utf-8")
    assert main(["train", "--data", str(bad), "--out", str(tmp_path / "m.skops")]) == 2
    assert "bad.csv" in capsys.readouterr().err
    assert main(["train", "--data", str(FIX / "vihsd_like.csv"), "--out", str(tmp_path / "m.skops")]) == 2
    assert "không có cột 'text' (tệp có các cột: free_text, label_id)" in capsys.readouterr().err


def _sms_csv(path: Path) -> None:
    import csv

    # the same words from both senders: only sender_type tells the scam from the bank's notice
    rows = [(f"Quy khach nhan 50 trieu tai link so {i}", "1", "personal_number") for i in range(6)]
    rows += [(f"Quy khach nhan 50 trieu tai link so {i}", "0", "brandname") for i in range(6)]
    rows += [(f"Hen gap ban luc {i} gio nhe", "0", "personal_number") for i in range(6)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["content", "label", "sender_type"])
        w.writerows(rows)


def test_meta_column_reaches_the_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "sms.csv"
    _sms_csv(data)
    recipe = tmp_path / "r.toml"
    recipe.write_text("min_df = 1\ncv_folds = 0\ncalibration_folds = 2\nshape = true\nsegment = false\n",
                      encoding="utf-8")
    out = tmp_path / "sms.skops"
    common = ["--text-column", "content", "--meta-column", "sender_type"]
    assert main(["train", "--data", str(data), "--label-column", "label", "--label-map", "0=clean,1=scam",
                 "--recipe", str(recipe), "--out", str(out), *common]) == 0
    card = json.loads(out.with_suffix(".card.json").read_text(encoding="utf-8"))
    assert card["meta_keys"] == ["sender_type"]
    capsys.readouterr()
    inp = tmp_path / "in.csv"
    inp.write_text("content,sender_type\nQuy khach nhan 50 trieu tai link,personal_number\n"
                   "Quy khach nhan 50 trieu tai link,brandname\n", encoding="utf-8")
    assert main(["classify", "--model", str(out), "--input", str(inp), *common]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # same text, different sender: only the metadata differs, and the model reads it
    assert rows[0]["scores"]["scam"] > rows[1]["scores"]["scam"]
    assert main(["classify", "--model", str(out), "--input", str(inp), "--text-column", "content"]) == 0
    plain = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert plain[0]["scores"] == plain[1]["scores"]  # without --meta-column the model sees no sender
    assert main(["evaluate", "--model", str(out), "--data", str(data), "--label-column", "label", "--label-map",
                 "0=clean,1=scam", "--json", *common]) == 0
    assert json.loads(capsys.readouterr().out)["macro_f1"] > 0.8


def test_meta_column_refused_where_the_model_reads_no_metadata(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "sms.csv"
    _sms_csv(data)
    recipe = tmp_path / "plain.toml"
    recipe.write_text("min_df = 1\ncv_folds = 0\nshape = false\n", encoding="utf-8")
    plain = tmp_path / "plain.skops"
    assert main(["train", "--data", str(data), "--text-column", "content", "--label-column", "label",
                 "--label-map", "0=clean,1=scam", "--recipe", str(recipe), "--out", str(plain)]) == 0
    capsys.readouterr()
    assert main(["classify", "--model", str(plain), "--input", str(data), "--text-column", "content",
                 "--meta-column", "sender_type"]) != 0
    assert "shape" in capsys.readouterr().err
    assert main(["train", "--data", str(data), "--text-column", "content", "--label-column", "label",
                 "--meta-column", "sender_type", "--recipe", str(recipe), "--out", str(tmp_path / "m.skops")]) != 0
    assert "shape" in capsys.readouterr().err


def test_classify_evidence_offsets_index_the_file_text_even_when_nfd(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Vui lòng chuyển khoản trước 500k vào tài khoản 0123456789 để nhận quà")
    inp = tmp_path / "nfd.jsonl"
    inp.write_text(json.dumps({"text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["classify", "--input", str(inp)]) == 0
    row = json.loads(capsys.readouterr().out)
    spans = [e for e in row["evidence"] if e["end"] > e["start"]]
    assert spans
    for e in spans:  # the evidence names what is at its offsets in the text as the file holds it
        shown = unicodedata.normalize("NFC", text[e["start"]:e["end"]]).lower()
        assert unicodedata.normalize("NFC", e["text"]).lower() in shown or shown in unicodedata.normalize(
            "NFC", e["text"]).lower(), (e, shown)


def test_classify_stdin_keeps_blank_lines_as_rows(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("xin chào\n\nChuyển khoản trước 500k vào tk 0123456789\n"))
    assert main(["classify", "--input", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["row"] for r in rows] == [0, 1, 2]
    assert rows[1]["flags"] == [] and rows[2]["scores"]["scam"] > rows[0]["scores"]["scam"]


# ------------------------------------------------------------------------------------- bad input: one-line errors
def _one_line_error(argv: list[str], capsys: pytest.CaptureFixture[str], *parts: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for part in parts:
        assert part in err, (part, err)
    return err


def test_train_refuses_values_missing_from_the_label_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    data.write_text("free_text,label_id\nĐồ ngu như chó,1\nHôm nay trời đẹp,0\nThằng khốn nạn,3\n", encoding="utf-8")
    out = tmp_path / "m.skops"
    _one_line_error(["train", "--data", str(data), "--text-column", "free_text", "--label-column", "label_id",
                     "--label-map", "0=clean,1=offensive,2=hate", "--no-cv", "--out", str(out)], capsys,
                    f"{data}:4:", "'3'")
    assert not out.exists()
    _one_line_error(["train", "--data", str(data), "--text-column", "free_text", "--label-column", "label_id",
                     "--label-map", "0=clean,0=scam,1=offensive,3=hate", "--out", str(out)], capsys, "--label-map ghi '0' hai lần")


def test_card_categories_are_lowercase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    rows = [{"text": t, "labels": "Scam "} for t in ("Chuyển khoản trước 500k phí giữ chỗ", "Trúng thưởng iPhone bấm link",
                                                       "Nạp tiền trước nhận hoa hồng", "Xác minh tài khoản tại link")]
    rows += [{"text": t, "labels": "CLEAN"} for t in ("Trời đẹp quá", "Họp phụ huynh lúc 5 giờ", "Quán phở ngon",
                                                        "Đọc sách mỗi ngày")]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    recipe = tmp_path / "r.toml"
    recipe.write_text("min_df = 1\ncv_folds = 0\ncalibration_folds = 2\n", encoding="utf-8")
    out = tmp_path / "m.skops"
    assert main(["train", "--data", str(data), "--recipe", str(recipe), "--out", str(out)]) == 0
    card = json.loads(out.with_suffix(".card.json").read_text(encoding="utf-8"))
    assert card["categories"] == ["scam"]


@pytest.mark.parametrize("line,message", [
    ("word_ngrams = 2", "word_ngrams phải là danh sách 2 số nguyên"),
    ('cv_folds = "five"', "cv_folds phải là số nguyên"),
    ("segment = 1", "segment phải là true hoặc false"),
    ('C_grid = [1, "x"]', "C_grid phải là danh sách số"),
])
def test_recipe_value_types_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str,
                                        message: str) -> None:
    recipe = tmp_path / "r.toml"
    recipe.write_text(f"min_df = 1\n{line}\n", encoding="utf-8")
    _one_line_error(["train", "--data", str(FIX / "vihsd_like.csv"), "--text-column", "free_text",
                     "--label-column", "label_id", "--label-map", "0=clean,1=offensive,2=hate", "--recipe",
                     str(recipe), "--out", str(tmp_path / "m.skops")], capsys, str(recipe), message)


def test_recipe_integers_are_accepted_for_floats(tmp_path: Path) -> None:
    from classifier.model import Recipe

    recipe = tmp_path / "r.toml"
    recipe.write_text("C = 2\nC_grid = [1, 0.5]\nword_ngrams = [1, 3]\n", encoding="utf-8")
    r = Recipe.from_toml(recipe)
    assert r.C == 2.0 and isinstance(r.C, float) and r.C_grid == (1.0, 0.5) and r.word_ngrams == (1, 3)


def test_train_refuses_short_csv_rows_and_empty_positive_texts(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    short = tmp_path / "short.csv"
    short.write_text("text,labels\nTrúng thưởng bấm link,scam\nChuyển khoản trước\n", encoding="utf-8")
    _one_line_error(["train", "--data", str(short), "--out", str(tmp_path / "m.skops")], capsys, f"{short}:3:")
    empty = tmp_path / "empty.csv"
    empty.write_text("text,labels\nTrúng thưởng bấm link,scam\n,scam\n", encoding="utf-8")
    _one_line_error(["train", "--data", str(empty), "--out", str(tmp_path / "m.skops")], capsys, f"{empty}:3:",
                    "văn bản trống nhưng có nhãn scam")
    dup = tmp_path / "dup.csv"
    dup.write_text("text,labels,labels\nTrúng thưởng bấm link,scam,clean\n", encoding="utf-8")
    _one_line_error(["train", "--data", str(dup), "--out", str(tmp_path / "m.skops")], capsys, f"{dup}:1:",
                    "cột 'labels' xuất hiện hai lần")


def test_classify_jsonl_text_types(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"text": "xin chào"}\n{"text": null}\n{"text": ""}\n', encoding="utf-8")
    assert main(["classify", "--input", str(inp)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["row"] for r in rows] == [0, 1, 2] and rows[1]["flags"] == []
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "xin chào"}\n{"text": {"body": "Trúng thưởng"}}\n', encoding="utf-8")
    _one_line_error(["classify", "--input", str(bad)], capsys, f"{bad}:2:", "trường văn bản 'text'", "đối tượng")


def test_evaluate_refuses_labels_the_model_does_not_know(tmp_path: Path, mini_model_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text,labels\nTrời đẹp quá,clean\nChuyển khoản trước 500k,scam\nĐồ ngu,Offensive\n"
                    "Tin đồn thất thiệt,misinformation\nNói xấu,hate\n", encoding="utf-8")
    err = _one_line_error(["evaluate", "--model", str(mini_model_path), "--data", str(data)], capsys,
                          f"{data}:5:", "hate", "misinformation", "--label-map")
    assert "offensive" not in err.split("(")[0]  # "Offensive" is the model's "offensive"


def test_evaluate_exclusive_model_refuses_a_row_with_several_labels(tmp_path: Path, mini_model_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text,labels\nTrời đẹp quá,clean\nChuyển khoản trước đồ ngu,scam|offensive\n", encoding="utf-8")
    _one_line_error(["evaluate", "--model", str(mini_model_path), "--data", str(data)], capsys, f"{data}:3:",
                    "exclusive")


def test_evaluate_multilabel_model_scores_every_label_per_category(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    mini = (FIX / "mini.jsonl").read_text(encoding="utf-8").splitlines()
    both = [{"text": "Chuyển khoản trước 500k đi thằng óc chó", "labels": ["scam", "offensive"]},
            {"text": "Đồ ngu, nạp tiền trước nhận hoa hồng", "labels": "offensive|scam"}]
    data = tmp_path / "multi.jsonl"
    data.write_text("\n".join(mini + [json.dumps(r, ensure_ascii=False) for r in both]) + "\n", encoding="utf-8")
    recipe = tmp_path / "r.toml"
    recipe.write_text("min_df = 1\ncv_folds = 0\ncalibration_folds = 2\n", encoding="utf-8")
    out = tmp_path / "multi.skops"
    assert main(["train", "--data", str(data), "--recipe", str(recipe), "--out", str(out)]) == 0
    assert json.loads(out.with_suffix(".card.json").read_text(encoding="utf-8"))["exclusive"] is False
    capsys.readouterr()
    assert main(["evaluate", "--model", str(out), "--data", str(data), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["mode"] == "multilabel" and "binary" in rep["method"]
    # both labels of the two multi-label rows count: 6 + 2 of each category
    assert {c: m["support"] for c, m in rep["per_class"].items()} == {"scam": 8, "offensive": 8}
    for c, m in rep["per_class"].items():
        (tn, fp), (fn, tp) = rep["confusion"]["per_category"][c]
        assert tp + fn == m["support"] and tn + fp + fn + tp == rep["rows"] == 22
    assert rep["macro_f1"] == pytest.approx(sum(m["f1"] for m in rep["per_class"].values()) / 2, abs=1e-3)
    assert main(["evaluate", "--model", str(out), "--data", str(data)]) == 0
    text = capsys.readouterr().out
    assert "bài toán hai lớp" in text and "gắn cờ đúng" in text
