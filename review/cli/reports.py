"""`canhgac stats` and `canhgac export`: how the flags perform, and files for other agencies and the
yearly report."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from classifier.os_errors import reason_vi
from review.cli.context import Context
from review.cli.table import age, render
from review.errors import UsageError
from review.export import FORMATS, KINDS, build_export, write_text, write_xlsx
from review.filters import YEAR_MIN, check_window, check_year, parse_when
from review.vi import VN_TZ, category_vi


def register(sub: Any) -> None:
    p = sub.add_parser("stats", help="theo từng nhóm: số gắn cờ, đã quyết định, độ chính xác, thời gian xử lý, tồn đọng")
    p.add_argument("--since", help="các mục vào hàng chờ từ: DD/MM/YYYY, YYYY-MM-DD (giờ Việt Nam) hoặc 30d")
    p.add_argument("--json", action="store_true", help="xuất dạng JSON cho máy đọc")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("export", help="xuất quyết định, mục bị gắn cờ hoặc nhật ký kiểm toán; hoặc báo cáo tổng kết năm",
                       description="Xuất dữ liệu để chia sẻ giữa các cơ quan (csv|jsonl|xlsx), hoặc `export summary "
                                   "--year Y` để lập sổ báo cáo tổng kết năm.")
    p.add_argument("kind", choices=[*KINDS, "summary"], help="loại dữ liệu cần xuất")
    p.add_argument("--since", help="từ ngày (tính cả ngày này): DD/MM/YYYY hoặc YYYY-MM-DD, giờ Việt Nam")
    p.add_argument("--until", help="đến ngày (không tính ngày này, phải sau --since): DD/MM/YYYY hoặc YYYY-MM-DD")
    p.add_argument("--year", type=int,
                   help=f"với summary: năm cần tổng kết, từ {YEAR_MIN} đến năm sau (mặc định: năm nay)")
    p.add_argument("--format", choices=FORMATS,
                   help="định dạng (mặc định: theo đuôi tệp --output .csv/.jsonl/.xlsx; không có thì csv)")
    p.add_argument("--output", "-o", metavar="PATH",
                   help="tệp cần ghi (mặc định: in ra màn hình; với xlsx, không ghi thì tự đặt tên tệp)")
    p.set_defaults(handler=cmd_export)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 3600:
        return f"{int(seconds // 60)}ph"
    if seconds < 86400:
        return f"{seconds / 3600:.1f}g"
    return f"{seconds / 86400:.1f}ng"


def cmd_stats(args: argparse.Namespace, ctx: Context) -> int:
    since = parse_when(args.since) if args.since else None
    stats = ctx.store.stats(since)
    now = datetime.now(UTC)
    if args.json:
        ctx.print(json.dumps([{
            "category": s.category, "flagged": s.flagged, "decided": s.decided, "confirmed": s.confirmed,
            "dismissed": s.dismissed, "precision": s.precision,
            "median_to_decision_s": s.median_to_decision.total_seconds() if s.median_to_decision else None,
            "backlog": s.backlog,
            "oldest_open": s.oldest_open.isoformat() if s.oldest_open else None} for s in stats],
            ensure_ascii=False, indent=2))
        return 0
    if not stats:
        ctx.print("Chưa có mục nào được gắn cờ" + (" trong khoảng thời gian này." if since else "."))
        return 0
    rows = [(s.category, category_vi(s.category), s.flagged, s.decided,
             f"{s.precision:.0%}" if s.precision is not None else "-",
             _duration(s.median_to_decision.total_seconds() if s.median_to_decision else None),
             s.backlog, age(s.oldest_open, now)) for s in stats]
    ctx.print(render(["nhóm", "tên", "gắn cờ", "đã quyết định", "độ chính xác", "trung vị thời gian xử lý",
                      "tồn đọng", "mục tồn lâu nhất"], rows, max_col=34))
    ctx.print("Độ chính xác = vi phạm (kể cả chuyển cơ quan chức năng) ÷ (vi phạm + bỏ qua); "
              "với nhóm tích cực: tôn vinh ÷ (tôn vinh + bỏ qua).")
    return 0


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A file that cannot be written (missing folder, no permission, disk full) is a usage error."""
    try:
        yield
    except OSError as exc:
        raise UsageError(f"không ghi được tệp {path}: {reason_vi(exc)}") from None


#: The format an output file's extension names.
SUFFIX_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}


def export_format(fmt: str | None, output: str | None, kind: str) -> str:
    """The format to write: --format, else the one --output's extension names, else csv. A --format that
    contradicts the extension, or an extension that names no format we write, is a usage error (a .xlsx
    file holding CSV opens as garbage)."""
    suffix = Path(output).suffix.lower() if output else ""
    if kind == "summary":
        if fmt not in (None, "xlsx"):
            raise UsageError(f"báo cáo tổng kết năm chỉ xuất được dạng xlsx, không phải --format {fmt}")
        if suffix and suffix != ".xlsx":
            raise UsageError(f"báo cáo tổng kết năm là tệp xlsx: hãy đặt tên tệp --output đuôi .xlsx (không phải {suffix})")
        return "xlsx"
    named = SUFFIX_FORMATS.get(suffix)
    if fmt is None:
        if suffix and named is None:
            raise UsageError(f"không biết xuất tệp {output} theo định dạng nào (đuôi {suffix}): dùng đuôi "
                             f"{', '.join(SUFFIX_FORMATS)} hoặc ghi rõ --format ({', '.join(FORMATS)})")
        return named or "csv"
    if named is not None and named != fmt:
        raise UsageError(f"--format {fmt} mâu thuẫn với đuôi tệp {output} ({named}): bỏ --format để xuất theo đuôi "
                         f"tệp, hoặc đổi tên tệp cho khớp")
    return fmt


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    since = parse_when(args.since) if args.since else None
    until = parse_when(args.until, end=True) if args.until else None
    check_window(since, until)
    args.format = export_format(args.format, args.output, args.kind)
    if args.kind == "summary":
        from review.yearly import summarize, write_summary, year_window

        year = check_year(args.year) if args.year is not None else datetime.now(VN_TZ).year
        start, end = year_window(year)
        if (since or start) >= (until or end):  # one of --since/--until given, beyond the other end of the year
            raise UsageError(f"kỳ báo cáo không có ngày nào: --since phải trước ngày hết năm {year}, --until phải sau "
                             f"ngày đầu năm {year} (hoặc ghi cả --since và --until)")
        summary = summarize(ctx.store, since or start, until or end)
        path = Path(args.output or f"canhgac-tong-ket-{year}.xlsx")
        with _writing(path):
            write_summary(summary, path)
        ctx.err.write(f"Đã ghi báo cáo tổng kết năm {year}: {path} ({summary.total} mục gắn cờ)\n")
        return 0
    export = build_export(ctx.store, args.kind, since, until)
    if args.format == "xlsx":
        stamp = datetime.now(VN_TZ).strftime("%Y%m%d")
        path = Path(args.output or f"canhgac-{args.kind}-{stamp}.xlsx")
        with _writing(path):
            n = write_xlsx(export, path)
        ctx.err.write(f"Đã xuất {n} dòng {args.kind} vào {path}\n")
        return 0
    if args.output:
        with _writing(Path(args.output)), open(args.output, "w", encoding="utf-8", newline="") as f:
            n = write_text(export, args.format, f)
        ctx.err.write(f"Đã xuất {n} dòng {args.kind} vào {args.output}\n")
    else:
        n = write_text(export, args.format, ctx.out if ctx.out is not None else sys.stdout)
    return 0
