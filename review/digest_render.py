"""The weekly summary as officials read it: Vietnamese HTML and the same content as plain text.

Titles, URLs, source names and errors come from crawled content or remote servers: every one goes
through `html.escape` in the HTML, and only http(s) URLs become links.

Verdicts are named as the moderators' CLI and docs name them (`review.vi.VERDICT_VI`): one mapping.
"Mục" counts items; per-category counts are flags ("cờ"), since one item may carry several. So the sections are
"phần" (the headings are numbered "1." to "7." in both parts), never "mục": "mục 4" reads as entry #4.

A week canhgac did not watch (`DigestData.coverage`: no configured source then, as the first digest after
`canhgac init` for the week before it) is said to be one — in the subject, the to-do line, the items line and
section 5 — rather than "tất cả nguồn hoạt động bình thường": its zeros mean nothing was looked at. With no
source configured at all (an office taking only citizen reports) the figures do tell the week: the to-do line and
section 5 say the digest holds only citizen reports, and the subject says nothing.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from classifier.categories import VI_LABELS
from review.digest import Case, DigestData, SourceProblem
from review.report_match import TEXT_REPORT_PREFIX
from review.vi import verdict_vi
from review.yearly_decisions import NO_SOURCE_VI

PROBLEM_VI = {"failing": "lỗi liên tiếp", "errors": "có lượt thu thập bị lỗi",
              "silent": "không có lượt thu thập nào trong tuần"}
#: A citizen's report pasted as text, as `show` says it (`review.cli.entryview`): its address is an internal key.
PASTED_VI = "nội dung dán vào, không có địa chỉ"
#: With no (enabled) source configured: the week's figures are its citizen reports', nothing went unwatched.
NONE_CONFIGURED = "chưa cấu hình nguồn thu thập nào: bản tin chỉ gồm phản ánh của người dân"
#: How many sources added during the week section 5 names (when each began to be watched); more are counted.
ADDED_DURING_NAMED = 5


def _problem_detail(p: SourceProblem, tz: str) -> str:
    """How often it went wrong: the failure streak and since when the source has not worked, or the week's runs
    with errors."""
    if p.problem == "failing":
        since = (f"thành công gần nhất {p.last_success.astimezone(ZoneInfo(tz)).strftime('%d/%m/%Y %H:%M')}"
                 if p.last_success is not None else "chưa thu thập thành công lần nào")
        return f"{p.consecutive_failures} lần; {since}"
    if p.problem == "errors":
        return f"{p.error_runs}/{p.runs} lượt trong tuần"
    return ""


def subject(data: DigestData) -> str:
    """The period as dates too: "2026-W47" alone means nothing to most readers."""
    return (f"[canhgac] Bản tin tuần {data.iso_week} ({data.days[0].strftime('%d/%m/%Y')} – {_last_day(data)}): "
            f"{data.flagged_items} mục bị gắn cờ, {data.backlog} mục chờ duyệt"
            + ("; chưa theo dõi nguồn nào" if data.coverage.unwatched else ""))


def _counted_at(data: DigestData, tz: str) -> str:
    """When the backlog was counted: it is the queue now, not at the week's end (the mail may go out days later)."""
    return data.generated_at.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")


def to_do(data: DigestData, tz: str) -> str:
    """What needs someone's action, said before the numbers; then, for a week not watched (wholly or from its
    start), that its numbers do not tell how the week went."""
    tasks = []
    if data.backlog:
        tasks.append(f"{data.backlog} mục đang chờ duyệt (cán bộ duyệt xử lý bằng lệnh canhgac review; phần 4)")
    if data.source_problems:
        tasks.append(f"{len(data.source_problems)} nguồn cần kiểm tra (phần 5)")
    head = "Cần xử lý: " + ("; ".join(tasks) if tasks else "không có việc tồn đọng") + "."
    if not data.coverage.configured:
        return f"{head} Lưu ý: {NONE_CONFIGURED}."
    if data.coverage.unwatched:
        return (f"{head} Lưu ý: tuần này chưa theo dõi nguồn nào ({_not_watched(data)}; phần 5), nên số liệu dưới "
                "đây không cho biết tình hình trong tuần.")
    since = _watched_since(data, tz)
    if since:
        return f"{head} Lưu ý: tuần này chỉ được theo dõi từ {since} (phần 5)."
    return head


def _not_watched(data: DigestData) -> str:
    """Why no configured source was watched: they were all added after the week."""
    return f"{data.coverage.added_later} nguồn đang cấu hình được thêm sau khi tuần kết thúc"


def _watched_since(data: DigestData, tz: str) -> str:
    """When the week's monitoring began, when every source watched was added during the week (canhgac installed
    mid-week): the earliest addition; "" when a source was watched from the week's start."""
    during = data.coverage.added_during
    if not during or len(during) < data.coverage.watched:
        return ""
    return _hhmm(min(at for _, at in during), tz)


def _items_note(data: DigestData, tz: str) -> str:
    """After the count of items collected: that nothing, or only part of the week, was watched."""
    if data.coverage.unwatched:
        return " (chưa theo dõi nguồn nào)"
    since = _watched_since(data, tz)
    return f" (theo dõi từ {since})" if since else ""


def _hhmm(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")


#: a source added on the week's last day that had not run by its end (`SourceCoverage.not_run_yet`)
NOT_RUN_YET_VI = "chưa chạy lượt nào"


def _no_problem(data: DigestData) -> str:
    """Section 5 without a problem: "all normal" only when every configured source was watched all week."""
    cov = data.coverage
    if not cov.configured:
        return NONE_CONFIGURED
    if not cov.watched:
        return f"chưa theo dõi nguồn nào trong tuần này: {_not_watched(data)}"
    if cov.not_run_yet and len(cov.not_run_yet) == cov.watched:  # all added on its last day, none run yet
        return "chưa nguồn nào chạy lượt thu thập đầu tiên (các nguồn mới được thêm vào ngày cuối tuần)"
    if cov.not_run_yet:
        return "các nguồn đã chạy trong tuần đều hoạt động bình thường"
    if cov.added_later or cov.added_during:
        return "các nguồn được theo dõi trong tuần đều hoạt động bình thường"
    return "tất cả nguồn hoạt động bình thường"


def _coverage_notes(data: DigestData, tz: str) -> list[str]:
    """Section 5's notes on the sources not watched all week (when some source was watched: else `_no_problem`
    says it): those added during the week, from when, and the count of those added after it."""
    cov = data.coverage
    if not cov.watched:
        return []
    notes = []
    if cov.added_during:
        # those not run yet first: never hidden in "và N nguồn khác" behind sources that did run
        added = sorted(cov.added_during, key=lambda d: d[0] not in cov.not_run_yet)
        named = ", ".join(f"{name} từ {_hhmm(at, tz)}" + (f" ({NOT_RUN_YET_VI})" if name in cov.not_run_yet else "")
                          for name, at in added[:ADDED_DURING_NAMED])
        more = len(cov.added_during) - ADDED_DURING_NAMED
        notes.append(f"{len(cov.added_during)} nguồn được thêm trong tuần, chỉ được theo dõi từ lúc thêm: {named}"
                     + (f" và {more} nguồn khác" if more > 0 else ""))
    if cov.added_later:
        notes.append(f"{cov.added_later} nguồn được thêm sau khi tuần kết thúc, chưa được theo dõi trong tuần này")
    return notes


def _source_vi(case: Case, *, parens: bool) -> str:
    """Where a case came from: its source's name ("(bao-tinh)" in the text part), or "(phản ánh của người dân)";
    a report pasted as text adds that it has no address, as `show` does."""
    where = case.source if case.source == NO_SOURCE_VI or not parens else f"({case.source})"
    return where + (f" — {PASTED_VI}" if case.url.startswith(TEXT_REPORT_PREFIX) else "")


def _clip(text: str, limit: int) -> str:
    """`text` on one line, cut at a word with "…" when longer than `limit`."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,;:(") + "…"


def _label(category: str) -> str:
    return VI_LABELS.get(category, category)


def _day(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y")


def _pct(hit: int, total: int) -> str:
    return f"{100 * hit / total:.0f}% ({hit}/{total})" if total else "-"


def case_link(case: Case, base_url: str) -> str:
    """The item's own URL when it is http(s), else the configured base URL's entry page, else ""."""
    if urlsplit(case.url).scheme in ("http", "https"):
        return case.url
    return f"{base_url.rstrip('/')}/entries/{case.entry_id}" if base_url else ""


def _oldest(data: DigestData, tz: str) -> str:
    if data.oldest_open is None:
        return "không có"
    age = (data.generated_at - data.oldest_open).days
    return f"từ {_day(data.oldest_open, tz)} ({age} ngày)"


def _below(data: DigestData) -> str:
    """The entries a re-score left below every threshold: still undecided, but not counted in the backlog."""
    if not data.below_threshold:
        return ""
    return f"; ngoài ra {data.below_threshold} mục dưới ngưỡng sau chấm lại (xếp cuối hàng chờ)"


def render_text(data: DigestData, tz: str, base_url: str = "") -> str:
    lines = [f"BẢN TIN TUẦN {data.iso_week} (từ {_day(data.start, tz)} đến hết ngày {_last_day(data)})", "",
             to_do(data, tz), "",
             f"Mục thu thập trong tuần: {data.items_collected}{_items_note(data, tz)}",
             f"Mục bị gắn cờ mới: {data.flagged_items} (tổng số cờ: {data.total_flags})", ""]
    lines.append("1. Cờ mới theo loại (số cờ; một mục có thể bị gắn nhiều cờ)")
    lines += [f"   - {_label(c)}: {n}" for c, n in data.flags_by_category.items()] or ["   (không có)"]
    lines += ["", "2. Quyết định của người duyệt"]
    lines += [f"   - {verdict_vi(v)}: {n}" for v, n in sorted(data.decisions_by_verdict.items())] \
        or ["   (chưa có quyết định nào)"]
    lines += ["", "3. Độ chính xác của cờ (tỷ lệ được xác nhận)"]
    lines += [f"   - {_label(c)}: {_pct(*hp)}" for c, hp in data.precision.items()] or ["   (chưa đủ dữ liệu)"]
    lines += ["", f"4. Hàng chờ duyệt (tính đến {_counted_at(data, tz)}): {data.backlog} mục; "
              f"mục mở lâu nhất: {_oldest(data, tz)}{_below(data)}", "",
              "5. Nguồn có vấn đề"]
    lines += [f"   - {p.name}: {PROBLEM_VI[p.problem]}"
              + (f" ({_problem_detail(p, tz)}; {_clip(p.last_error, 120)})" if _problem_detail(p, tz) else "")
              for p in data.source_problems] or ([] if _purge_noted(data) else [f"   ({_no_problem(data)})"])
    if _purge_noted(data):
        lines.append(f"   ({runs_purged(data, tz)})")
    lines += [f"   ({note})" for note in _coverage_notes(data, tz)]
    lines += ["", "6. Các trường hợp vi phạm đã xác nhận nổi bật"]
    for c in data.top_cases:
        link = case_link(c, base_url)
        lines.append(f"   - [{_label(c.category)}]{_verdict_mark(c, ' ')} {_one_line(c.title)} {_one_line(_source_vi(c, parens=True))}"
                     + (f"\n     {link}" if link else ""))
    if not data.top_cases:
        lines.append("   (không có)")
    lines += ["", "7. Đề xuất biểu dương"]
    for c in data.commendations:
        link = case_link(c, base_url)
        lines.append(f"   - {_one_line(c.title)} {_one_line(_source_vi(c, parens=True))}" + (f"\n     {link}" if link else ""))
    if not data.commendations:
        lines.append("   (không có)")
    lines += ["", f"Mô hình phân loại: {data.model}",
              "Hệ thống chỉ gắn cờ để hỗ trợ; mọi kết luận do cán bộ quyết định.", ""]
    return "\n".join(lines)


def _verdict_mark(case: Case, sep: str) -> str:
    """The mark on a confirmed case warned about or referred to the authorities (the CLI's words for `warn` and
    `escalate`; the HTML part names every case's verdict): a plain violation is unmarked."""
    return f"{sep}[{verdict_vi(case.verdict)}]" if case.verdict in ("warn", "escalate") else ""


def _purge_noted(data: DigestData) -> bool:
    """Section 5 says the week's runs were purged: only when some source was watched then. When none was (all
    added after the week, or none configured), no run of the week is missing and `_no_problem` says why."""
    return data.runs_kept_since is not None and data.coverage.watched > 0


def runs_purged(data: DigestData, tz: str) -> str:
    """Why section 5 may miss sources: the week's runs were purged by the retention period."""
    at = data.runs_kept_since.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M") if data.runs_kept_since else ""
    return (f"các lượt thu thập trước {at} đã được xóa theo thời hạn lưu trữ ([review] retention_days): không còn "
            "biết nguồn nào không được thu thập trong tuần; chỉ kể các lỗi còn lưu")


def _sentence(text: str) -> str:
    """A note of the text part as a sentence of the HTML part: capitalised, with its full stop."""
    return text[:1].upper() + text[1:] + "."


def _one_line(text: str) -> str:
    """Crawled text on one line: a title with newlines must not forge lines of the summary."""
    return " ".join(text.split())[:200]


def _last_day(data: DigestData) -> str:
    return data.days[-1].strftime("%d/%m/%Y")


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]], empty: str) -> str:
    if not rows:
        return f'<p style="color:#555">{escape(empty)}</p>'
    head = "".join(f'<th style="text-align:left;padding:4px 8px;border-bottom:1px solid #ccc">{h}</th>'
                   for h in headers)
    body = "".join("<tr>" + "".join(f'<td style="padding:4px 8px;border-bottom:1px solid #eee">{c}</td>'
                                    for c in r) + "</tr>" for r in rows)
    return f'<table style="border-collapse:collapse;font-size:14px">{head and "<tr>" + head + "</tr>"}{body}</table>'


def _case_html(c: Case, base_url: str) -> str:
    title = escape(c.title or "(không có tiêu đề)")
    link = case_link(c, base_url)
    return f'<a href="{escape(link, quote=True)}">{title}</a>' if link else title


def render_html(data: DigestData, tz: str, chart_src: str, base_url: str = "") -> str:
    """The HTML body; `chart_src` is `cid:...` in the e-mail and a data: URI in a preview file."""
    e = escape
    flags = _table(("Loại", "Số cờ"), [(e(_label(c)), str(n)) for c, n in data.flags_by_category.items()],
                   "Không có cờ mới.")
    verdicts = _table(("Quyết định", "Số lượng"),
                      [(e(verdict_vi(v)), str(n)) for v, n in sorted(data.decisions_by_verdict.items())],
                      "Chưa có quyết định nào trong tuần.")
    precision = _table(("Loại", "Tỷ lệ xác nhận"), [(e(_label(c)), _pct(*hp)) for c, hp in data.precision.items()],
                       "Chưa đủ dữ liệu.")
    problems = _table(("Nguồn", "Vấn đề", "Lỗi gần nhất"),
                      [(e(p.name), e(PROBLEM_VI[p.problem]) + (f" ({e(_problem_detail(p, tz))})"
                                                              if _problem_detail(p, tz) else ""),
                        e(_clip(p.last_error, 200))) for p in data.source_problems],
                      "Không có lỗi nào còn lưu." if _purge_noted(data) else _sentence(_no_problem(data)))
    if _purge_noted(data):
        problems += f'<p style="color:#555">{e(_sentence(runs_purged(data, tz)))}</p>'
    problems += "".join(f'<p style="color:#555">{e(_sentence(note))}</p>' for note in _coverage_notes(data, tz))
    cases = _table(("Loại", "Kết luận", "Nội dung", "Nguồn"),
                   [(e(_label(c.category)), e(verdict_vi(c.verdict)), _case_html(c, base_url),
                     e(_source_vi(c, parens=False))) for c in data.top_cases],
                   "Không có.")
    commend = _table(("Nội dung", "Nguồn"), [(_case_html(c, base_url), e(_source_vi(c, parens=False)))
                                             for c in data.commendations],
                     "Không có.")
    h2 = 'style="font-size:16px;margin:20px 0 6px"'
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{e(subject(data))}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#222;max-width:760px">
<h1 style="font-size:20px">Bản tin tuần {e(data.iso_week)}</h1>
<p style="font-size:15px"><b>{e(to_do(data, tz))}</b></p>
<p>Từ {_day(data.start, tz)} đến hết ngày {_last_day(data)}. Mục thu thập: <b>{data.items_collected}</b>{e(_items_note(data, tz))};
mục bị gắn cờ mới: <b>{data.flagged_items}</b> (tổng số cờ: {data.total_flags}); hàng chờ duyệt: <b>{data.backlog}</b>
(mục mở lâu nhất: {e(_oldest(data, tz))}).</p>
<img src="{e(chart_src, quote=True)}" alt="Biểu đồ cờ mới theo loại và theo ngày" width="750">
<h2 {h2}>1. Cờ mới theo loại</h2>
<p style="color:#555;font-size:12px">Số cờ: một mục có thể bị gắn cờ ở nhiều loại.</p>{flags}
<h2 {h2}>2. Quyết định của người duyệt</h2>{verdicts}
<h2 {h2}>3. Độ chính xác của cờ</h2>{precision}
<h2 {h2}>4. Hàng chờ duyệt (tính đến {_counted_at(data, tz)})</h2>
<p>{data.backlog} mục; mục mở lâu nhất: {e(_oldest(data, tz) + _below(data))}.</p>
<h2 {h2}>5. Nguồn có vấn đề</h2>{problems}
<h2 {h2}>6. Các trường hợp vi phạm đã xác nhận nổi bật</h2>{cases}
<h2 {h2}>7. Đề xuất biểu dương</h2>{commend}
<p style="color:#555;font-size:12px;margin-top:24px">Mô hình phân loại: {e(data.model)}.
Hệ thống chỉ gắn cờ để hỗ trợ; mọi kết luận do cán bộ quyết định.</p>
</body></html>
"""
