"""`canhgac train | classify | evaluate`: the classifier's command group.

None of these commands needs a database; `classify` reads [classifier] from the config when a config
file exists and otherwise uses the bundled default model and rules.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any, TextIO, cast

from classifier.os_errors import reason_vi
from review.cli.context import Context
from review.errors import CanhgacError, UsageError

BATCH = 256  # rows scored together by `classify` (the first batches are smaller: the first results come out early)
Row = tuple[str, dict[str, str] | None]  # a text to classify and its --meta-column values

_META_HELP = ("đưa cột này vào mô hình làm thông tin đi kèm của từng dòng (dùng nhiều lần được; ví dụ sender_type); "
              "cần mô hình/công thức có shape = true")


def register(sub: Any) -> None:
    p = sub.add_parser("train", help="huấn luyện mô hình phân loại từ tệp CSV/JSONL đã gán nhãn")
    p.add_argument("--data", action="append", metavar="FILE", help="tệp CSV hoặc JSONL đã gán nhãn (dùng nhiều lần được)")
    p.add_argument("--text-column", action="append", metavar="C",
                   help="cột văn bản; ghi một lần cho mọi tệp --data hoặc mỗi tệp một lần, theo thứ tự (mặc định: text)")
    p.add_argument("--label-column", action="append", metavar="L",
                   help="cột nhãn; một lần cho mọi tệp hoặc mỗi tệp một lần (mặc định: labels)")
    p.add_argument("--label-map", action="append", metavar="MAP",
                   help="ví dụ 0=clean,1=offensive,2=hate; một lần cho mọi tệp hoặc mỗi tệp một lần")
    p.add_argument("--recipe", metavar="FILE", help="tệp TOML công thức mô hình (mặc định: công thức mặc định)")
    p.add_argument("--out", metavar="MODEL",
                   help="nơi ghi mô hình (.skops; thẻ mô tả mô hình ghi bên cạnh); với --from-decisions: mặc định "
                        "models/canhgac-decisions-<thời điểm>.skops cạnh tệp cấu hình")
    p.add_argument("--meta-column", action="append", default=[], metavar="NAME",
                   help=_META_HELP)
    p.add_argument("--no-cv", action="store_true", help="bỏ qua kiểm định chéo (không tinh chỉnh ngưỡng)")
    p.add_argument("--from-decisions", action="store_true", help="huấn luyện lại từ quyết định của cán bộ duyệt")
    p.add_argument("--activate", action="store_true",
                   help="dùng với --from-decisions: đưa mô hình mới vào sử dụng nếu không kém hơn trên các quyết "
                        "định giữ lại để so sánh")
    p.add_argument("--force", action="store_true",
                   help="dùng với --from-decisions --activate: vẫn đưa vào sử dụng dù quá ít quyết định giữ lại "
                        "để đánh giá (có ghi nhật ký kiểm toán)")
    p.set_defaults(handler=train_cmd)

    p = sub.add_parser("classify", help="chấm điểm văn bản: mỗi dòng đầu vào ra một đối tượng JSON")
    p.add_argument("--model", metavar="MODEL", help="tệp mô hình (mặc định: theo cấu hình, không có thì dùng mô hình "
                                                    "kèm theo phần mềm)")
    p.add_argument("--rules", metavar="FILE", help="tệp quy tắc (mặc định: theo cấu hình, không có thì dùng bộ quy "
                                                   "tắc kèm theo phần mềm)")
    p.add_argument("--input", required=True, metavar="FILE|-",
                   help="tệp CSV/JSONL, hoặc - để đọc từ đầu vào chuẩn, mỗi dòng một văn bản")
    p.add_argument("--text-column", default="text", metavar="C", help="cột văn bản (mặc định: text)")
    p.add_argument("--meta-column", action="append", default=[], metavar="NAME",
                   help=_META_HELP)
    p.add_argument("--output", default="-", metavar="FILE|-", help="tệp kết quả, hoặc - để in ra màn hình (mặc định)")
    p.set_defaults(handler=classify_cmd)

    p = sub.add_parser("evaluate", help="đánh giá mô hình: độ chính xác/độ phủ/F1 từng nhóm, macro-F1, ma trận nhầm lẫn")
    p.add_argument("--model", metavar="MODEL", help="tệp mô hình (mặc định: mô hình kèm theo phần mềm)")
    p.add_argument("--data", required=True, metavar="FILE", help="tệp CSV/JSONL đã gán nhãn")
    p.add_argument("--text-column", default="text", metavar="C", help="cột văn bản (mặc định: text)")
    p.add_argument("--label-column", default="labels", metavar="L", help="cột nhãn (mặc định: labels)")
    p.add_argument("--label-map", metavar="MAP", help="ví dụ 0=clean,1=offensive,2=hate")
    p.add_argument("--meta-column", action="append", default=[], metavar="NAME",
                   help=_META_HELP)
    p.add_argument("--json", action="store_true", help="xuất dạng JSON cho máy đọc")
    p.set_defaults(handler=evaluate_cmd)


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
    from classifier.model import DEFAULT_RECIPE, ModelError, Recipe, check_out
    from classifier.train import TrainingDataError, check_trainable, fit, load_recipe_data

    if not args.out:
        raise UsageError("train cần --out MODEL (nơi ghi mô hình)")
    try:
        check_out(args.out)  # a folder that is missing, a file, or not writable: said now, not after the training
        recipe = Recipe.from_toml(args.recipe or DEFAULT_RECIPE)
        parts = []
        meta: list[dict[str, str]] | None = None
        if args.meta_column and not recipe.shape:
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
        elif args.recipe and recipe.data:
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
    try:
        check_trainable(labels, recipe, cv=not args.no_cv)  # before any fitting, in words the user can act on
    except TrainingDataError as exc:
        raise UsageError(str(exc)) from exc
    ctx.print(f"Đang huấn luyện trên {len(texts)} dòng từ {len(parts)} tệp ...")
    try:
        model = fit(texts, labels, recipe=recipe, data_info=[p.info() for p in parts], cv=not args.no_cv,
                    name=_model_name(args.out), meta=meta)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    try:
        card = model.save(args.out)
    except ModelError as exc:  # the place changed during the training, or the disk filled up
        raise CanhgacError(str(exc)) from None
    _print_cv(ctx, model.metrics)
    ctx.print(f"Đã ghi {args.out} ({card['model_bytes'] / 1e6:.1f} MB), phiên bản {card['version']}")
    return 0


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


_EVAL_METHOD_VI = {
    "exclusive": "mô hình một nhãn: nhãn dự đoán so với nhãn duy nhất của mỗi dòng (clean = không thuộc nhóm nào)",
    "multilabel": "mô hình nhiều nhãn: mỗi nhóm chấm như một bài toán hai lớp (gắn cờ hay không, so với mọi nhãn "
                  "của dòng); macro-F1 tính trên các nhóm",
}


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


def _load_scorer(ctx: Context, model: str | None, rules: str | None) -> Any:
    from classifier.model import ModelError
    from classifier.rules import RulesError
    from classifier.scorer import Scorer

    cfg = ctx.config.classifier
    try:
        return Scorer.load(model or cfg.model or None, rules or cfg.rules or None, dict(cfg.thresholds))
    except (ModelError, RulesError) as exc:
        raise UsageError(str(exc)) from exc


def _input_rows(path: str, column: str, meta_columns: Sequence[str]) -> Iterator[Row]:
    """The rows to classify, read as they are needed (stdin line by line as it arrives, a file a line at a time):
    memory stays flat however long the input is. A bad row far down the file is a UsageError raised when it is
    reached, naming its line."""
    from classifier.dataset import DataError, iter_texts

    if path == "-":
        # every line is a row, blank ones too, so `row` in the output is the input's line number - 1
        for line in sys.stdin:
            yield line.rstrip("\r\n"), None
        return
    try:
        yield from iter_texts(path, column, meta_columns)
    except DataError as exc:
        raise UsageError(str(exc)) from exc


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    """Rows in batches of 1, 2, 4 ... up to BATCH: the first result is written as soon as the first row is read,
    and long inputs are still scored BATCH rows at a time."""
    size = 1
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
            size = min(size * 2, BATCH)
    if batch:
        yield batch


def _check_meta(path: str, columns: list[str], scorer: Any) -> None:
    """--meta-column is refused for models that read no metadata, and for stdin (plain lines have no columns)."""
    if not columns:
        return
    if not scorer.shape:
        raise UsageError(f"mô hình {scorer.version} không được huấn luyện với shape = true: không đọc --meta-column")
    if path == "-":
        raise UsageError("--meta-column cần --input là tệp CSV/JSONL, không dùng được với -")


def _read_meta(path: str, columns: list[str], scorer: Any, n: int) -> list[dict[str, str]] | None:
    """Row metadata for --meta-column, or None without it; refused for models that read none."""
    if not columns:
        return None
    _check_meta(path, columns, scorer)
    from classifier.dataset import DataError, read_meta

    try:
        meta = read_meta(path, columns)
    except DataError as exc:
        raise UsageError(str(exc)) from exc
    assert len(meta) == n
    return meta


def classify_cmd(args: argparse.Namespace, ctx: Context) -> int:
    """Reads, scores and writes BATCH rows at a time. An error in the input (a missing file or column: before
    anything is written; a bad row further down: when it is reached) is a UsageError naming the file and line;
    on stdout the rows before it are already written, while --output FILE is then left as it was."""
    scorer = _load_scorer(ctx, args.model, args.rules)
    _check_meta(args.input, args.meta_column, scorer)
    batches = _batches(_input_rows(args.input, args.text_column, args.meta_column))
    first = next(batches, None)  # a missing file or column is said before the output is touched
    rows = chain([first] if first else [], batches)
    if args.output == "-":
        _write_scores(ctx.out, scorer, rows)
        return 0
    from pathlib import Path

    from classifier.atomic_file import open_in_place, replaceable, replacing_text

    target = Path(args.output)
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        if not replaceable(target):  # a device or a pipe (/dev/full, a FIFO): written in place
            with open_in_place(target, "w", encoding="utf-8") as out:
                _write_scores(cast(TextIO, out), scorer, rows)
            return 0
        # FILE is replaced only once every row is written: Ctrl-C or a bad input row leaves the previous results
        with replacing_text(target) as out:
            _write_scores(out, scorer, rows)
    except OSError as exc:  # missing folder, disk full ...: not the user's typing, so exit 1 (not a usage error)
        raise CanhgacError(f"không ghi được tệp {args.output}: {reason_vi(exc)}") from None
    return 0


def _write_scores(out: TextIO, scorer: Any, batches: Iterable[list[Row]]) -> None:
    """One JSON line per row; each batch is flushed, so a reader at the other end of a pipe gets it now."""
    start = 0
    for batch in batches:
        texts = [text for text, _ in batch]
        meta = [m for _, m in batch] if batch[0][1] is not None else None
        for i, res in enumerate(scorer.score_many(texts, meta=meta), start):
            obj = res.to_json()
            row = {"row": i, "label": obj["label"], "scores": obj["scores"], "flags": obj["flags"],
                   "evidence": obj["evidence"], "locality": obj["locality"], "language": obj["language"],
                   "model": obj["model"]}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
        start += len(batch)


def evaluate_cmd(args: argparse.Namespace, ctx: Context) -> int:
    from classifier.dataset import DataError, parse_label_map, read_labelled
    from classifier.train import EvaluationError, evaluate

    scorer = _load_scorer(ctx, args.model, None)
    try:
        data = read_labelled(args.data, args.text_column, args.label_column, parse_label_map(args.label_map))
    except DataError as exc:
        raise UsageError(str(exc)) from exc
    if not data.texts:
        raise UsageError(f"{args.data}: không có dòng nào")
    meta = _read_meta(args.data, args.meta_column, scorer, len(data.texts))
    try:
        report = evaluate(scorer, data.texts, data.labels, meta=meta, lines=data.lines, source=args.data)
    except EvaluationError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        ctx.print(json.dumps(report, ensure_ascii=False))
        return 0
    _print_report(ctx, report)
    return 0


def _print_report(ctx: Context, report: dict[str, Any]) -> None:
    from review.cli.table import render

    ctx.print(f"Mô hình {report['model']}, {report['rows']} dòng")
    ctx.print("Phương pháp: " + (_EVAL_METHOD_VI.get(report["mode"]) or report["method"]))
    first = "lớp" if report["mode"] == "exclusive" else "nhóm"
    rows = [[n, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["support"])]
            for n, m in report["per_class"].items()]
    ctx.print(render([first, "độ chính xác", "độ phủ", "f1", "số mẫu"], rows))
    over = "các lớp" if report["mode"] == "exclusive" else "các nhóm"
    ctx.print(f"macro-F1 (trên {over} có trong dữ liệu): {report['macro_f1']:.3f}")
    if report["mode"] == "exclusive":
        names: Sequence[str] = report["confusion"]["labels"]
        ctx.print("Ma trận nhầm lẫn (hàng: nhãn đúng, cột: dự đoán)")
        ctx.print(render(["", *names], [[n, *map(str, r)]
                                        for n, r in zip(names, report["confusion"]["matrix"], strict=True)]))
        return
    ctx.print("Nhầm lẫn theo từng nhóm (nhãn đúng / gắn cờ)")
    ctx.print(render(["nhóm", "gắn cờ đúng", "gắn cờ nhầm", "bỏ sót", "không gắn cờ, đúng"],
                     [[c, str(m[1][1]), str(m[0][1]), str(m[1][0]), str(m[0][0])]
                      for c, m in report["confusion"]["per_category"].items()]))
