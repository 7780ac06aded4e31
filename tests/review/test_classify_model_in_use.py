"""`canhgac classify` without --model scores with the model in use, the one `canhgac status` names and the crawler
scores with: after `train --from-decisions --activate`, the activated model, not `[classifier] model` or the
bundled one (before, a moderator checking a text after an activation got the old model's answer)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from review.models import Setting
from review.store import Store
from review.types import utcnow

TEXT = "Chúc mừng bạn trúng thưởng xe SH, nộp phí 3.500.000đ vào tài khoản bên dưới để nhận giải"


def _office_model(tmp_path: Path) -> Path:
    """The bundled model under another name and version (a card's version may be edited by hand)."""
    from classifier.model import DEFAULT_MODEL

    src = Path(DEFAULT_MODEL)
    dst = tmp_path / "office.skops"
    shutil.copyfile(src, dst)
    card = json.loads(src.with_name(src.stem + ".card.json").read_text(encoding="utf-8"))
    card["version"] = "office-retrained-1"
    (tmp_path / "office.card.json").write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    return dst


def _classify(cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> tuple[str, str]:
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, err = cli("classify", "--input", str(inp))
    assert code == 0, err
    return json.loads(out.splitlines()[0])["model"], err


def test_classify_scores_with_the_activated_model(store: Store, cli: Callable[..., tuple[int, str, str]],
                                                  tmp_path: Path) -> None:
    path = _office_model(tmp_path)
    with store.session() as s:
        s.add(Setting(key="active_model", value={"path": str(path), "version": "office-retrained-1"},
                      updated_at=utcnow()))
    model, _ = _classify(cli, tmp_path)
    assert model == "office-retrained-1"


def test_an_activated_model_whose_file_is_gone_is_said_and_the_configured_one_scores(
        store: Store, cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    with store.session() as s:
        s.add(Setting(key="active_model", value={"path": str(tmp_path / "gone.skops")}, updated_at=utcnow()))
    model, err = _classify(cli, tmp_path)
    assert model.startswith("canhgac-default-") and "gone.skops" in err


def test_model_given_on_the_command_line_wins(store: Store, cli: Callable[..., tuple[int, str, str]],
                                              tmp_path: Path) -> None:
    from classifier.model import DEFAULT_MODEL

    path = _office_model(tmp_path)
    with store.session() as s:
        s.add(Setting(key="active_model", value={"path": str(path)}, updated_at=utcnow()))
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, err = cli("classify", "--model", str(DEFAULT_MODEL), "--input", str(inp))
    assert code == 0, err
    assert json.loads(out.splitlines()[0])["model"].startswith("canhgac-default-")
