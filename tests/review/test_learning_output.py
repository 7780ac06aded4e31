"""`canhgac train --from-decisions` honours --out (the model is written there, and --activate activates that
file) and --no-cv; it never overwrites the model in use, and refuses the options of training from files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from review.models import AuditLog, Setting
from review.store import Store
from tests.review.factory import flagged


class _FastFit:
    """`classifier.train.fit` stand-in (a real refit takes minutes): records its options and returns the
    bundled model, so the comparison and the activation run for real."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import classifier.train as train
        from classifier.scorer import Scorer

        self.calls: list[dict[str, object]] = []
        spy = self

        class Model:
            def scorer(self, rules: str | None = None) -> Scorer:
                return Scorer.load(None, rules)

            def save(self, path: str | Path) -> dict[str, object]:
                Path(path).write_bytes(b"retrained model")
                return {"version": "retrained-1"}

        def fit(texts, labels, **kw):  # type: ignore[no-untyped-def]
            spy.calls.append(kw)
            return Model()

        monkeypatch.setattr(train, "fit", fit)


def _decisions(store: Store) -> None:
    for i in range(6):
        store.decide(flagged(store, f"Nạp thẻ cào đợt {i} nhận iphone, chuyển phí ship trước", "scam"), "lan",
                     "violation")
        store.decide(flagged(store, f"Chợ phiên cuối tuần số {i} bán rau sạch", "scam", 0.6), "lan", "dismiss")


def _run(cfg: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(cfg), "--as", "lan", "train", "--from-decisions", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_out_is_where_the_model_goes_and_what_is_activated(store: Store, cfg: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    spy = _FastFit(monkeypatch)
    _decisions(store)
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(cfg, capsys, "--no-cv", "--out", "fd.skops")
    assert code == 0, err
    target = (tmp_path / "fd.skops").resolve()
    assert target.read_bytes() == b"retrained model" and str(target) in out
    assert not (cfg.parent / "models").exists()  # nothing written to the default place
    assert spy.calls[-1]["cv"] is False

    code, out, err = _run(cfg, capsys, "--out", "fd2.skops", "--activate", "--force")
    assert code == 0, out + err
    assert spy.calls[-1]["cv"] is True
    with store.session() as s:
        active = s.get(Setting, "active_model")
        [audit] = s.scalars(select(AuditLog).where(AuditLog.action == "model_activate")).all()
    assert active is not None and active.value["path"] == str((tmp_path / "fd2.skops").resolve())
    assert audit.details["model"]["path"] == active.value["path"]

    # the model in use is never overwritten, whatever the outcome of the comparison would be
    code, _, err = _run(cfg, capsys, "--out", str(tmp_path / "fd2.skops"))
    assert code == 2 and "mô hình đang được sử dụng" in err
    assert (tmp_path / "fd2.skops").read_bytes() == b"retrained model"
    assert len(spy.calls) == 2


def test_file_training_options_are_refused_with_from_decisions(store: Store, cfg: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(cfg, capsys, "--data", "x.csv", "--label-map", "0=clean")
    assert code == 2 and "--data, --label-map không dùng cùng --from-decisions" in err


def test_activation_by_someone_not_a_moderator_is_refused_before_training(
        store: Store, cfg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    spy = _FastFit(monkeypatch)
    _decisions(store)
    code = main(["--config", str(cfg), "--as", "khach", "train", "--from-decisions", "--activate", "--force"])
    assert code == 2 and "không phải cán bộ duyệt" in capsys.readouterr().err
    assert spy.calls == []


def test_out_in_a_missing_folder_is_refused_before_training(store: Store, cfg: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Like `train --data`: a folder that does not exist is not created, and no minutes of training are spent
    on a model that cannot be saved; a folder where the card goes is refused as well."""
    spy = _FastFit(monkeypatch)
    _decisions(store)
    code, _, err = _run(cfg, capsys, "--out", str(tmp_path / "khong-co" / "fd.skops"))
    assert code == 2 and "không tồn tại" in err and "Traceback" not in err, err
    assert not (tmp_path / "khong-co").exists() and spy.calls == []
    (tmp_path / "fd.card.json").mkdir()
    code, _, err = _run(cfg, capsys, "--out", str(tmp_path / "fd.skops"))
    assert code == 2 and "thư mục" in err and spy.calls == [], err
