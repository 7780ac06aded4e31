"""`canhgac train`: fit a model on labelled CSV/JSONL files (or a recipe's data) and write it with its card.

`--from-decisions` hands over to `review.learning` (retraining on the moderators' decisions). Every problem the
user can fix (a missing column, an unknown label, too few rows for cross-validation) is a UsageError said
before any fitting; the cross-validated metrics are printed in Vietnamese after the model is written.

Without --recipe the data choose it: one label per row (clean / offensive / hate) → exclusive_recipe.toml (one
softmax model, `label` its most likely class after tuned weights); several labels per row → default_recipe.toml
(one-vs-rest, thresholds at a target precision). The recipe used is printed and recorded on the card.
"""

from __future__ import annotations

import argparse
from typing import Any

from review.cli.context import Context
from review.errors import CanhgacError, UsageError


def _per_file(values: list[str] | None, n: int, default: str | None, flag: str) -> list[str | None]:
    if not values:
        return [default] * n
    if len(values) == 1:
        return [values[0]] * n
    if len(values) != n:
        raise UsageError(f"{flag} được ghi {len(values)} lần cho {n} tệp --data: hãy ghi một lần, hoặc mỗi tệp một lần")
    return list(values)


def train_cmd(args: argparse.Namespace, ctx: Context) -> int:
    if args.from_decisions:
        try:
            from review.learning import retrain_from_decisions  # type: ignore[import-not-found, unused-ignore]
        except ModuleNotFoundError as exc:
            raise UsageError("train --from-decisions chưa có trong phiên bản này") from exc
        if args.force and not args.activate:
            raise UsageError("--force chỉ dùng cùng --from-decisions --activate")
        data_flags = [flag for flag, value in (("--data", args.data), ("--text-column", args.text_column),
                                               ("--label-column", args.label_column), ("--label-map", args.label_map),
                                               ("--recipe", args.recipe), ("--meta-column", args.meta_column))
                      if value]
        if data_flags:
            raise UsageError(f"{', '.join(data_flags)} không dùng cùng --from-decisions: huấn luyện lại dùng dữ liệu "
                             "gốc của mô hình mặc định cộng các quyết định của cán bộ duyệt")
        return int(retrain_from_decisions(ctx, activate=bool(args.activate), force=bool(args.force),
                                          out=args.out, cv=not args.no_cv))
    if args.activate or args.force:
        raise UsageError("--activate và --force chỉ dùng cùng --from-decisions")
    from classifier.categories import CATEGORIES
    from classifier.dataset import (
        DataError,
        check_known_labels,
        check_label_map,
        combine,
        parse_label_map,
        read_labelled,
        read_meta,
    )
    from classifier.model import ModelError, Recipe, check_out
    from classifier.train import TrainingDataError, check_trainable, fit, load_recipe_data

    if not args.out:
        raise UsageError("train cần --out MODEL (nơi ghi mô hình)")
    try:
        check_out(args.out)  # a folder that is missing, a file, or not writable: said now, not after the training
        recipe = Recipe.from_toml(args.recipe) if args.recipe else None  # None: chosen below from the labels
        parts = []
        meta: list[dict[str, str]] | None = None
        if args.meta_column and recipe is not None and not recipe.shape:
            raise UsageError("--meta-column cần công thức có shape = true (các mô hình khác không đọc thông tin đi kèm)")
        if args.data:
            n = len(args.data)
            cols = _per_file(args.text_column, n, "text", "--text-column")
            labs = _per_file(args.label_column, n, "labels", "--label-column")
            maps = _per_file(args.label_map, n, None, "--label-map")
            for f, c, lab, m in zip(args.data, cols, labs, maps, strict=True):
                label_map = parse_label_map(m)
                check_label_map(label_map, CATEGORIES)  # a model of canhgac scores canhgac's categories only
                part = read_labelled(f, c or "text", lab or "labels", label_map)
                check_known_labels(part, f, CATEGORIES)
                parts.append(part)
            if args.meta_column:
                meta = [row for f in args.data for row in read_meta(f, args.meta_column)]
        elif args.meta_column:
            raise UsageError("--meta-column chỉ dùng với các tệp --data")
        elif args.recipe and recipe is not None and recipe.data:
            from pathlib import Path

            parts = load_recipe_data(recipe, Path(args.recipe))
            for part in parts:
                check_known_labels(part, str(Path(args.recipe).parent / part.source), CATEGORIES)
        else:
            raise UsageError("train cần --data FILE (hoặc một --recipe có liệt kê dữ liệu)")
    except (DataError, ModelError, FileNotFoundError) as exc:
        raise UsageError(str(exc)) from exc
    texts, labels = combine(parts)
    if not texts:
        raise UsageError("dữ liệu huấn luyện không có dòng nào")
    recipe_file, recipe_why = args.recipe, "--recipe"
    if recipe is None:
        try:
            recipe_file, recipe, recipe_why = _recipe_for(labels, with_meta=bool(args.meta_column))
        except ModelError as exc:
            raise UsageError(str(exc)) from exc
    try:
        check_trainable(labels, recipe, cv=not args.no_cv, texts=texts)  # before any fitting, in words the user can act on
    except TrainingDataError as exc:
        raise UsageError(str(exc)) from exc
    ctx.print(f"Công thức: {recipe_file} ({recipe_why})")
    ctx.print(f"Đang huấn luyện trên {len(texts)} dòng từ {len(parts)} tệp ...")
    try:
        model = fit(texts, labels, recipe=recipe, data_info=[p.info() for p in parts], cv=not args.no_cv,
                    name=_model_name(args.out), meta=meta)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    model.card["recipe_file"] = str(recipe_file)  # which file the card's "recipe" came from, and why
    model.card["recipe_choice"] = recipe_why
    try:
        card = model.save(args.out)
    except ModelError as exc:  # the place changed during the training, or the disk filled up
        raise CanhgacError(str(exc)) from None
    _print_cv(ctx, model.metrics)
    ctx.print(f"Đã ghi {args.out} ({card['model_bytes'] / 1e6:.1f} MB), phiên bản {card['version']}")
    return 0


def _recipe_for(labels: list[list[str]], *, with_meta: bool) -> tuple[str, Any, str]:
    """Without --recipe: (file name, Recipe, why, in Vietnamese). Mutually exclusive labels (at most one per row)
    get exclusive_recipe.toml, whose `label` is the single most likely class; several labels on some row keep
    default_recipe.toml. With --meta-column the exclusive recipe also reads the metadata (shape = true)."""
    from dataclasses import replace

    from classifier.model import DEFAULT_RECIPE, EXCLUSIVE_RECIPE, Recipe

    if any(len(row) > 1 for row in labels):
        return DEFAULT_RECIPE.name, Recipe.from_toml(DEFAULT_RECIPE), "có dòng mang nhiều nhãn: mô hình nhiều nhãn"
    recipe = Recipe.from_toml(EXCLUSIVE_RECIPE)
    why = "mỗi dòng một nhãn: nhãn dự đoán là nhóm có khả năng cao nhất"
    if with_meta and not recipe.shape:
        recipe, why = replace(recipe, shape=True), why + "; shape = true để đọc --meta-column"
    return EXCLUSIVE_RECIPE.name, recipe, why


def _model_name(path: str) -> str:
    """`x.skops` → "x"; other names whole (`mv.1` → "mv.1"), so such models keep distinct versions."""
    from pathlib import Path

    name = Path(path).name
    return (name[: -len(".skops")] if name.lower().endswith(".skops") else name) or "model"


def _cv_method_vi(metrics: dict[str, Any]) -> str:
    """The card's cross-validation method (English, for the record) told in Vietnamese: folds and repeats."""
    folds, repeats = metrics.get("cv_folds"), metrics.get("cv_repeats", 1)
    if not folds:
        return str(metrics.get("method", "kiểm định chéo"))
    text = f"kiểm định chéo {folds} phần trên toàn bộ quy trình"
    if repeats and repeats > 1:
        text += f", lặp {repeats} lần với các cách chia khác (gộp các dự đoán)"
    return text + "; mỗi dòng được dự đoán bởi mô hình không thấy dòng đó khi huấn luyện"


def _print_cv(ctx: Context, metrics: dict[str, Any]) -> None:
    if not metrics:
        ctx.print("Đã bỏ qua kiểm định chéo")
        return
    from review.cli.table import render

    rows = [[c, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", f"{m['roc_auc']:.3f}",
             str(m["support"]), f"{m['threshold']:.3f}"] for c, m in metrics["per_category"].items()]
    ctx.print(f"Phương pháp: {_cv_method_vi(metrics)}")
    ctx.print(render(["nhóm", "độ chính xác", "độ phủ", "f1", "roc_auc", "số mẫu", "ngưỡng"], rows))
    ctx.print(f"macro-F1 theo ngưỡng: {metrics['macro_f1_at_thresholds']:.3f}")
    if "argmax_macro_f1" in metrics:
        ctx.print(f"macro-F1 khi chỉ lấy nhóm có xác suất cao nhất: {metrics['argmax_macro_f1']:.3f}")

