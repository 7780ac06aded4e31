import json
from pathlib import Path

import pytest

from classifier.model import ModelError, card_path, load
from classifier.train import TrainedModel, evaluate


def test_card_contents(mini_model_path: Path) -> None:
    card = json.loads(card_path(mini_model_path).read_text(encoding="utf-8"))
    for key in ("data", "sizes", "sklearn_version", "git_commit", "metrics", "thresholds", "model_sha256", "recipe"):
        assert key in card
    assert card["categories"] == ["scam", "offensive"]
    assert card["data"][0]["sha256"]


def test_roundtrip(mini_model_path: Path) -> None:
    pipeline, card = load(mini_model_path)
    assert pipeline.predict_proba(["chuyển khoản trước"]).shape == (1, 3)


def test_tampered_file_is_refused(mini_model_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "m.skops"
    data = bytearray(mini_model_path.read_bytes())
    data[-10] ^= 0xFF
    bad.write_bytes(bytes(data))
    card_path(bad).write_text(card_path(mini_model_path).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ModelError, match="không khớp với thẻ của nó"):
        load(bad)


def test_tampered_card_or_missing_card_is_refused(mini_model_path: Path, tmp_path: Path) -> None:
    m = tmp_path / "m.skops"
    m.write_bytes(mini_model_path.read_bytes())
    with pytest.raises(ModelError, match="không tìm thấy thẻ mô hình"):
        load(m)
    card = json.loads(card_path(mini_model_path).read_text(encoding="utf-8"))
    card["sklearn_version"] = "0.1.0"
    card_path(m).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="scikit-learn"):
        load(m)


def test_untrusted_type_is_refused(tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from classifier.model import save

    p = tmp_path / "evil.skops"
    save(Pipeline([("f", FunctionTransformer(print))]), {"sklearn_version": __import__("sklearn").__version__}, p)
    assert sio.get_untrusted_types(file=p)
    with pytest.raises(ModelError, match="không tin cậy"):
        load(p)


def test_evaluate_returns_report(mini_model: TrainedModel) -> None:
    rep = evaluate(mini_model, ["chuyển khoản trước 1 triệu phí giữ chỗ", "trời đẹp quá"], [["scam"], []])
    assert set(rep) >= {"per_class", "macro_f1", "confusion"}
    assert rep["confusion"]["labels"] == ["clean", "scam", "offensive"]


@pytest.mark.parametrize("edit", ["rename", "remove", "missing", "duplicate", "reorder"])
def test_card_categories_must_match_the_model(tmp_path: Path, edit: str) -> None:
    import json
    import shutil

    from classifier.model import DEFAULT_MODEL, ModelError, card_path, load

    model = tmp_path / "m.skops"
    shutil.copy(DEFAULT_MODEL, model)
    card = json.loads(card_path(DEFAULT_MODEL).read_text(encoding="utf-8"))
    cats = card["categories"]
    if edit == "rename":
        card["categories"] = ["tin_gia", *cats[1:]]
    elif edit == "remove":
        card["categories"] = cats[:-1]
    elif edit == "missing":
        del card["categories"]
    elif edit == "reorder":  # one-vs-rest outputs are numbered: only the stored names catch a swap
        card["categories"] = [cats[1], cats[0], *cats[2:]]
    else:
        card["categories"] = [cats[0], *cats[:-1]]
    card_path(model).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="không khớp với mô hình|'categories' phải là danh sách"):
        load(model)


def test_user_model_card_reordered_by_hand_is_refused(mini_model_path: Path, tmp_path: Path) -> None:
    m = tmp_path / "m.skops"
    m.write_bytes(mini_model_path.read_bytes())
    card = json.loads(card_path(mini_model_path).read_text(encoding="utf-8"))
    card_path(m).write_text(json.dumps(card), encoding="utf-8")
    load(m)  # unchanged: loads
    card["categories"] = card["categories"][::-1]  # ["offensive", "scam"]: scam's scores would show as offensive
    card_path(m).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="đúng thứ tự này"):
        load(m)
