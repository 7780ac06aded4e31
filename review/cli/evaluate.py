"""`canhgac evaluate`: a model's precision, recall and F1 per class or category on labelled data.

The report itself is computed by `classifier.train.evaluate`; this module reads the data, refuses what the
model cannot read (--meta-column for a model without shape) and prints the report as Vietnamese tables
(or JSON with --json). Without --model it evaluates the model that scores the office's pages (`model_in_use`):
what an officer asking "how good is our model on this data?" means, also after a retrain was activated.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from review.cli.classify import check_meta, load_scorer
from review.cli.context import Context
from review.errors import UsageError

#: `canhgac evaluate --model`'s help (registered in `review.cli.model`): what is evaluated when it is not given
MODEL_HELP = ("tệp mô hình (mặc định: mô hình đang dùng để chấm điểm — mô hình đã đưa vào sử dụng bằng "
              "`canhgac train --from-decisions --activate`, không có thì [classifier] model trong tệp cấu hình, "
              "không có nữa thì mô hình kèm theo phần mềm)")

_EVAL_METHOD_VI = {
    "exclusive": "mô hình một nhãn: nhãn dự đoán so với nhãn duy nhất của mỗi dòng (clean = không thuộc nhóm nào)",
    "multilabel": "mô hình nhiều nhãn: mỗi nhóm chấm như một bài toán hai lớp (gắn cờ hay không, so với mọi nhãn "
                  "của dòng); macro-F1 tính trên các nhóm",
}


def _read_meta(path: str, columns: list[str], scorer: Any, n: int) -> list[dict[str, str]] | None:
    """Row metadata for --meta-column, or None without it; refused for models that read none."""
    if not columns:
        return None
    check_meta(path, columns, scorer)
    from classifier.dataset import DataError, read_meta

    try:
        meta = read_meta(path, columns)
    except DataError as exc:
        raise UsageError(str(exc)) from exc
    assert len(meta) == n
    return meta


def model_in_use(ctx: Context) -> str | None:
    """The model the office's pages are scored with (`review.model_in_use`); why an activated model is not it is
    told on stderr."""
    from review.model_in_use import model_in_use_told

    return model_in_use_told(ctx)


def evaluate_cmd(args: argparse.Namespace, ctx: Context) -> int:
    from classifier.dataset import DataError, parse_label_map, read_labelled
    from classifier.train import EvaluationError, evaluate

    scorer = load_scorer(ctx, args.model or model_in_use(ctx), None)
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
