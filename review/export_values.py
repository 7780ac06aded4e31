"""Exports for people, their values: a sheet with Vietnamese headers says "vi phạm", not `violation`.

Ward officers read what the moderators' CLI shows (`review.vi`): in the officers' shape of an export
(`review.export_headers.for_officers`) each verdict, category, status, item kind and audit action is written with
its Vietnamese name, a yes/no column as "có"/"không" (an empty cell stays empty: no verdict yet), canhgac's own
processes as what they are ("hệ thống (tiến trình nền)"), an audit row's details as "Nhãn: giá trị" lines
(`review.export_details`), a citizen report with no source as "(phản ánh của người dân)" and a pasted report's
internal address (`report:text/…`) as "(dán nội dung, không có đường dẫn)". The machine format keeps the codes.
A value with no Vietnamese name (a category a newer model added) stays as it is. `read_export` maps the names back
(`values_read`), to the codes the machine format of the same file format reads as; a pasted report's address is
not in the officers' shape and reads back as its label (`PASTED_URL_VI`), not as the address. That is on purpose:
the address (`report:text/` and 16 hex digits of the SHA-256 of the text as the officer pasted it, before it was
cleaned for storing) cannot be rebuilt from the file, which holds the stored text (cut in XLSX past 32,767
characters; an audit row's details hold no text); writing it would show officers the internal key `show` and the
year-end workbook never show; the row's item and entry numbers still identify the report, and the machine format
(`--headers en`) holds the address exactly (`tests/review/test_export_pasted_address.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from classifier.categories import VI_LABELS
from review.export_details import PASTED_URL_VI, details_read, details_vi
from review.report_match import TEXT_REPORT_PREFIX
from review.vi import STATUS_VI, VERDICT_VI
from review.yearly_decisions import NO_SOURCE_VI

YES_NO_VI: Final[dict[Any, str]] = {True: "có", False: "không"}

#: An item's kind (`review.models.ITEM_KINDS`).
KIND_VI: Final[dict[Any, str]] = {"article": "bài báo", "post": "bài đăng", "ad": "tin quảng cáo",
                                  "report": "phản ánh của người dân"}
#: Every action the audit log records (`review.audit`).
ACTION_VI: Final[dict[Any, str]] = {
    "decide": "quyết định",
    "undo": "hoàn tác quyết định",
    "bulk": "quyết định hàng loạt",
    "claim": "nhận xử lý",
    "release": "trả mục về hàng chờ",
    "claim_expired": "hết hạn giữ mục",
    "report": "ghi nhận phản ánh của người dân",
    "crawl_join": "trang thu thập trùng nội dung phản ánh",
    "rescore": "chấm điểm lại",
    "threshold_change": "đổi ngưỡng gắn cờ",
    "model_activate": "kích hoạt mô hình",
    "retention_purge": "xóa dữ liệu hết hạn lưu trữ",
}
#: The audit actors that are canhgac itself (`review.housekeeping.SYSTEM_ACTOR`, `review.report_joins.CRAWL_ACTOR`;
#: "config": a threshold changed in the configuration file, recorded when a crawl run or the daemon starts).
ACTOR_VI: Final[dict[Any, str]] = {"canhgac-daemon": "hệ thống (tiến trình nền)",
                                   "canhgac-crawler": "hệ thống (thu thập tin)",
                                   "config": "hệ thống (theo tệp cấu hình)"}

#: The Vietnamese name of each coded value, by export column (`review.export.COLUMNS`).
VALUES_VI: Final[dict[str, dict[Any, str]]] = {
    "verdict": dict(VERDICT_VI),
    "category": dict(VI_LABELS),
    "verdict_category": dict(VI_LABELS),
    "top_category": dict(VI_LABELS),
    "status": dict(STATUS_VI),
    "bulk": YES_NO_VI,
    "undone": YES_NO_VI,
    "is_report": YES_NO_VI,
    "kind": KIND_VI,
    "action": ACTION_VI,
    "actor": ACTOR_VI,
}
#: Columns holding an address (a pasted report's is an internal key).
URL_COLUMNS: Final = frozenset({"url", "canonical_url"})

_CODES: Final[dict[str, dict[str, Any]]] = {c: {name: code for code, name in names.items()}
                                            for c, names in VALUES_VI.items()}


def vi_values(columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]], tz: str) -> Iterator[tuple[Any, ...]]:
    """`rows` with each coded cell written by its Vietnamese name, an audit row's details as lines (times in `tz`)."""
    coded = [(i, VALUES_VI[c]) for i, c in enumerate(columns) if c in VALUES_VI]
    urls = [i for i, c in enumerate(columns) if c in URL_COLUMNS]
    source = columns.index("source") if "source" in columns else None
    details = columns.index("details") if "details" in columns else None
    for row in rows:
        cells = list(row)
        for i, names in coded:
            if cells[i] is not None:
                cells[i] = names.get(cells[i], cells[i])
        for i in urls:
            if isinstance(cells[i], str) and cells[i].startswith(TEXT_REPORT_PREFIX):
                cells[i] = PASTED_URL_VI
        if source is not None and cells[source] is None:
            cells[source] = NO_SOURCE_VI
        if details is not None:
            cells[details] = details_vi(cells[details], tz)
        yield tuple(cells)


def values_read(row: dict[str, Any], fmt: str) -> dict[str, Any]:
    """A row read from a file in the officers' shape, keyed by column, its Vietnamese names mapped back to the codes;
    a yes/no as the machine format of `fmt` reads it (CSV: the text "True"/"False"; XLSX: a boolean)."""
    out = dict(row)
    for column, value in row.items():
        codes = _CODES.get(column)
        if codes is not None and isinstance(value, str) and value in codes:
            code = codes[value]
            out[column] = str(code) if fmt == "csv" and isinstance(code, bool) else code
    if out.get("source") == NO_SOURCE_VI:
        out["source"] = "" if fmt == "csv" else None
    if "details" in out:
        out["details"] = details_read(out["details"])
    return out
