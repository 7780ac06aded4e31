"""`canhgac train | classify | evaluate`: the classifier's command group.

None of these commands needs a database; without --model, `classify` scores with the model in use (one
activated by `train --from-decisions --activate`, read from the database when there is one), else the config's
[classifier] model, else the bundled default.

This module holds the group's arguments; each command's handler lives in a module of its own:
review.cli.train, review.cli.classify and review.cli.evaluate. After `train --from-decisions --activate` it adds
how many waiting entries still carry another model's score, and the command that scores them again
(`review.rescore_pending`): the daemon never rescores, a person decides.
"""

from __future__ import annotations

import argparse
from typing import Any

from review.cli.classify import classify_cmd
from review.cli.context import Context
from review.cli.evaluate import MODEL_HELP as EVALUATE_MODEL_HELP
from review.cli.evaluate import evaluate_cmd
from review.cli.train import train_cmd

__all__ = ["classify_cmd", "evaluate_cmd", "register", "train_cmd", "train_then_tell"]

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
    p.add_argument("--recipe", metavar="FILE", help="tệp TOML công thức mô hình (mặc định: exclusive_recipe.toml "
                   "khi mỗi dòng một nhãn, default_recipe.toml khi có dòng mang nhiều nhãn)")
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
    p.set_defaults(handler=train_then_tell)

    p = sub.add_parser("classify", help="chấm điểm văn bản: mỗi dòng đầu vào ra một đối tượng JSON")
    p.add_argument("--model", metavar="MODEL", help="tệp mô hình (mặc định: mô hình đang dùng như `canhgac status` cho "
                                                    "biết: mô hình đã kích hoạt sau huấn luyện lại, nếu không thì theo "
                                                    "cấu hình, không có thì mô hình kèm theo phần mềm)")
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
    p.add_argument("--model", metavar="MODEL", help=EVALUATE_MODEL_HELP)
    p.add_argument("--data", required=True, metavar="FILE", help="tệp CSV/JSONL đã gán nhãn")
    p.add_argument("--text-column", default="text", metavar="C", help="cột văn bản (mặc định: text)")
    p.add_argument("--label-column", default="labels", metavar="L", help="cột nhãn (mặc định: labels)")
    p.add_argument("--label-map", metavar="MAP", help="ví dụ 0=clean,1=offensive,2=hate")
    p.add_argument("--meta-column", action="append", default=[], metavar="NAME",
                   help=_META_HELP)
    p.add_argument("--json", action="store_true", help="xuất dạng JSON cho máy đọc")
    p.set_defaults(handler=evaluate_cmd)


def train_then_tell(args: argparse.Namespace, ctx: Context) -> int:
    """`train_cmd`; once `--activate` has put a new model in use (exit 0), the waiting entries it did not score."""
    code = train_cmd(args, ctx)
    if code == 0 and args.from_decisions and args.activate:
        from review.rescore_pending import other_model_line, waiting_scored_by_other_model

        found = waiting_scored_by_other_model(ctx.config.classifier, ctx.store)
        note = other_model_line(found) if found is not None else None
        if note:
            ctx.print(note)
    return code
