"""Which model scores the office's pages: the one place that answers it.

The crawler scores with it, `canhgac classify`, `evaluate` and `rescore` default to it, and a retrain compares
against it: the model moderators activated (`canhgac train --from-decisions --activate`, Setting
`active_model`) when its file is there, else `[classifier] model`, else None (the bundled default). Each caller
says in its own voice (a crawl's English log, a command's Vietnamese stderr) why the activated one is not used:
its file is gone, or the database could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from review.errors import CanhgacError
from review.models import Setting

if TYPE_CHECKING:
    from review.cli.context import Context
    from review.config import ClassifierConfig
    from review.store import Store


@dataclass(frozen=True)
class ModelInUse:
    """`path`: the model file to score with (None: the bundled default). `missing`: the activated model's path
    when its file is gone; `unreadable`: why the database could not say which model was activated.
    `activated_at`, `activated_version`: when the model in use was activated and the card version recorded then
    (Setting `active_model`), when it is the activated one; None for a configured model."""

    path: str | None
    missing: str | None = None
    unreadable: str | None = None
    activated_at: datetime | None = None
    activated_version: str | None = None


def model_in_use(cfg: ClassifierConfig, store: Store) -> ModelInUse:
    """The model scoring the office's pages (see the module doc). Without a database (`canhgac init` not run yet,
    or not upgraded) nothing was activated: the configured one."""
    configured = cfg.model or None
    try:
        with store.session() as s:
            row = s.get(Setting, "active_model")
            value = row.value if row is not None else None
            updated_at = row.updated_at if row is not None else None
    except CanhgacError:  # no database yet, or one `canhgac init` has not upgraded: nothing activated in it
        return ModelInUse(configured)
    except SQLAlchemyError as exc:  # the database server is down
        return ModelInUse(configured, unreadable=type(exc).__name__)
    path = value.get("path") if isinstance(value, dict) else None
    if not path:
        return ModelInUse(configured)
    if Path(str(path)).expanduser().is_file():
        version = value.get("version") if isinstance(value, dict) else None
        return ModelInUse(str(path), activated_at=updated_at, activated_version=str(version) if version else None)
    return ModelInUse(configured, missing=str(path))


def model_in_use_told(ctx: Context) -> str | None:
    """`model_in_use`'s path for a command: why the activated model is not the one used is written to stderr in
    Vietnamese (the file is gone, or the database could not be read), naming the one used instead. Without a
    database (`canhgac init` not run yet) nothing was activated: the configured one."""
    cfg = ctx.config.classifier
    try:
        store = ctx.store
    except CanhgacError:
        return cfg.model or None
    found = model_in_use(cfg, store)
    if found.unreadable:
        ctx.err.write(f"Lưu ý: không đọc được cơ sở dữ liệu để biết mô hình đang dùng ({found.unreadable}); dùng "
                      "mô hình theo tệp cấu hình.\n")
    elif found.missing:
        instead = f"mô hình {cfg.model} ([classifier] model)" if cfg.model else "mô hình kèm theo phần mềm"
        ctx.err.write(f"Lưu ý: không còn tệp mô hình đã đưa vào sử dụng {found.missing}; dùng {instead}, là mô "
                      "hình đang chấm điểm thay cho nó.\n")
    return found.path
