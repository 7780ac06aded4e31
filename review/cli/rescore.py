"""`canhgac rescore [--source NAME] [--since D] [--apply] [--as NAME]`: score the waiting queue again.

After moderators' decisions (the known-item bank) or an activated retrain, the entries already waiting keep the
scores they were queued with. This command scores the undecided ones again with the model in use (as `canhgac
status` and `classify` resolve it), the config's rules and thresholds and the bank (`review.rescore`). A dry run
by default; `--apply` writes, as a listed moderator (like `train --activate`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from review.cli.context import Context
from review.errors import UsageError
from review.rescore import BELOW_THRESHOLD_PENALTY, RescoreReport, rescore_queue
from review.rescore_report import SHOWN
from review.vi import category_vi


def register(sub: Any) -> None:
    p = sub.add_parser("rescore", help="chấm lại các mục đang chờ duyệt theo mô hình, quy tắc và kho mẫu hiện hành "
                                       "(mặc định chạy thử; --apply để ghi)")
    p.add_argument("--source", metavar="NAME", help="chỉ các mục của nguồn này")
    p.add_argument("--since", metavar="D", help="chỉ các mục vào hàng chờ từ thời điểm này (2026-11-01, 01/11/2026, 7d)")
    p.add_argument("--apply", action="store_true",
                   help="ghi kết quả chấm lại (mặc định chỉ chạy thử và báo cáo, không thay đổi gì)")
    p.add_argument("--as", dest="moderator", metavar="NAME", default=argparse.SUPPRESS,
                   help="thực hiện với tư cách cán bộ duyệt này (như --as đặt trước lệnh)")
    p.set_defaults(handler=cmd_rescore)


def cmd_rescore(args: argparse.Namespace, ctx: Context) -> int:
    from review.cli.classify import load_scorer
    from review.cli.evaluate import model_in_use
    from review.cli.queue_view import unknown_source
    from review.filters import parse_when

    since = parse_when(args.since) if args.since else None
    me = ctx.moderator() if args.apply else None  # refused before anything is scored
    unknown = unknown_source(ctx, args.source)
    if unknown:
        raise UsageError(unknown)
    scorer = load_scorer(ctx, model_in_use(ctx), None)
    report = rescore_queue(ctx.store, scorer, bank=ctx.store.load_bank(), office_locality=ctx.config.review.locality,
                           source=args.source, since=since, apply=args.apply, actor=me)
    for line in report_lines(report, sorted(report.claimed_changed)):
        ctx.print(line)
    return 0


def _cat(category: str, score: float) -> str:
    return f"{category_vi(category).split(',')[0]} ({score:.2f})"


def report_lines(r: RescoreReport, claimed_changed: Sequence[int] = ()) -> list[str]:
    """The report in Vietnamese: what was (or would be) changed. `claimed_changed`: entries someone holds that the
    run changed (a new version), named so that their holders look again; nothing is said when there is none."""
    would = "" if r.applied else "sẽ "
    lines = [f"Chấm lại {r.scored} mục đang chờ duyệt bằng mô hình {r.model_version}"
             + (" (đã ghi kết quả)." if r.applied else " (chạy thử: chưa ghi gì).")]
    changed = r.scored - r.unchanged - r.skipped
    lines.append(f"Có thay đổi: {changed} mục — điểm nhóm chính {would}tăng: {r.rose}, {would}giảm: {r.fell}, "
                 f"chỉ đổi căn cứ hoặc điểm nhóm khác: {changed - r.rose - r.fell}; không đổi: {r.unchanged}.")
    if r.below:
        lines.append(f"Không còn vượt ngưỡng nhóm nào: {r.below} mục — dưới ngưỡng sau chấm lại ({would}giữ trong "
                     f"hàng chờ, không xóa; bỏ cờ và xếp cuối hàng, ưu tiên dưới {-BELOW_THRESHOLD_PENALTY / 2:.0f}):")
        lines += [f"  #{c.entry_id}  {_cat(c.old_top, c.old_score)} → {_cat(c.new_top, c.new_score)}"
                  for c in r.below_listed]
        if r.below > len(r.below_listed):
            lines.append(f"  … và {r.below - len(r.below_listed)} mục khác")
    if r.gained:
        lines.append(f"Có thêm nhóm mới: {r.gained} mục:")
        lines += [f"  #{c.entry_id}  + " + ", ".join(category_vi(g).split(",")[0] for g in c.gained)
                  + f"  (nhóm chính: {_cat(c.old_top, c.old_score)} → {_cat(c.new_top, c.new_score)})"
                  for c in r.gained_listed]
        if r.gained > len(r.gained_listed):
            lines.append(f"  … và {r.gained - len(r.gained_listed)} mục khác")
    if r.skipped:
        lines.append(f"Bỏ qua {r.skipped} mục đã được quyết định hoặc chấm điểm lại trong lúc chạy.")
    if r.failed:
        lines.append(f"Không chấm được {r.failed} mục (giữ nguyên điểm cũ).")
    if r.applied:
        lines.append("Đã ghi nhật ký kiểm toán (rescore).")
        if claimed_changed:
            shown = ", ".join(f"#{i}" for i in claimed_changed[:SHOWN])
            more = f" và {len(claimed_changed) - SHOWN} mục khác" if len(claimed_changed) > SHOWN else ""
            lines.append(f"{len(claimed_changed)} mục đang có người nhận đã thay đổi nhóm hoặc cờ ({shown}{more}): "
                         "người nhận cần xem lại (`canhgac show`) trước khi quyết định.")
    elif changed:
        lines.append("Chạy lại với --apply để ghi kết quả.")
    return lines
