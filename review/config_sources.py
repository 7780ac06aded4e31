"""The `[[sources]]` tables: each checked and built into a `SourceConfig` (name, kind, URLs, schedule, selectors).

A source that would only fail when its spider runs (a bad selector, a schedule that never fires, an html page
with nothing to find links by) is refused here, at start, with the source's index and the key's line.
"""

from __future__ import annotations

import re
from typing import Any

from review.config_schedule import schedule_problem
from review.config_sections import SOURCE_KINDS, Selectors, SourceConfig
from review.config_toml import ConfigReader, check_table, field_types
from review.config_urls import check_http_url

_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,62}$")


def selector_problem(query: str) -> str | None:
    """Why the spiders could not use `query` (CSS, or XPath when it starts with `/`, `(` or `./`), or None."""
    from cssselect import SelectorError
    from parsel import Selector

    sel = Selector(text="<html><body></body></html>")
    try:
        sel.xpath(query) if query.startswith(("/", "(", "./")) else sel.css(query)
    except (SelectorError, SyntaxError, ValueError) as exc:  # cssselect: a syntax error, or a pseudo-element
        # (`::tetx`) or pseudo-class it cannot translate (ExpressionError, a RuntimeError); XPath: ValueError
        return str(exc) or type(exc).__name__
    return None


def parse_source(reader: ConfigReader, raw: Any, index: int, seen: set[str]) -> SourceConfig:
    """The `index`-th `[[sources]]` table, checked; `seen` holds the names before it (a name given twice is refused)."""
    if not isinstance(raw, dict):
        raise reader.error("cần một bảng [[sources]]", "sources", None, index)
    spec = field_types(SourceConfig)
    values = check_table(reader, "sources", raw, spec, index)
    for required in ("name", "kind", "urls"):
        if required not in values:
            raise reader.error("thiếu khoá bắt buộc", "sources", required, index)
    name = values["name"]
    if not _NAME.match(name):
        raise reader.error(f"tên nguồn không hợp lệ {name!r}: chỉ dùng chữ thường không dấu, chữ số, '-' và '_'",
                           "sources", "name", index)
    if name in seen:
        raise reader.error(f"trùng tên nguồn {name!r}", "sources", "name", index)
    seen.add(name)
    if values["kind"] not in SOURCE_KINDS:
        raise reader.error(f"cần một trong {', '.join(SOURCE_KINDS)}, nhận được {values['kind']!r}", "sources", "kind",
                           index)
    if not values["urls"]:
        raise reader.error("cần ít nhất một địa chỉ URL", "sources", "urls", index)
    for url in values["urls"]:
        check_http_url(reader, url, "sources", "urls", index)
    problem = schedule_problem(values.get("schedule", SourceConfig.schedule))
    if problem:
        raise reader.error(problem, "sources", "schedule", index)
    if values.get("max_pages", 1) < 1:
        raise reader.error("phải từ 1 trở lên", "sources", "max_pages", index)
    sel_raw = values.pop("selectors", {})
    selectors = Selectors(**check_table(reader, "sources", sel_raw, field_types(Selectors), index, prefix="selectors."))
    for key, query in vars(selectors).items():
        problem = selector_problem(query) if query else None
        if problem:
            raise reader.error(f"bộ chọn không hợp lệ {query!r}: {problem}", "sources", f"selectors.{key}", index)
    if values["kind"] in ("html", "ads") and not (selectors.link or selectors.item):
        raise reader.error(f"nguồn loại {values['kind']} cần selectors.link hoặc selectors.item",
                           "sources", "selectors", index)
    return SourceConfig(**values, selectors=selectors)

