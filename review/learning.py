"""Learning from moderators' decisions: `canhgac train --from-decisions [--activate]`.

The known-item bank learns at once (every verdict adds a bank text, see `review.decisions`); the model
learns here. Decided texts become labelled examples — violation/escalate: their (corrected) category,
commend: positive, dismiss: clean — and are added to the seed examples the model in use was built
from. A stable fifth of the decisions (by text hash) and a stable fifth of the seed are held out and
never trained on; the model in use and the retrained one are evaluated on exactly that held-out set.
Both models saw the seed part during training, so that part guards against regressions while the
decision part measures what was learned. Activation needs the new macro-F1 to be at least the old.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from review.audit import append_audit
from review.decisions import bank_text
from review.models import Decision, Item, ReviewEntry, Setting
from review.types import utcnow

if TYPE_CHECKING:
    from review.cli.context import Context
    from review.store import Store

HOLDOUT_EVERY = 5  # one text in five is held out


def held_out(text: str) -> bool:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % HOLDOUT_EVERY == 0


def decision_examples(store: Store) -> tuple[list[str], list[list[str]]]:
    """The current (not undone) verdict of every decided entry as a labelled example."""
    texts: list[str] = []
    labels: list[list[str]] = []
    seen: set[str] = set()
    q = (select(Decision.verdict, Decision.category, Item)
         .join(ReviewEntry, ReviewEntry.id == Decision.entry_id).join(Item, Item.id == ReviewEntry.item_id)
         .where(Decision.undone_at.is_(None)).order_by(Decision.id))
    with store.session() as s:
        for verdict, category, item in s.execute(q):
            text = bank_text(item)
            if not text or text in seen:
                continue
            seen.add(text)
            texts.append(text)
            labels.append([] if verdict == "dismiss" else ["positive" if verdict == "commend" else str(category)])
    return texts, labels


def active_model_path(ctx: Context) -> str | None:
    """The model in use: activated by a retrain, else the configured one, else None (the bundled default)."""
    with ctx.store.session() as s:
        row = s.get(Setting, "active_model")
    if row is not None and row.value.get("path"):
        return str(row.value["path"])
    return ctx.config.classifier.model or None


def _split(texts: Sequence[str], labels: Sequence[Sequence[str]]) -> tuple[list[int], list[int]]:
    train: list[int] = []
    hold: list[int] = []
    for i, t in enumerate(texts):
        (hold if held_out(t) else train).append(i)
    return train, hold


def retrain_from_decisions(ctx: Context, activate: bool) -> int:
    """Retrain with decisions added; print old vs new metrics on the same held-out data; activate only
    if not worse. Returns the exit code (1 when --activate was asked for and refused)."""
    from classifier import model as model_io
    from classifier.model import Recipe
    from classifier.scorer import Scorer
    from classifier.train import evaluate, fit, load_recipe_data

    store = ctx.store
    d_texts, d_labels = decision_examples(store)
    if not d_texts:
        ctx.print("Chưa có quyết định nào để học; không huấn luyện lại.")
        return 0
    recipe_path = model_io.DEFAULT_RECIPE
    recipe = Recipe.from_toml(recipe_path)
    seed_texts: list[str] = []
    seed_labels: list[list[str]] = []
    for part in load_recipe_data(recipe, recipe_path):
        seed_texts += list(part.texts)
        seed_labels += [list(row) for row in part.labels]
    d_train, d_hold = _split(d_texts, d_labels)
    _, s_hold = _split(seed_texts, seed_labels)
    train_texts = seed_texts + [d_texts[i] for i in d_train]
    train_labels = seed_labels + [d_labels[i] for i in d_train]
    hold_texts = [seed_texts[i] for i in s_hold] + [d_texts[i] for i in d_hold]
    hold_labels = [seed_labels[i] for i in s_hold] + [d_labels[i] for i in d_hold]
    ctx.print(f"Dữ liệu: {len(seed_texts)} mẫu gốc + {len(d_train)} quyết định để huấn luyện; "
              f"giữ lại để đánh giá: {len(s_hold)} mẫu gốc + {len(d_hold)} quyết định.")

    old = Scorer.load(active_model_path(ctx), ctx.config.classifier.rules or None)
    new = fit(train_texts, train_labels, categories=None, recipe=recipe, name="canhgac-decisions")
    old_m = evaluate(old, hold_texts, hold_labels)
    new_m = evaluate(new.scorer(ctx.config.classifier.rules or None), hold_texts, hold_labels)
    _print_comparison(ctx, old_m, new_m)

    out_dir = Path(ctx.config.path).parent / "models" if ctx.config.path else Path("models")
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = (out_dir / f"canhgac-decisions-{stamp}.skops").resolve()
    card = new.save(path)
    ctx.print(f"Đã lưu mô hình mới: {path}")
    not_worse = new_m["macro_f1"] >= old_m["macro_f1"]
    if not activate:
        ctx.print("Chưa kích hoạt (thêm --activate để dùng mô hình mới nếu không kém hơn).")
        return 0
    if not not_worse:
        ctx.print(f"KHÔNG kích hoạt: macro-F1 mới {new_m['macro_f1']:.3f} < cũ {old_m['macro_f1']:.3f}.")
        return 1
    me = ctx.moderator()
    value: dict[str, Any] = {"path": str(path), "version": str(card.get("version") or path.stem),
                             "activated_by": me, "macro_f1": new_m["macro_f1"], "previous_macro_f1": old_m["macro_f1"],
                             "decisions": len(d_texts)}
    with store.session() as s:
        row = s.get(Setting, "active_model")
        previous = dict(row.value) if row is not None else {}
        if row is None:
            s.add(Setting(key="active_model", value=value, updated_at=utcnow()))
        else:
            row.value, row.updated_at = value, utcnow()
        append_audit(s, me, "model_activate", None, {"model": value, "previous": previous.get("path")})
    ctx.print(f"Đã kích hoạt mô hình mới (macro-F1 {new_m['macro_f1']:.3f} ≥ {old_m['macro_f1']:.3f}).")
    return 0


def _print_comparison(ctx: Context, old: dict[str, Any], new: dict[str, Any]) -> None:
    from review.cli.table import render

    rows: list[tuple[object, ...]] = [("macro-F1", f"{old['macro_f1']:.3f}", f"{new['macro_f1']:.3f}")]
    for cat in sorted(set(old["flags"]) | set(new["flags"])):
        o, n = old["flags"].get(cat, {}), new["flags"].get(cat, {})
        rows.append((f"{cat}: độ chính xác / độ phủ",
                     f"{o.get('precision', 0):.2f} / {o.get('recall', 0):.2f}" if o else "-",
                     f"{n.get('precision', 0):.2f} / {n.get('recall', 0):.2f}" if n else "-"))
    ctx.print(render(["chỉ số (trên cùng dữ liệu giữ lại)", f"cũ ({old['model']})", f"mới ({new['model']})"], rows))
