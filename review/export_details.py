"""An audit row's details as officers read them: one "Nhãn: giá trị" line per key, in Vietnamese, not JSON.

The audit log keeps each action's details as a JSON object (`review.audit`); the machine format of `export audit`
writes that JSON. In the officers' shape (`review.export_headers.for_officers`) the cell reads

    Quyết định: vi phạm
    Nhóm: Lừa đảo, chiếm đoạt tài sản
    Ghi chú: Đã xác minh với Công an phường

and `read_export` turns it back into the machine format's JSON text (`details_read`). So that it can, the writing
is exact and unambiguous:

* a key is written by its Vietnamese label (`LABELS_VI`; a key canhgac does not know yet, by its own name);
* a verdict, category, status, match or outcome by its Vietnamese name; yes/no as "có"/"không"; nothing as
  "(không có)"; a number as it is; a list of entry ids as "#5, #6" ("(không có mục nào)" when empty);
* a text as it is; a text that would read back as something else (a number, "có", "#5", "(không có)", a name of
  the key's codes, empty, a first line that is JSON) is written in double quotes, JSON-escaped; a text that only
  starts with a quote or bracket ("[VNeID] Tài khoản …") is written as it is, its lines as lines;
* the second and later lines of a text are indented by four spaces; a nested object (`bulk`'s filter) is a
  "Nhãn:" line followed by its own lines, each starting "  • ".

The times in details (`TIME_KEYS`: when a claim expires, when a report was received …) are written in the
office's time zone, dd/mm/yyyy HH:MM, as the time columns are; they read back as written (the machine format has
them exactly), like the time columns. A pasted report's address (`report:text/…`, in `URL_KEYS`) is written
as `PASTED_URL_VI` and reads back as that label, not as the address (why: `review.export_values`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from classifier.categories import VI_LABELS
from review.report_match import TEXT_REPORT_PREFIX
from review.vi import STATUS_VI, VERDICT_VI

NONE_VI: Final = "(không có)"
EMPTY_LIST_VI: Final = "(không có mục nào)"
YES_VI, NO_VI = "có", "không"
#: How a pasted report's address (`report:text/…`, an internal key) reads in the officers' shape.
PASTED_URL_VI: Final = "(dán nội dung, không có đường dẫn)"

#: Each detail key's label, in the order the lines are written (keys not listed follow, by name).
LABELS_VI: Final[dict[str, str]] = {
    "verdict": "Quyết định",
    "category": "Nhóm",
    "note": "Ghi chú",
    "reason": "Lý do",
    "decision_id": "Mã quyết định",
    "bulk": "Quyết định hàng loạt",
    "count": "Số mục",
    "entry_ids": "Các mục",
    "filter": "Điều kiện chọn",
    "confirmed_code": "Đã xác nhận bằng mã chạy thử",
    "expires_at": "Giữ đến",
    "claimant": "Người đang giữ",
    "outcome": "Kết quả",
    "match": "Cách khớp",
    "similarity": "Độ tương đồng",
    "reporter": "Người phản ánh",
    "url": "Địa chỉ",
    "reported_url": "Liên kết người dân gửi",
    "resolved_url": "Đường dẫn dẫn tới",
    "received_at": "Thời điểm nhận",
    "pasted": "Dán nội dung",
    "title": "Tiêu đề",
    "text": "Nội dung",
    "item_id": "Mã tin",
    "report_item_id": "Mã tin phản ánh",
    "source": "Nguồn",
    "status": "Trạng thái mục",
    "priority_raised": "Đã nâng mức ưu tiên",
    "report_hash": "Mã băm nội dung phản ánh",
    "old": "Ngưỡng cũ",
    "new": "Ngưỡng mới",
    "model": "Mô hình",
    "previous": "Mô hình trước",
    "run": "Mã lượt chấm lại",
    "scored": "Số mục đã chấm",
    "unchanged": "Không đổi",
    "rose": "Tăng điểm",
    "fell": "Giảm điểm",
    "below_threshold": "Xuống dưới ngưỡng",
    "below_threshold_ids": "Các mục xuống dưới ngưỡng",
    "gained_category": "Thêm nhóm gắn cờ",
    "skipped": "Bỏ qua (đã thay đổi)",
    "failed": "Lỗi khi chấm",
    "since": "Từ",
    "until": "Đến trước",
    "cutoff": "Xóa dữ liệu trước",
    "items": "Số tin đã xóa",
    "runs": "Số lượt thu thập đã xóa",
    "digests": "Số bản tin đã xóa",
    "clusters": "Số nhóm tin đã xóa",
    "is_report": "Phản ánh của người dân",
    "min_score": "Điểm từ",
    "max_score": "Điểm dưới",
    "version": "Phiên bản mục",
}
_KEYS: Final = {label: key for key, label in LABELS_VI.items()}
_ORDER: Final = {key: n for n, key in enumerate(LABELS_VI)}

MATCH_VI: Final = {"same_page": "cùng địa chỉ, cùng nội dung", "same_text": "trùng nội dung",
                   "near_copy": "gần trùng nội dung", "same_link": "cùng đường dẫn rút gọn",
                   "same_place": "chỉ trùng đường dẫn"}
OUTCOME_VI: Final = {"joined": "gộp vào mục đang chờ duyệt", "already_decided": "mục đã có quyết định"}
#: The Vietnamese names of the coded values, by detail key.
CODES_VI: Final[dict[str, dict[str, str]]] = {"verdict": dict(VERDICT_VI), "category": dict(VI_LABELS),
                                              "status": dict(STATUS_VI), "match": MATCH_VI, "outcome": OUTCOME_VI}
_CODES: Final = {key: {name: code for code, name in names.items()} for key, names in CODES_VI.items()}
#: Detail keys holding a time (ISO 8601).
TIME_KEYS: Final = frozenset({"expires_at", "received_at", "cutoff", "since", "until"})
#: Detail keys holding an address.
URL_KEYS: Final = frozenset({"url", "reported_url", "resolved_url"})

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_IDS = re.compile(r"#-?\d+(, #-?\d+)*")
_RESERVED: Final = frozenset({NONE_VI, EMPTY_LIST_VI, YES_VI, NO_VI})
_CONTINUED, _NESTED = "    ", "  • "


def details_vi(details: Any, tz: str) -> str | None:
    """`details` (the machine format's JSON text, or the object) as the officers' lines; empty details: None."""
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            return details  # not canhgac's JSON: as recorded
    if not isinstance(details, Mapping):
        return None if details is None else str(details)
    if not details:
        return None
    return "\n".join(_lines(details, ZoneInfo(tz), nested=False))


def _lines(details: Mapping[str, Any], zone: ZoneInfo, *, nested: bool) -> list[str]:
    out = []
    for key in sorted(details, key=lambda k: (_ORDER.get(k, len(_ORDER)), k)):
        label, value = LABELS_VI.get(key, key), details[key]
        if isinstance(value, Mapping) and value and not nested:
            out.append(f"{label}:")
            out += [_NESTED + line for line in _lines(value, zone, nested=True)]
            continue
        text = _value(key, value, zone)
        if "\n" in text:
            text = json.dumps(text, ensure_ascii=False) if nested else text.replace("\n", "\n" + _CONTINUED)
        out.append(f"{label}: {text}")
    return out


def _value(key: str, value: Any, zone: ZoneInfo) -> str:
    if value is None:
        return NONE_VI
    if isinstance(value, bool):
        return YES_VI if value else NO_VI
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return ", ".join(f"#{v}" for v in value)
    if isinstance(value, list) and not value:
        return EMPTY_LIST_VI
    if not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if key in TIME_KEYS:
        try:
            return datetime.fromisoformat(value).astimezone(zone).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            pass
    if key in URL_KEYS and value.startswith(TEXT_REPORT_PREFIX):
        return PASTED_URL_VI
    names = CODES_VI.get(key)
    if names is not None and value in names:
        return names[value]
    return json.dumps(value, ensure_ascii=False) if _ambiguous(key, value) else value


def _ambiguous(key: str, text: str) -> bool:
    """`text` written as it is would read back as something else (its first line decides). A text starting with
    a bracket or quote that is no JSON ("[VNeID] Tài khoản …", an SMS a citizen pasted) is written as it is."""
    text = text.split("\n", 1)[0]
    return (text == "" or text in _RESERVED or _json(text) is not _NOT_JSON or text == PASTED_URL_VI
            or bool(_NUMBER.fullmatch(text) or _IDS.fullmatch(text)) or text in _CODES.get(key, {}))


_NOT_JSON: Final = object()


def _json(line: str) -> Any:
    """`line` read as JSON when it starts as a quoted text, a list or an object would, else `_NOT_JSON`."""
    if not line.startswith(("\"", "[", "{")):
        return _NOT_JSON
    try:
        return json.loads(line)
    except ValueError:
        return _NOT_JSON


def details_read(cell: Any) -> Any:
    """A details cell of the officers' shape as the machine format's JSON text (keys sorted); a cell that is no
    such text is left as it is."""
    if cell is None or cell == "":
        return "{}"
    if not isinstance(cell, str) or cell.startswith("{"):
        return cell
    try:
        parsed = _parse(cell.split("\n"))
    except ValueError:
        return cell
    return json.dumps(parsed, ensure_ascii=False, sort_keys=True)


def _parse(lines: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    key: str | None = None
    text_lines: list[str] = []  # the current key's text, line by line (joined once: a text may have 40k lines)
    for line in lines:
        if line.startswith(_CONTINUED) and key is not None and isinstance(out[key], str):
            text_lines.append(line[len(_CONTINUED):])
        elif line.startswith(_NESTED) and key is not None and isinstance(out[key], dict):
            label, _, text = _split(line[len(_NESTED):])
            inner = _KEYS.get(label, label)
            out[key][inner] = _read(inner, text)
        else:
            _join(out, key, text_lines)
            label, sep, text = _split(line)
            key = _KEYS.get(label, label)
            out[key] = _read(key, text) if sep else {}
            text_lines = [out[key]] if isinstance(out[key], str) else []
    _join(out, key, text_lines)
    return out


def _join(out: dict[str, Any], key: str | None, text_lines: list[str]) -> None:
    if key is not None and len(text_lines) > 1:
        out[key] = "\n".join(text_lines)


def _split(line: str) -> tuple[str, str, str]:
    label, sep, text = line.partition(": ")
    if not sep:
        if not line.endswith(":"):
            raise ValueError(line)
        return line[:-1], "", ""
    return label, sep, text


def _read(key: str, text: str) -> Any:
    value = _json(text)
    if value is not _NOT_JSON:
        return value
    if text == NONE_VI:
        return None
    if text in (YES_VI, NO_VI):
        return text == YES_VI
    if text == EMPTY_LIST_VI:
        return []
    if _NUMBER.fullmatch(text):
        return float(text) if any(c in text for c in ".eE") else int(text)
    if _IDS.fullmatch(text):
        return [int(v.strip().lstrip("#")) for v in text.split(",")]
    return _CODES.get(key, {}).get(text, text)
