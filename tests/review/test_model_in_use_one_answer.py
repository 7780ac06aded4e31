"""One answer to "which model scores the office's pages" (`review.model_in_use`): a crawl, `canhgac classify` and
`evaluate` (`review.cli.evaluate.model_in_use`) and a retrain's comparison (`review.learning.active_model_path`)
all name the activated model when its file is there, and the configured (here: bundled) one when it is gone or
nothing was activated. Before, a retrain compared against an activated model whose file was gone (and failed to
load it), while a crawl scored with the bundled one."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from crawler.pipelines.score import model_path
from review.cli.context import Context
from review.cli.evaluate import model_in_use as command_model
from review.learning import active_model_path
from review.model_in_use import model_in_use
from review.models import Setting
from review.store import Store
from review.types import utcnow


def _answers(store: Store, cfg: Path) -> set[str | None]:
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=io.StringIO(), err=io.StringIO())
    try:
        return {model_path(ctx.config.classifier, store), command_model(ctx), active_model_path(ctx),
                model_in_use(ctx.config.classifier, store).path}
    finally:
        ctx.close()


@pytest.mark.parametrize("state", ["nothing activated", "activated", "activated file gone"])
def test_every_caller_names_the_same_model(store: Store, cfg: Path, tmp_path: Path, state: str) -> None:
    from classifier.model import DEFAULT_MODEL

    copy = tmp_path / "office.skops"
    shutil.copyfile(DEFAULT_MODEL, copy)
    if state != "nothing activated":
        with store.session() as s:
            s.add(Setting(key="active_model", value={"path": str(copy)}, updated_at=utcnow()))
    if state == "activated file gone":
        copy.unlink()
    assert _answers(store, cfg) == {str(copy) if state == "activated" else None}


def test_a_retrain_told_the_activated_file_is_gone(store: Store, cfg: Path, tmp_path: Path) -> None:
    with store.session() as s:
        s.add(Setting(key="active_model", value={"path": str(tmp_path / "gone.skops")}, updated_at=utcnow()))
    err = io.StringIO()
    ctx = Context(config_path=str(cfg), moderator_flag="lan", out=io.StringIO(), err=err)
    try:
        assert active_model_path(ctx) is None
    finally:
        ctx.close()
    assert "gone.skops" in err.getvalue() and "mô hình kèm theo phần mềm" in err.getvalue(), err.getvalue()
