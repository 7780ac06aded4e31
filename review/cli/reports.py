"""`canhgac stats` and `canhgac export`: how the flags perform, and files for other agencies and the
yearly report."""

from __future__ import annotations

import argparse
import errno
import json
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from classifier.atomic_file import discard, open_in_place, replaceable, sync_path, temp_beside
from classifier.os_errors import reason_vi
from review.cli.context import Context
from review.cli.entryview import BELOW_THRESHOLD_VI
from review.cli.export_target import STDOUT, xlsx_output
from review.cli.table import age, render, zone_vi
from review.errors import UsageError
from review.export import FORMATS, KINDS, XLSX_CELL_MAX, Export, build_export, write_text, write_xlsx
from review.export_filter import ExportFilter
from review.export_headers import HEADER_MODES, for_officers, header_mode
from review.export_interrupt import CtrlCHeld
from review.filters import (
    YEAR_MIN,
    check_category,
    check_each,
    check_status,
    check_verdict,
    check_window,
    parse_when,
)
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
                   help=f"với summary: năm cần tổng kết, từ {YEAR_MIN} đến năm sau (mặc định: năm nay); --since/--until "
                        "chỉ được thu hẹp trong năm đó")
    p.add_argument("--format", choices=FORMATS,
                   help="định dạng (mặc định: theo đuôi tệp --output .csv/.jsonl/.xlsx; không có thì csv)")
    p.add_argument("--output", "-o", metavar="PATH",
                   help="tệp cần ghi (mặc định: in ra màn hình; với xlsx, không ghi thì tự đặt tên tệp)")
    p.add_argument("--headers", choices=HEADER_MODES,
                   help="tên cột và giờ: vi = tên cột tiếng Việt, giờ theo [digest] timezone dạng dd/mm/yyyy HH:MM (mặc "
                        "định của xlsx, để mở bằng Excel; dùng được với csv); en = tên cột tiếng Anh, giờ ISO 8601 UTC "
                        "cho phần mềm khác đọc (mặc định của csv và jsonl)")
    p.add_argument("--include-reporters", action="store_true",
                   help="với audit: giữ tên/liên hệ người dân phản ánh (mặc định ẩn vì tệp xuất được gửi ra ngoài)")
    p.add_argument("--include-undone", action="store_true",
                   help="với decisions: xuất cả quyết định đã hoàn tác, có cột undone (true/false) và thời điểm, "
                        "người, lý do hoàn tác (mặc định chỉ xuất quyết định đang có hiệu lực)")
    p.add_argument("--category",
                   help="với items: các mục như queue --category liệt kê (mục chưa quyết định hoặc bỏ qua: bị gắn cờ "
                        "nhóm này, bất kỳ cờ nào; mục đã quyết định: nhóm ghi trong quyết định); "
                        "với decisions: chỉ các quyết định ghi nhóm này; nhiều nhóm cách nhau bằng dấu phẩy "
                        "(scam,misinformation)")
    p.add_argument("--status", help="với items: open (chờ duyệt), claimed (đang xử lý), decided (đã quyết định); "
                                    "nhiều trạng thái cách nhau bằng dấu phẩy")
    p.add_argument("--verdict", help="với decisions: violation, warn, dismiss, escalate, commend; nhiều kết luận cách "
                                     "nhau bằng dấu phẩy")
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
            "warned": s.warned, "dismissed": s.dismissed, "precision": s.precision,
            "median_to_decision_s": s.median_to_decision.total_seconds() if s.median_to_decision else None,
            "backlog": s.backlog,
            "oldest_open": s.oldest_open.isoformat() if s.oldest_open else None} for s in stats],
            ensure_ascii=False, indent=2))
        return 0
    if not stats:
        ctx.print("Chưa có mục nào được gắn cờ" + (" trong khoảng thời gian này." if since else "."))
        return 0
    rows = [(s.category, category_vi(s.category), s.flagged, s.decided, s.warned, s.dismissed,
             f"{s.precision:.0%}" if s.precision is not None else "-",
             _duration(s.median_to_decision.total_seconds() if s.median_to_decision else None),
             s.backlog, age(s.oldest_open, now)) for s in stats]
    ctx.print(render(["nhóm", "tên", "gắn cờ", "đã quyết định", "đã cảnh báo", "bỏ qua", "độ chính xác",
                      "trung vị thời gian xử lý", "tồn đọng", "mục tồn lâu nhất"], rows, max_col=34))
    ctx.print("Độ chính xác = vi phạm (kể cả đã cảnh báo, chuyển cơ quan chức năng) ÷ (vi phạm + bỏ qua); "
              "với nhóm tích cực: tôn vinh ÷ (tôn vinh + bỏ qua). «bỏ qua» = cờ sai cán bộ đã bỏ qua (dương tính giả).")
    below = ctx.store.below_threshold_waiting()
    if below:  # no flag rows any more, so on no category's row above
        ctx.print(f"Ngoài ra {below} mục {BELOW_THRESHOLD_VI} (chưa quyết định, không tính vào «tồn đọng» ở trên).")
    return 0


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A file that cannot be written (missing folder, no permission, disk full) is a usage error."""
    try:
        yield
    except OSError as exc:
        raise UsageError(f"không ghi được tệp {path}: {reason_vi(exc)}") from None


@contextmanager
def _replacing(path: Path, held: CtrlCHeld | None = None) -> Iterator[Path]:
    """The file to write `path`'s new content into: a new file beside it, put in its place only once complete
    and on the disk. Ctrl-C or a failed write (disk full, a database error) midway then keeps the previous file
    and leaves no partial one, which would look like a whole export to whoever receives it. A path that is not a
    regular file (`/dev/stdout`, a named pipe), or a writable file in a folder we may not add files to, is written
    in place (open it with `open_in_place`); a symbolic link's target is replaced, not the link. The temporary
    file gets a name nobody can guess and is created anew (never through a symlink planted in the folder).
    `held`: Ctrl-C held from just before the replace (`review.export_interrupt`)."""
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not replaceable(path):  # a device or a pipe, also /dev/stdout redirected to a file
        yield path
        if held is not None:  # written whole
            held.start()
        return
    target = Path(os.path.realpath(path))
    if st is not None and not os.access(target, os.W_OK):  # replacing it would get round them
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    try:
        tmp = temp_beside(target)  # the permissions of the file it replaces; a new one's: umask applies
    except PermissionError:
        if st is None:
            raise
        yield path
        if held is not None:
            held.start()
        return
    try:
        yield tmp
        sync_path(tmp)
        if held is not None:
            held.start()
        os.replace(tmp, target)
    except BaseException:
        discard(tmp)
        raise


def _not_the_database(ctx: Context, path: Path) -> None:
    """Refuse to write an export over the SQLite database it is read from (`--format csv -o canhgac.db`)."""
    from sqlalchemy.engine import make_url

    url = make_url(ctx.config.database.url)
    db = url.database if url.get_backend_name() == "sqlite" else None
    if db and db != ":memory:" and path.exists() and Path(db).exists() and os.path.samefile(path, db):
        raise UsageError(f"không ghi được tệp {path}: đó là cơ sở dữ liệu của canhgac ([database] url); "
                         "hãy chọn tên tệp khác")


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


def _export_summary(args: argparse.Namespace, ctx: Context, since: datetime | None, until: datetime | None,
                    held: CtrlCHeld) -> int:
    from review.yearly import summarize, write_summary
    from review.yearly_period import period_text, report_title, summary_file_name, summary_period

    year, first, after = summary_period(args.year, since, until)
    # a period of its own gets a file of its own: `canhgac-tong-ket-<this year>.xlsx` is the year's report
    name = summary_file_name(year if since is None and until is None else None, first, after)
    # `-o -` is standard output, a terminal refused (exit 2) before anything is read, as for the other kinds
    output = xlsx_output(args.output, name.removeprefix("canhgac-").removesuffix(".xlsx"))
    path = Path(output or name)
    _not_the_database(ctx, path)
    summary = summarize(ctx.store, first, after, year=year, retention_days=ctx.config.review.retention_days,
                        locality=ctx.config.review.locality, office=ctx.config.review.office)
    with _writing(path), _replacing(path, held) as tmp:
        write_summary(summary, tmp)
    title = report_title(summary.year, summary.since, summary.until)
    if " kỳ " not in title:  # a whole year: its days too, as the data is counted by them
        title += f" (kỳ {period_text(summary.since, summary.until)})"
    where = "đầu ra chuẩn" if args.output == STDOUT else str(path)
    ctx.err.write(f"Đã ghi {title[0].lower()}{title[1:]}: {where} ({summary.total} mục gắn cờ)\n")
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    held = CtrlCHeld()
    try:
        return _export(args, ctx, held)
    finally:
        if held.started:  # the file is in place: the database is closed while Ctrl-C is held (`main` then has none)
            ctx.close()
        held.end()


def _export(args: argparse.Namespace, ctx: Context, held: CtrlCHeld) -> int:
    if args.year is not None and args.kind != "summary":  # else exported whole, exit 0: looks like the year's data
        raise UsageError(f"--year chỉ dùng với `export summary`; để xuất {args.kind} của một năm, hãy ghi --since và "
                         f"--until (ví dụ --since 01/01/{args.year} --until 01/01/{args.year + 1})")
    since = parse_when(args.since) if args.since else None
    until = parse_when(args.until, end=True) if args.until else None
    check_window(since, until)
    if args.include_undone and args.kind != "decisions":
        raise UsageError("--include-undone chỉ dùng với `export decisions`")
    if args.include_reporters and args.kind != "audit":  # summary too (it was ignored there): it names no reporter
        raise UsageError("--include-reporters chỉ dùng với `export audit`" + (
            ": báo cáo tổng kết năm (`export summary`) chỉ đếm phản ánh, không ghi tên hay liên hệ người phản ánh"
            if args.kind == "summary" else ""))
    only = _export_filter(args)
    if args.headers is not None and args.kind == "summary":
        raise UsageError("--headers không dùng với `export summary`: báo cáo tổng kết năm luôn bằng tiếng Việt")
    args.format = export_format(args.format, None if args.output == STDOUT else args.output, args.kind)
    if args.kind == "summary":
        return _export_summary(args, ctx, since, until, held)
    headers = header_mode(args.headers, args.format)
    if args.format == "xlsx":
        args.output = xlsx_output(args.output, args.kind)
    elif args.output == STDOUT:
        args.output = None
    export = build_export(ctx.store, args.kind, since, until, include_reporters=args.include_reporters,
                          include_undone=args.include_undone, only=only)
    if headers == "vi":
        tz = ctx.config.digest.timezone
        export = for_officers(export, tz, zone_vi(tz))
    try:
        return _write_export(args, ctx, export, only, held)
    finally:
        if export.masked[0]:
            ctx.err.write(f"Lưu ý: đã ẩn tên/liên hệ người phản ánh ở {export.masked[0]} dòng nhật ký (mã băm của các dòng "
                          "đó vì thế không khớp nội dung xuất; kiểm tra chuỗi bằng `canhgac audit verify`). Thêm "
                          "--include-reporters để giữ nguyên.\n")


#: What an export holds, as the line saying it was written names it ("Đã xuất 12 dòng quyết định vào …").
_KIND_VI = {"decisions": "quyết định", "items": "mục bị gắn cờ", "audit": "nhật ký kiểm toán"}


#: The kinds each filter option applies to.
_FILTER_KINDS = {"category": ("items", "decisions"), "status": ("items",), "verdict": ("decisions",)}


def _export_filter(args: argparse.Namespace) -> ExportFilter:
    """--category/--status/--verdict as checked values; one given for a kind it does not apply to is a usage error
    (ignored, the whole log or every decision would be written under a name that says otherwise)."""
    for option, kinds in _FILTER_KINDS.items():
        if getattr(args, option) is not None and args.kind not in kinds:
            raise UsageError(f"--{option} chỉ dùng với " + " hoặc ".join(f"`export {k}`" for k in kinds))
    return ExportFilter(categories=check_each(args.category, check_category),
                        statuses=check_each(args.status, check_status),
                        verdicts=check_each(args.verdict, check_verdict))


def _write_export(args: argparse.Namespace, ctx: Context, export: Export, only: ExportFilter, held: CtrlCHeld) -> int:
    if args.format == "xlsx":
        stamp = datetime.now(VN_TZ).strftime("%Y%m%d")
        path = Path(args.output or f"canhgac-{args.kind}-{stamp}.xlsx")
        _not_the_database(ctx, path)
        with _writing(path), _replacing(path, held) as tmp:
            written = write_xlsx(export, tmp)
        ctx.err.write(f"Đã xuất {written.rows} dòng {_KIND_VI.get(args.kind, args.kind)}{only.said_vi(args.kind)} "
                      f"vào {path}\n")
        if written.cut:
            ctx.err.write(f"Lưu ý: {written.cut} ô dài hơn {XLSX_CELL_MAX} ký tự (giới hạn của Excel) đã bị cắt bớt và "
                          "ghi rõ trong ô; xuất --format csv hoặc jsonl để có nội dung đầy đủ.\n")
        return 0
    if args.output:
        _not_the_database(ctx, Path(args.output))
        with _writing(Path(args.output)), _replacing(Path(args.output), held) as tmp, \
                open_in_place(tmp, "w", encoding="utf-8", newline="") as f:
            n = write_text(export, args.format, f)
        ctx.err.write(f"Đã xuất {n} dòng {_KIND_VI.get(args.kind, args.kind)}{only.said_vi(args.kind)} vào "
                      f"{args.output}\n")
    else:
        out = ctx.out if ctx.out is not None else sys.stdout
        try:
            n = write_text(export, args.format, out)
            out.flush()  # here, so a full disk behind `> file.csv` is told like one behind -o
        except BrokenPipeError:
            raise  # the reader stopped (`| head`): exit 141, quietly
        except OSError as exc:
            raise UsageError(f"không ghi được kết quả xuất ra đầu ra chuẩn: {reason_vi(exc)}") from None
        held.start()  # all of it written (`> items.csv` is a file to the officer): done, as after a file's replace
    return 0
