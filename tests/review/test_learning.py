"""Learning from decisions: labelled examples from verdicts, a stable held-out split, retraining."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from review.learning import decision_examples, held_out
from review.models import AuditLog, Setting
from review.store import Store
from tests.review.factory import flagged


def test_decisions_become_labelled_examples_and_undone_ones_do_not(store: Store) -> None:
    scam = flagged(store, "Nạp thẻ cào nhận iphone, chuyển phí ship trước", "scam")
    ad = flagged(store, "Thuốc giảm cân thần tốc", "scam")
    fine = flagged(store, "Chợ phiên bán rau sạch", "scam", 0.6)
    good = flagged(store, "Thanh niên nhặt được ví trả lại người mất", "positive", 0.8)
    store.decide(scam, "lan", "violation")
    store.decide(ad, "lan", "violation", category="illegal_ad")
    store.decide(fine, "lan", "dismiss")
    store.decide(good, "lan", "commend")
    store.undo(scam, "lan", "chưa chắc")
    texts, labels = decision_examples(store)
    assert dict(zip(texts, map(tuple, labels), strict=True)) == {
        "Thuốc giảm cân thần tốc": ("illegal_ad",), "Chợ phiên bán rau sạch": (),
        "Thanh niên nhặt được ví trả lại người mất": ("positive",)}


def test_held_out_split_is_stable_and_about_a_fifth() -> None:
    texts = [f"văn bản số {i}" for i in range(2000)]
    assert [held_out(t) for t in texts] == [held_out(t) for t in texts]
    assert 300 < sum(map(held_out, texts)) < 500


@pytest.mark.slow
def test_train_from_decisions_compares_and_activates(store: Store, cfg: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # enough held-back decisions (12 + 12) for a real judgement, on a really refitted model
    _decided(store, 12, 12, "violation", "Nạp thẻ cào {} nhận iphone miễn phí, chuyển phí ship trước cho admin")
    _decided(store, 12, 12, "dismiss", "Chợ phiên cuối tuần số {} bán rau sạch cho bà con")
    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate"])
    out = capsys.readouterr().out
    assert "macro-F1" in out and "cũ (" in out and "mới (" in out and "CHƯA ĐỦ" not in out
    with store.session() as s:
        active = s.get(Setting, "active_model")
        audited = s.scalars(select(AuditLog.action).where(AuditLog.action == "model_activate")).all()
    if code == 0:
        assert active is not None and Path(active.value["path"]).exists() and audited == ["model_activate"]
    else:
        assert active is None and "KHÔNG kích hoạt" in out


# ------------------------------------------------------------------ a fair old-vs-new comparison
# The model is not really refitted here (seconds each): `fit` is replaced by a spy returning the bundled
# model, and `evaluate` is wrapped to record what each model is compared on.


class _Spy:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import classifier.train as train
        from classifier.scorer import Scorer

        self.trained: list[str] = []
        self.evaluated: list[list[str]] = []
        real_evaluate = train.evaluate
        spy = self

        class FakeModel:
            def scorer(self, rules: str | None = None) -> Scorer:
                return Scorer.load(None, rules)

            def save(self, path: str | Path) -> dict[str, object]:
                Path(path).write_bytes(b"fake model")
                return {"version": "fake-1"}

        def fit(texts, labels, **kw):  # type: ignore[no-untyped-def]
            spy.trained = list(texts)
            return FakeModel()

        def evaluate(scorer, texts, labels, **kw):  # type: ignore[no-untyped-def]
            spy.evaluated.append(list(texts))
            return real_evaluate(scorer, texts, labels, **kw)

        monkeypatch.setattr(train, "fit", fit)
        monkeypatch.setattr(train, "evaluate", evaluate)


def _seed_texts() -> list[str]:
    from classifier import model as model_io
    from classifier.model import Recipe
    from classifier.train import load_recipe_data

    recipe = Recipe.from_toml(model_io.DEFAULT_RECIPE)
    return [t for part in load_recipe_data(recipe, model_io.DEFAULT_RECIPE) for t in part.texts]


def _decided(store: Store, n_held: int, n_train: int, verdict: str, template: str) -> tuple[list[str], list[str]]:
    """`n_held` decided texts that are held back and `n_train` that are not; returns both lists."""
    held: list[str] = []
    train: list[str] = []
    i = 0
    while len(held) < n_held or len(train) < n_train:
        text = template.format(i)
        i += 1
        bucket = held if held_out(text) else train
        want = n_held if bucket is held else n_train
        if len(bucket) >= want:
            continue
        bucket.append(text)
        store.decide(flagged(store, text, "scam", 0.9 if verdict == "violation" else 0.6), "lan", verdict)
    return held, train


def test_old_and_new_are_compared_only_on_held_back_decisions(store: Store, cfg: Path, monkeypatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    spy = _Spy(monkeypatch)
    seed = _seed_texts()
    held_v, train_v = _decided(store, 12, 8, "violation", "Nạp thẻ cào đợt {} nhận iphone, chuyển phí ship trước")
    held_d, train_d = _decided(store, 12, 8, "dismiss", "Chợ phiên cuối tuần số {} bán rau sạch cho bà con")
    in_seed = next(t for t in seed if held_out(t) and t.strip() == t and "\n" not in t)
    store.decide(flagged(store, in_seed, "scam", 0.6), "lan", "dismiss")  # both models were trained on it

    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate"])
    out = capsys.readouterr().out
    held = set(held_v + held_d)
    assert len(spy.evaluated) == 2 and all(set(texts) == held for texts in spy.evaluated), out
    assert not held & set(seed)  # never a seed row: the model in use was trained on those
    assert not held & set(spy.trained)  # the new model never saw what it is judged on
    assert set(train_v + train_d) <= set(spy.trained) and set(seed) <= set(spy.trained)
    assert "giữ lại để so sánh: 24 quyết định" in out.lower() and "mẫu gốc không dùng để so sánh" in out
    assert "trên 24 quyết định giữ lại" in out
    # the same model on both sides: not worse, so it is activated
    assert code == 0, out
    with store.session() as s:
        active = s.get(Setting, "active_model")
    assert active is not None and active.value["held_out"] == 24 and active.value["forced"] is False


def test_too_few_held_back_decisions_refuse_activation_unless_forced(store: Store, cfg: Path, monkeypatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    spy = _Spy(monkeypatch)
    _decided(store, 6, 10, "violation", "Nạp thẻ cào đợt {} nhận iphone, chuyển phí ship trước")
    _decided(store, 3, 10, "dismiss", "Chợ phiên cuối tuần số {} bán rau sạch cho bà con")

    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "CHƯA ĐỦ DỮ LIỆU ĐỂ ĐÁNH GIÁ" in out and "cần ít nhất 20 quyết định giữ lại" in out
    assert "KHÔNG kích hoạt" in out and "--force" in out
    assert all(len(texts) == 9 for texts in spy.evaluated)
    with store.session() as s:
        assert s.get(Setting, "active_model") is None
        assert s.scalars(select(AuditLog).where(AuditLog.action == "model_activate")).all() == []

    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--activate", "--force"])
    out = capsys.readouterr().out
    assert code == 0 and "theo --force" in out, out
    with store.session() as s:
        active = s.get(Setting, "active_model")
        [audit] = s.scalars(select(AuditLog).where(AuditLog.action == "model_activate")).all()
    assert active is not None and active.value["forced"] is True and audit.details["model"]["forced"] is True


def test_force_needs_activate(store: Store, cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", "--force"]) == 2
    assert "--force" in capsys.readouterr().err
