"""`label` and `flags` never contradict each other for per-category models; a joint exclusive model keeps its
tuned argmax label (what the benchmarks measure), flagged or not."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from classifier.dataset import read_labelled
from classifier.model import CLEAN
from classifier.result import ScoreResult
from classifier.scorer import Scorer
from classifier.train import TrainedModel, fit
from crawler.cli import main
from tests.classifier.conftest import FIXTURES, SMALL, defaults_config

# Ordinary and borderline comments on which the bundled model's weighted argmax once disagreed with its flags:
# "clean" next to a flag, or a category nothing flagged.
BORDERLINE = [
    "Thằng ngu này nói gì vậy",
    "Anh ấy đã cứu cháu bé rơi xuống sông",
    "Bán sim số đẹp giá rẻ liên hệ",
    "Thằng ad này đầu đéo có não . Bác thăng có phải siêu nhân đéo đâu",
    "Nó thích mày lắm rồi 🙂",
    "thì ra là vậy",
    "A Tuân là chồng tui nha, cấm ai giựt",
    "-_- Cái gì của VN nó cũng thối tha vậy cả !",
    "Hôm nay trời đẹp, cả nhà đi chơi công viên",
    "Bạn đã trúng thưởng 100 triệu, vui lòng bấm vào link để nhận",
]
SCAM = "chuyển khoản trước 1 triệu phí giữ chỗ"


def _consistent(res: ScoreResult) -> bool:
    return res.label in res.flags if res.flags else res.label == CLEAN


def test_default_model_label_is_one_of_its_flags_or_clean(default_scorer: Scorer) -> None:
    assert not default_scorer.joint_label  # exclusive seed labels, but one-vs-rest models (multinomial = false)
    results = default_scorer.score_many(BORDERLINE)
    assert any(r.flags for r in results) and any(not r.flags for r in results)
    for text, res in zip(BORDERLINE, results, strict=True):
        assert _consistent(res), (text, res.label, res.flags, res.scores)


def test_classify_from_stdin_never_labels_against_its_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a moderator's tool reads: `canhgac classify --input -`, one text a line, the bundled model."""
    monkeypatch.chdir(tmp_path)  # no canhgac.toml here: built-in defaults
    monkeypatch.setenv("CANHGAC_CONFIG", str(defaults_config(tmp_path)))
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(BORDERLINE) + "\n"))
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", "-", "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(BORDERLINE)
    for r in rows:
        assert (r["label"] in r["flags"]) if r["flags"] else r["label"] == CLEAN, (BORDERLINE[r["row"]], r)


def test_default_model_label_is_the_flag_with_the_largest_weighted_score(default_scorer: Scorer) -> None:
    """Among several flags the card's label weights decide, as the tuned label does; clean's weight cannot
    make a flagged text "clean"."""
    text = "Thằng ngu này nói gì vậy"
    res = default_scorer.score(text)
    assert res.flags and res.label in res.flags
    kept = dict(default_scorer.label_weights)
    try:
        default_scorer.label_weights = {**kept, CLEAN: 1e6}
        assert default_scorer.score(text).label == res.label
        flags = ("offensive", "hate")
        default_scorer.thresholds, thresholds = {c: 1e-9 for c in default_scorer.categories}, default_scorer.thresholds
        try:
            several = default_scorer.score(text)
            assert set(flags) <= set(several.flags)
            for favoured in flags:
                default_scorer.label_weights = {c: (1e6 if c == favoured else 1e-6) for c in kept}
                assert default_scorer.score(text).label == favoured
        finally:
            default_scorer.thresholds = thresholds
    finally:
        default_scorer.label_weights = kept


@pytest.fixture(scope="module")
def one_vs_rest_exclusive() -> TrainedModel:
    d = read_labelled(str(FIXTURES / "mini.jsonl"), "text", "labels")
    model = fit(d.texts, d.labels, recipe=replace(SMALL, multinomial=False), data_info=[d.info()], name="ovr")
    assert model.card["exclusive"]
    return model


def test_one_vs_rest_exclusive_model_labels_clean_when_nothing_is_flagged(one_vs_rest_exclusive: TrainedModel
                                                                         ) -> None:
    scorer = one_vs_rest_exclusive.scorer()
    assert not scorer.joint_label
    assert scorer.score(SCAM).label == "scam"
    scorer.thresholds = {c: 1.0 for c in scorer.categories}  # nothing reaches its threshold
    res = scorer.score(SCAM)
    assert res.flags == () and res.label == CLEAN, res.scores


def test_joint_exclusive_model_keeps_the_weighted_argmax_label_even_unflagged(mini_model: TrainedModel) -> None:
    """The benchmarks measure this label (ViHSD macro-F1, ViCTSD F1): it stays the argmax of weight × probability
    over the classes, clean included, whatever the thresholds say."""
    scorer = mini_model.scorer()
    assert scorer.joint_label
    texts = [SCAM, "đồ ngu như chó", "chào bạn, hẹn gặp lại nhé", "hẹn gặp lại, chuyển khoản nhé"]
    scorer.thresholds = {c: 1.0 for c in scorer.categories}
    P = mini_model.pipeline.predict_proba(texts)
    classes = [str(c) for c in mini_model.pipeline.named_steps["clf"].classes_]
    weights = np.array([scorer.label_weights.get(c, 1.0) for c in classes])
    expected = [classes[i] for i in np.argmax(P * weights, axis=1)]
    results = scorer.score_many(texts)
    assert [r.label for r in results] == expected
    assert all(r.flags == () for r in results)
    assert any(r.label != CLEAN for r in results)  # a label without a flag: the benchmarks' reading
