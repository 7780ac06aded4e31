"""Learning from moderators' decisions: `canhgac train --from-decisions [--activate [--force]]`.

The known-item bank learns at once (every verdict adds a bank text, see `review.decisions`); the model
learns here. Decided texts become labelled examples — violation/warn/escalate: their (corrected) category (a
warning is a violation confirmed), commend: positive, dismiss: clean. A stable fifth of the decisions (by text hash, so the same texts
every run) is held back; the new model is trained on all the seed examples plus the other decisions.

Old and new are compared only on the held-back decisions, data that NEITHER model was trained on: the
new model never saw them, the bundled model was built from the seed alone, and a model activated by an
earlier retrain held back the same texts. Seed rows are never used for the comparison (the model in use
was trained on them, so it would score ≈1.000 there and the comparison would be a formality), and a
held-back decision whose text is also a seed row is left out for the same reason.

The comparison needs at least `MIN_HELD_OUT` held-back decisions with both a flagged verdict and a
dismissal among them; with fewer, the result is reported as too small to judge and `--activate` is
refused unless `--force` is given: before training (the split tells how many are held back), not after minutes
of it. Otherwise `--activate` switches models only if the new model's FLAGS
(what queues a page) do at least as well on the held-back decisions: macro-F1 of the flags
(`review.flag_metrics`). Both flag with the office's rules and thresholds: its rules (the bundled ones when
`[classifier] rules` is empty) and its `[classifier.thresholds]` over the card's. (The new model used to be scored
with no rules and both at their cards' thresholds: a retrain changing nothing missed every held-back scam only a
rule flags, and was refused as worse than itself.) The table also shows how many dismissed texts each model
would flag again and how many confirmed ones it would miss; the label's macro-F1 is shown for reference only.
The new model's card lists the decisions it learnt from (`decisions_info`: counts per label, SHA-256, and the held-back ones).

The new model is written to `--out` when given (what `--activate` then activates), else to
`models/canhgac-decisions-<UTC time>.skops` beside the config file; never over the model in use.
`--no-cv` skips the cross-validation that tunes the new model's thresholds, as for `canhgac train`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy import text as sql_text

from review.audit import append_audit
from review.decisions import bank_text
from review.errors import CanhgacError, UsageError
from review.flag_metrics import (
    activation_refusal,
    compared_categories,
    comparison_rows,
    flag_summary,
    flags_macro_f1,
)
from review.models import Decision, Item, ReviewEntry, Setting
from review.types import utcnow

if TYPE_CHECKING:
    from review.cli.context import Context
    from review.store import Store

HOLDOUT_EVERY = 5  # one decided text in five is held back
MIN_HELD_OUT = 20  # fewer held-back decisions than this: too few to judge old against new
MIN_EACH = 5  # ... and at least this many flagged and this many dismissed among them


def held_out(text: str) -> bool:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % HOLDOUT_EVERY == 0


def decision_examples(store: Store) -> tuple[list[str], list[list[str]]]:
    """The current (not undone) verdicts of the decided entries as labelled examples, one per text: a text decided
    on several entries (a repost, a copy) teaches its latest verdict, as the known-item bank holds it. One label
    a text, even where two entries confirmed it in different categories (the bank keeps both): a row with two
    labels would turn the whole fit multi-label (classifier.fitting)."""
    texts, labels, _, _ = decision_examples_read(store)
    return texts, labels


def decision_examples_read(store: Store) -> tuple[list[str], list[list[str]], int, datetime]:
    """`decision_examples`, with what the card records of the read (`decisions_info`): the highest Decision.id
    read (0 when none) and the time of the read, so that `review.decision_history.learnt_by_model` can tell
    whether a decision was among those learnt without rebuilding past states.

    That holds only if no decision is being written while they are read: a decision inserted (id taken) but not
    yet committed when the read starts is not read, and once committed, with an id below the highest read and a
    time before the read, it would be claimed learnt. SQLite: the read's transaction begins IMMEDIATE, holding the
    write lock, so nothing is; the read's time is taken once that lock is held (a decision committed while the
    read waited for it is read, and made before that time). PostgreSQL: the read first takes `decisions` in SHARE mode, which waits for the
    decisions and undos being written to commit and holds back new ones until the read is done (a `decide`/`undo`
    waits that long: the read of the texts, seconds for tens of thousands); a decision written after it gets a
    higher id than any read."""
    examples: dict[str, list[str]] = {}  # text -> label, in the order texts were first decided
    as_of = 0
    q = (select(Decision.id, Decision.verdict, Decision.category, Item)
         .join(ReviewEntry, ReviewEntry.id == Decision.entry_id).join(Item, Item.id == ReviewEntry.item_id)
         .where(Decision.undone_at.is_(None)).order_by(Decision.id))
    with store.session() as s:
        s.connection()  # SQLite: BEGIN IMMEDIATE now, waiting for any writer to commit
        if store.dialect == "postgresql":
            s.execute(sql_text(f"LOCK TABLE {Decision.__tablename__} IN SHARE MODE"))
        read_at = utcnow()  # after the lock: every decision made or undone before this is committed
        for decision_id, verdict, category, item in s.execute(q):
            as_of = max(as_of, int(decision_id))
            text = bank_text(item)
            if text:
                examples[text] = decision_label(verdict, category)
    return list(examples), list(examples.values()), as_of, read_at


def decision_label(verdict: str, category: str | None) -> list[str]:
    """The labels a decision teaches: none for a dismissal, `positive` for a commendation, else (a violation,
    warned or not, or an escalation: a harm confirmed) the category recorded."""
    if verdict == "dismiss":
        return []
    return ["positive" if verdict == "commend" else str(category)]


def _digest(texts: Sequence[str], labels: Sequence[Sequence[str]]) -> str:
    """SHA-256 of the examples as `classifier.fitting` hashes inline data: the same decisions, the same hash."""
    return hashlib.sha256(json.dumps([list(texts), [list(r) for r in labels]], ensure_ascii=False).encode()).hexdigest()


def decisions_info(texts: Sequence[str], labels: Sequence[Sequence[str]], held_texts: Sequence[str],
                   held_labels: Sequence[Sequence[str]], as_of: int | None = None,
                   read_at: datetime | None = None) -> dict[str, Any]:
    """The card's `data` entry for the moderators' decisions a model learnt from: how many, by label (`clean` =
    dismissed), their hash, and the same for the held-back ones it was compared on (never trained on), so a card
    says which decisions made the model and two retrains on the same decisions are recognisably the same.
    `as_of` (`as_of_decision_id`: the highest Decision.id read) and `read_at` (when they were read) let `undo`
    tell whether the model learnt a decision (`review.decision_history.learnt_by_model`)."""
    by_label: dict[str, int] = {}
    for row in labels:
        for name in row or ["clean"]:
            by_label[name] = by_label.get(name, 0) + 1
    return {"source": "decisions", "rows": len(texts), "sha256": _digest(texts, labels),
            "labels": dict(sorted(by_label.items())), "held_out": len(held_texts),
            "held_out_flagged": sum(1 for row in held_labels if row), "held_out_sha256": _digest(held_texts, held_labels),
            **({"as_of_decision_id": as_of, "read_at": read_at.isoformat()} if as_of is not None and read_at else {})}


def active_model_path(ctx: Context) -> str | None:
    """The model in use (`review.model_in_use`), as the crawler scores with it: an activated model whose file is
    gone is not it (said on stderr)."""
    from review.model_in_use import model_in_use_told

    return model_in_use_told(ctx)


def _split(texts: Sequence[str]) -> tuple[list[int], list[int]]:
    """Indexes of the texts to train on and of the held-back ones (`held_out`)."""
    train: list[int] = []
    hold: list[int] = []
    for i, t in enumerate(texts):
        (hold if held_out(t) else train).append(i)
    return train, hold


def judgeable(labels: Sequence[Sequence[str]]) -> bool:
    """Enough held-back decisions to compare two models: `MIN_HELD_OUT` rows, with at least `MIN_EACH`
    flagged (a category) and `MIN_EACH` clean (dismissed) among them."""
    flagged = sum(1 for row in labels if row)
    return len(labels) >= MIN_HELD_OUT and flagged >= MIN_EACH and len(labels) - flagged >= MIN_EACH


def output_path(ctx: Context, out: str | None) -> Path:
    """Where the retrained model goes: `out` (absolute, so an activated path works from any directory), else a
    new time-stamped file under models/ beside the config. Never the model in use: a refused activation
    would leave the office scoring with a model nobody chose."""
    from classifier.model import ModelError, check_out

    if out:
        path = Path(out).expanduser().resolve()
        if path.is_dir():
            raise UsageError(f"--out {out} là một thư mục: hãy ghi tên tệp mô hình .skops")
    else:
        out_dir = Path(ctx.config.path).parent / "models" if ctx.config.path else Path("models")
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = (out_dir / f"canhgac-decisions-{stamp}.skops").resolve()
        path.parent.mkdir(parents=True, exist_ok=True)  # our own models/ folder; a folder named by --out must exist
    try:
        check_out(path)
    except ModelError as exc:
        raise UsageError(f"--out: {exc}") from None
    active = active_model_path(ctx)
    if active and Path(active).expanduser().resolve() == path:
        raise UsageError(f"--out {out}: đây là mô hình đang được sử dụng; hãy ghi mô hình mới ra tệp khác")
    return path


def retrain_from_decisions(ctx: Context, activate: bool, force: bool = False, out: str | None = None,
                           cv: bool = True) -> int:
    """Retrain with decisions added; print old vs new metrics on the held-back decisions (which neither
    model was trained on); activate only if not worse, and only when there are enough held-back decisions
    to judge (or `force`). The model is saved to `output_path(ctx, out)`; `cv=False` skips the threshold
    cross-validation. Returns the exit code (1 when --activate was asked for and refused)."""
    from classifier import model as model_io
    from classifier.model import ModelError, Recipe
    from classifier.rules import DEFAULT_RULES
    from classifier.scorer import Scorer
    from classifier.train import evaluate, fit, load_recipe_data

    store = ctx.store
    me = ctx.moderator() if activate else None  # who activates must be a moderator: refused before training
    path = output_path(ctx, out)  # a bad --out is refused before minutes of training
    d_texts, d_labels, as_of, read_at = decision_examples_read(store)
    if not d_texts:
        ctx.print("Chưa có quyết định nào để học; không huấn luyện lại.")
        return 0
    recipe_path = model_io.DEFAULT_RECIPE
    recipe = Recipe.from_toml(recipe_path)
    seed_texts: list[str] = []
    seed_labels: list[list[str]] = []
    parts = load_recipe_data(recipe, recipe_path)
    for part in parts:
        seed_texts += list(part.texts)
        seed_labels += [list(row) for row in part.labels]
    seed_set = set(seed_texts)
    d_train, d_hold = _split(d_texts)
    in_seed = [i for i in d_hold if d_texts[i] in seed_set]  # both models trained on these: not held out
    d_hold = [i for i in d_hold if d_texts[i] not in seed_set]
    train_texts = seed_texts + [d_texts[i] for i in d_train]
    train_labels = seed_labels + [d_labels[i] for i in d_train]
    hold_texts = [d_texts[i] for i in d_hold]
    hold_labels = [d_labels[i] for i in d_hold]
    n_flagged = sum(1 for row in hold_labels if row)
    ctx.print(f"Dữ liệu huấn luyện: {len(seed_texts)} mẫu gốc + {len(d_train)} quyết định. "
              f"Giữ lại để so sánh: {len(d_hold)} quyết định ({n_flagged} vi phạm/tôn vinh, "
              f"{len(d_hold) - n_flagged} bỏ qua), không mô hình nào được huấn luyện trên chúng; "
              "mẫu gốc không dùng để so sánh vì mô hình đang dùng đã học chúng."
              + (f" ({len(in_seed)} quyết định trùng mẫu gốc bị loại khỏi phần giữ lại.)" if in_seed else ""))

    enough = judgeable(hold_labels)
    if activate and not enough and not force:  # known before training: refused first, not after minutes of it
        ctx.print(_too_few(len(d_hold), n_flagged) + ".")
        ctx.print(_NOT_ACTIVATED_TOO_FEW)
        return 1

    old = Scorer.load(active_model_path(ctx), ctx.config.classifier.rules or None, _thresholds(ctx))
    data_info = [p.info() for p in parts] + [decisions_info([d_texts[i] for i in d_train], [d_labels[i] for i in d_train],
                                                            hold_texts, hold_labels, as_of, read_at)]
    new = fit(train_texts, train_labels, categories=None, recipe=recipe, name="canhgac-decisions", cv=cv,
              data_info=data_info)
    old_m: dict[str, Any] | None = None
    new_m: dict[str, Any] | None = None
    old_f1 = new_f1 = 0.0
    old_f: dict[str, Any] | None = None
    new_f: dict[str, Any] | None = None
    if hold_texts:
        new_scorer = _as_crawled(new.scorer(str(ctx.config.classifier.rules or DEFAULT_RULES)), ctx)
        old_m = evaluate(old, hold_texts, hold_labels)
        new_m = evaluate(new_scorer, hold_texts, hold_labels)
        old_f, new_f = flag_summary(old, hold_texts, hold_labels), flag_summary(new_scorer, hold_texts, hold_labels)
        cats = compared_categories(old_f, new_f)
        old_f1, new_f1 = flags_macro_f1(old_f, cats), flags_macro_f1(new_f, cats)
        _print_comparison(ctx, old_m, new_m, old_f, new_f, len(hold_texts))
    if not enough:
        ctx.print(_too_few(len(d_hold), n_flagged) + "; kết quả so sánh trên chưa đủ tin cậy.")

    try:
        card = new.save(path)
    except ModelError as exc:  # the folder changed during the training, or the disk filled up
        raise CanhgacError(str(exc)) from None
    ctx.print(f"Đã lưu mô hình mới: {path}")
    if not activate:  # the hint says what --activate would do: with too few held back it is refused without --force
        ctx.print("Chưa kích hoạt (chạy lại lệnh với --activate: huấn luyện lại và dùng mô hình mới nếu không kém "
                  "hơn; cần --as TÊN)." if enough else
                  "Chưa kích hoạt. Với chừng này quyết định giữ lại, --activate sẽ bị từ chối: chờ thêm quyết định, "
                  "hoặc chạy lại lệnh với --activate --force (huấn luyện lại rồi kích hoạt dù chưa so sánh đủ; cần "
                  "--as TÊN; ghi vào nhật ký kiểm toán).")
        return 0
    refusal = activation_refusal(old_f, new_f) if enough and old_f is not None and new_f is not None else None
    if refusal:
        ctx.print(f"KHÔNG kích hoạt: {refusal} (trên {len(hold_texts)} quyết định giữ lại).")
        return 1
    assert me is not None
    value: dict[str, Any] = {"path": str(path), "version": str(card.get("version") or path.stem),
                             "activated_by": me, "macro_f1": new_m["macro_f1"] if new_m else None,
                             "previous_macro_f1": old_m["macro_f1"] if old_m else None,
                             "flags_macro_f1": round(new_f1, 4) if new_f else None,
                             "previous_flags_macro_f1": round(old_f1, 4) if old_f else None,
                             "dismissed_flagged": new_f["dismissed_flagged"] if new_f else None,
                             "decisions": len(d_texts), "held_out": len(hold_texts), "forced": not enough}
    with store.session() as s:
        row = s.get(Setting, "active_model")
        previous = dict(row.value) if row is not None else {}
        if row is None:
            s.add(Setting(key="active_model", value=value, updated_at=utcnow()))
        else:
            row.value, row.updated_at = value, utcnow()
        append_audit(s, me, "model_activate", None, {"model": value, "previous": previous.get("path")})
    if not enough:
        ctx.print("Đã kích hoạt mô hình mới theo --force, CHƯA được so sánh đủ dữ liệu (đã ghi nhật ký kiểm toán).")
    else:
        assert old_f is not None and new_f is not None
        ctx.print(f"Đã kích hoạt mô hình mới (macro-F1 của cờ {new_f1:.3f} ≥ {old_f1:.3f} trên {len(hold_texts)} "
                  f"quyết định giữ lại; bỏ qua mà vẫn gắn cờ: {old_f['dismissed_flagged']} → "
                  f"{new_f['dismissed_flagged']}; mục đã xác nhận bị bỏ sót: {old_f['confirmed_missed']} → "
                  f"{new_f['confirmed_missed']}).")
    return 0


_NOT_ACTIVATED_TOO_FEW = ("KHÔNG kích hoạt: chưa đủ quyết định giữ lại để so sánh công bằng mô hình cũ và mới; "
                          "chờ thêm quyết định, hoặc thêm --force để vẫn kích hoạt (ghi vào nhật ký kiểm toán).")


def _too_few(held: int, flagged: int) -> str:
    """Why `held` held-back decisions (`flagged` of them a violation or commendation) are too few to judge."""
    return (f"CHƯA ĐỦ DỮ LIỆU ĐỂ ĐÁNH GIÁ: cần ít nhất {MIN_HELD_OUT} quyết định giữ lại, trong đó ít nhất "
            f"{MIN_EACH} vi phạm/tôn vinh và {MIN_EACH} bỏ qua (hiện có {held}: {flagged} và {held - flagged})")


def _thresholds(ctx: Context) -> dict[str, float] | None:
    """The office's `[classifier.thresholds]`, which the crawler applies over any model card's."""
    return dict(ctx.config.classifier.thresholds) or None


def _as_crawled(scorer: Any, ctx: Context) -> Any:
    """A new model's scorer flagging as the crawler would once it is activated: the office's thresholds over the
    card's (its rules are given to `TrainedModel.scorer`, the bundled ones when `[classifier] rules` is empty: that
    method alone would score with none). Old and new are judged by their flags, so both must flag alike."""
    for c, t in (_thresholds(ctx) or {}).items():  # as `Scorer.load(..., thresholds)` does for the model in use
        if c in scorer.thresholds:
            scorer.thresholds[c] = float(t)
    return scorer


def _print_comparison(ctx: Context, old: dict[str, Any], new: dict[str, Any], old_f: dict[str, Any],
                      new_f: dict[str, Any], rows_held: int) -> None:
    from review.cli.table import render

    rows: list[tuple[object, ...]] = [*comparison_rows(old_f, new_f),
                                      ("macro-F1 theo nhãn (tham khảo)", f"{old['macro_f1']:.3f}", f"{new['macro_f1']:.3f}")]
    ctx.print(render([f"chỉ số (trên {rows_held} quyết định giữ lại)", f"cũ ({old['model']})", f"mới ({new['model']})"], rows))
