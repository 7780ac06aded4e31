"""How one review entry reads in the terminal (`show` and the interactive loop): Vietnamese, with the
evidence marked in the text — «…» when piped, bold red when the output is a terminal. Crawled text
goes through `printable` before our own highlighting, so it cannot drive the moderator's terminal."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from review.cli.table import age, hhmm_in, printable
from review.listing import EntryDetail, EntryRow, Reporter
from review.models import Item, ReviewEntry
from review.priority import effective
from review.report_marks import headline_is_first_line, sent_text_lines
from review.report_match import TEXT_REPORT_PREFIX, is_pasted
from review.rescore import is_below_threshold
from review.vi import STATUS_VI, category_vi, verdict_vi

if TYPE_CHECKING:
    from review.store import Store

_ANSI_ON, _ANSI_OFF = "\x1b[1;31m", "\x1b[0m"
_KIND_VI = {"ngram": "từ ngữ", "rule": "quy tắc", "bank": "kho mẫu đã biết", "keyword": "từ khoá",
            "bank_negative": "giống mục đã bỏ qua", "sensational": "dấu hiệu giật gân", "source": "nguồn tin",
            "coverage": "đối chiếu tin chính thống", "shape": "dấu hiệu hình thức", "meta": "thông tin đi kèm",
            "locality": "địa danh"}


def spans_in(text: str, evidence: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    """Evidence offsets that fit `text` (else the first occurrence of the evidence text), merged."""
    spans = []
    for ev in evidence:
        start, end, snippet = ev.get("start"), ev.get("end"), printable(str(ev.get("text") or ""))
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text) \
                and (not snippet or text[start:end].casefold() == snippet.casefold()):
            spans.append((start, end))
        elif snippet:
            at = text.casefold().find(snippet.casefold())
            if at >= 0:
                spans.append((at, at + len(snippet)))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def highlight(text: str, evidence: Sequence[dict[str, Any]], *, color: bool = False) -> str:
    """`text` with the evidence marked; control characters in `text` are removed first."""
    text = printable(text)
    on, off = (_ANSI_ON, _ANSI_OFF) if color else ("«", "»")
    out, pos = [], 0
    for s, e in spans_in(text, evidence):
        out += [text[pos:s], on, text[s:e], off]
        pos = e
    out.append(text[pos:])
    return "".join(out)


def flags_text(row: EntryRow) -> str:
    return ", ".join(f"{c} {v:.2f}" for c, v in row.flags.items()) or f"{row.top_category} {row.top_score:.2f}"


#: what an entry a re-score left in the queue below every threshold is called (`canhgac rescore --apply`)
BELOW_THRESHOLD_VI = "dưới ngưỡng sau chấm lại"


def below_threshold(row: EntryRow) -> bool:
    """Undecided, flagged when queued, and below every threshold since a re-score (`review.rescore`)."""
    return row.status != "decided" and is_below_threshold(row.priority, list(row.flags), row.is_report)


def short_category_vi(category: str | None) -> str:
    """The first clause of a category's Vietnamese name, for narrow table columns: "Lừa đảo", "Tin giả"."""
    return category_vi(category).split(",")[0]


def row_priority(row: EntryRow, now: datetime | None = None) -> str:
    return f"{effective(row.priority, now or datetime.now(UTC)):.1f}"


def copy_entries(store: Store, d: EntryDetail) -> dict[int, int]:
    """Queue numbers (review entry ids, what every command takes) of the entry's copies, by item id.
    A copy that was never flagged has no queue entry and is missing from the result."""
    item_ids = [c.item_id for c in d.copies]
    if not item_ids:
        return {}
    with store.session() as s:
        rows = s.execute(select(ReviewEntry.item_id, ReviewEntry.id).where(ReviewEntry.item_id.in_(item_ids)))
        return {int(item_id): int(entry_id) for item_id, entry_id in rows}


def copy_label(item_id: int, entries: Mapping[int, int]) -> str:
    """How a copy is named on screen: its queue number like every other "#", else that it is not queued."""
    entry_id = entries.get(item_id)
    return f"#{entry_id}" if entry_id is not None else "(không trong hàng chờ)"


_MATCH_VI = {"same_page": "cùng địa chỉ, cùng nội dung", "same_text": "trùng nội dung"}


def match_vi(match: str, similarity: float | None) -> str:
    """How a joined page matched the report, for the moderator: the same page, the same text, a near copy."""
    if match == "near_copy":
        return "gần trùng" + (f", giống {similarity:.0%}" if similarity is not None else "")
    return _MATCH_VI.get(match, match)


#: `classifier.scorer.TITLE_DETAIL`, the detail prefix of evidence found in the headline (not imported from there:
#: that module loads scikit-learn, and `show` needs none of it; a test keeps the two equal).
TITLE_DETAIL = "title: "
#: The classifier's typed tokens (`classifier.typed_tokens`), which n-gram evidence may quote, as an officer reads them.
_TOKENS_VI = {"moneytok": "[số tiền]", "phonetok": "[số điện thoại]", "urltok": "[đường dẫn]",
              "emailtok": "[địa chỉ e-mail]"}
_TOKEN_RE = re.compile(r"\b(" + "|".join(_TOKENS_VI) + r")\b")


def _tokens_vi(text: str) -> str:
    return _TOKEN_RE.sub(lambda m: _TOKENS_VI[m.group(1)], text)


def _detail_vi(detail: str, headline_shown: bool = True) -> str:
    """An evidence detail for the officer: where it was found in Vietnamese, typed tokens by what they stand for.
    `headline_shown`: whether `show` prints the headline above the text; when it is the text's first line (a pasted
    report's stored headline is), no headline is printed and the officer is pointed at that first line instead."""
    if detail.startswith(TITLE_DETAIL):
        where = "trong tiêu đề" if headline_shown else "ở dòng đầu của nội dung"
        detail = f"{where}; " + detail[len(TITLE_DETAIL):]
    return _tokens_vi(detail)


def _decided_by(d: EntryDetail) -> str:
    """" (Lừa đảo) của lan": the standing decision's category and moderator, for the status line."""
    standing = [dec for dec in d.decisions if dec.undone_at is None]
    if not standing:
        return ""
    dec = standing[-1]
    return f" ({short_category_vi(dec.category)}) của {printable(dec.moderator)}"


def _source_line(source: str | None, url: str, is_report: bool) -> str:
    """"Nguồn: …": a citizen's report without a source is said to be one; a pasted one has no address (its
    `report:text/…` key is internal, like in the yearly workbook)."""
    if source:
        where = source
    else:
        where = "(phản ánh của người dân)" if is_report else "-"
    if url.startswith(TEXT_REPORT_PREFIX):
        return f"Nguồn: {where} — nội dung dán vào, không có địa chỉ"
    return f"Nguồn: {where}  {url}"


def _received_or_fetched(item: Item) -> str:
    """What an item's stored time is: when a pasted report (with or without a link) was received, nothing having
    been collected; else when the page was fetched."""
    return "Nhận lúc" if is_pasted(item.kind, item.raw_hash) else "Thu thập"


def _status_line(r: EntryRow, now: datetime, tz: str | None = None) -> str:
    """"Trạng thái: …"; a lapsed claim is said to be one (anyone may take the entry), not shown as still held."""
    if r.claim_lapsed(now):
        return (f"Trạng thái: hết hạn giữ ({printable(r.claimant or '')} nhận, hết hạn lúc {hhmm_in(r.claim_expires_at, tz)}; "
                "ai cũng nhận được)")
    return (f"Trạng thái: {STATUS_VI.get(r.status, r.status)}"
            + (f", {printable(r.claimant or '')} giữ đến {hhmm_in(r.claim_expires_at, tz)}" if r.status == "claimed" else "")
            + (f", {BELOW_THRESHOLD_VI} (không còn vượt ngưỡng nhóm nào)" if below_threshold(r) else ""))


def _reported_where(rep: Reporter) -> str:
    """What the citizen sent: a link (and the page it led to), or a pasted text (and the link it came with)."""
    if rep.pasted and not rep.url:
        return " — (dán nội dung, không có địa chỉ)"
    if rep.pasted:
        return f" — dán nội dung, kèm đường dẫn: {rep.url}" + (f" → trang: {rep.page}" if rep.page else "")
    if rep.url and rep.page:
        return f" — đường dẫn người dân gửi: {rep.url} → trang: {rep.page}"
    return f" — {rep.url}" if rep.url else " — (dán nội dung, không có địa chỉ)"


def _headline_category(r: EntryRow) -> str:
    """The category a detail's first line names: the top flag; for an entry flagged for nothing (a citizen's report
    that passed no threshold, an entry below every threshold after a rescore) its highest score is no flag, and the
    line does not read as if it were one ("Tin giả, tin sai sự thật (misinformation 0.15)")."""
    top = f"{r.top_category} {r.top_score:.2f}"
    if r.flags:
        return f"{category_vi(r.top_category)} ({top})"
    return f"chưa vượt ngưỡng nhóm nào (điểm cao nhất: {category_vi(r.top_category)}, {top})"


def format_detail(d: EntryDetail, *, color: bool = False, max_chars: int = 0,
                  copies: Mapping[int, int] | None = None, tz: str | None = None) -> str:
    """`copies`: the copies' queue numbers by item id (`copy_entries`); `tz`: the time zone times are shown in
    (`[digest] timezone`, as `status` and the digest use; None: Vietnam time)."""
    r, item, p = d.row, d.item, printable
    lines = [f"Mục #{r.id} — " + _headline_category(r) + ("  [NGƯỜI DÂN PHẢN ÁNH]" if r.is_report else ""),
             _status_line(r, datetime.now(UTC), tz)
             + (f", kết luận: {verdict_vi(r.verdict)}" + _decided_by(d) if r.verdict else "")
             + f"; phiên bản {r.version}; ưu tiên {row_priority(r)}; vào hàng chờ {age(r.created_at)} trước",
             p(_source_line(item.source.name if item.source else r.source, item.url, r.is_report)),
             f"{_received_or_fetched(item)}: {hhmm_in(item.fetched_at, tz)}"
             + (f"; đăng: {hhmm_in(item.published_at, tz, day_if_midnight=True)}" if item.published_at else "")
             + p((f"; tác giả: {item.author}" if item.author else "")
                 + (f"; địa bàn: {', '.join(map(str, item.locality))}" if item.locality else "")),
             ""]
    evidence = list(d.score.evidence) if d.score is not None else []
    marked = [ev for ev in evidence if ev.get("kind") != "locality"]  # place names are context, not grounds
    headline_shown = bool(item.title) and not headline_is_first_line(item.title, item.text)
    if headline_shown:
        # headline evidence indexes the headline: marked there, and not at some other place in the body
        in_title = [ev for ev in marked if str(ev.get("detail") or "").startswith(TITLE_DETAIL)]
        # as written, not in capitals: the casing can be evidence ("nhiều từ viết hoa") the officer has to see
        lines.append("Tiêu đề: " + highlight(item.title, in_title, color=color))
        marked = [ev for ev in marked if not str(ev.get("detail") or "").startswith(TITLE_DETAIL)]
    body, cut = item.text, ""
    if max_chars and len(body) > max_chars:  # the interactive loop: say what was left out and where to read it
        body = body[:max_chars] + " …"
        cut = f"\n(đã cắt bớt: còn {len(item.text) - max_chars} ký tự; xem toàn văn: canhgac show {r.id})"
    lines += [highlight(body, marked, color=color) + cut, ""]
    if d.score is not None:
        ranked = sorted(d.score.scores.items(), key=lambda kv: -float(kv[1]))
        lines.append(f"Điểm (mô hình {d.score.model_version}): "
                     + ", ".join(f"{c} {float(v):.2f}" + ("*" if c in d.score.flags else "") for c, v in ranked[:5])
                     + "   (* = vượt ngưỡng)")
    if evidence:
        lines.append("Căn cứ:")
        for ev in evidence[:12]:
            kind = str(ev.get("kind") or "")
            detail = f" — {_detail_vi(str(ev['detail']), headline_shown)}" if ev.get("detail") else ""
            weight = f" ({float(ev['weight']):+.2f})" if isinstance(ev.get("weight"), int | float) else ""
            quoted = f": «{_tokens_vi(str(ev['text']))}»" if ev.get("text") else ""  # source/coverage: no text
            lines.append(p(f"  • [{ev.get('category') or '-'}] {_KIND_VI.get(kind, kind)}{quoted}{weight}{detail}"))
    if d.reporters:
        lines.append(f"Người dân phản ánh ({len(d.reporters)}):")
        for rep in d.reporters:
            lines.append(p(f"  • {hhmm_in(rep.at, tz)} {rep.reporter or '(không rõ người phản ánh)'}"
                           + (f" — {rep.note}" if rep.note else "") + _reported_where(rep)))
            if rep.text is not None or rep.title is not None:
                lines += [p(line) for line in sent_text_lines(rep, r.id)]
    if d.joined:
        lines.append("Trang thu thập được có cùng nội dung (gộp vào mục này):")
        for page in d.joined:
            lines.append(p(f"  • {hhmm_in(page.at, tz)} {page.source or '-'} {page.url} ({match_vi(page.match, page.similarity)})"))
    joined = {page.item_id for page in d.joined}
    if d.copies or d.cluster_size > 1:
        total = max(d.cluster_size, len(d.copies) + 1)  # the cluster's size counts this entry too
        lines.append(f"Bản sao của tin này: {total} bản — mục này và {total - 1} bản khác (#: số trong hàng chờ)")
        for c in d.copies:
            label = "(gộp vào mục này)" if c.item_id in joined else copy_label(c.item_id, copies or {})
            lines.append(p(f"  • {label} {c.source or '-'} {hhmm_in(c.fetched_at, tz)} {c.url}"))
        if total - 1 > len(d.copies):  # the list stops at the first 20 (review.listing.entry_detail)
            lines.append(f"  … và {total - 1 - len(d.copies)} bản khác")
    if d.decisions:
        lines.append("Lịch sử quyết định:")
        for dec in d.decisions:
            line = (f"  • {hhmm_in(dec.created_at, tz)} {dec.moderator}: {verdict_vi(dec.verdict)}"
                    f" ({short_category_vi(dec.category)})" + (" [hàng loạt]" if dec.bulk else "")
                    + (f" — {dec.note}" if dec.note else ""))
            if dec.undone_at is not None:
                line += f"  ↩ hoàn tác bởi {dec.undone_by} lúc {hhmm_in(dec.undone_at, tz)}: {dec.undo_reason}"
            lines.append(p(line))
    return "\n".join(lines)
