"""The `[[sources]]` tables: each checked and built into a `SourceConfig` (name, kind, URLs, schedule, selectors).

A source that would only fail when its spider runs (a bad selector, a schedule that never fires, an html page
with nothing to find links by) is refused here, at start, with the source's index and the key's line. A `locality`
naming a province from before the 2025 merger ("Tỉnh Kon Tum") is read as its new one ("Quảng Ngãi"), the name the
items' tags and `[review] locality` use, with a note for `config check`.
"""

from __future__ import annotations

import re
from typing import Any

from review.config_locality import office_locality, source_province_note
from review.config_schedule import schedule_problem
from review.config_sections import SOURCE_KINDS, Selectors, SourceConfig
from review.config_toml import ConfigReader, check_table, field_types
from review.config_urls import check_source_url

_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,62}$")


#: The functions an XPath selector may call: XPath 1.0 (what lxml evaluates), parsel's `has-class`, and the
#: EXSLT namespaces parsel binds (`re:`, `set:`). lxml resolves a function only when a predicate calling it is
#: evaluated, on a page that has the elements before it: a misspelt `contians(...)` passes any probe document
#: without them and fails at crawl time ("Unregistered function"), so names are checked here, in the text.
XPATH_FUNCTIONS = frozenset({
    "last", "position", "count", "id", "local-name", "namespace-uri", "name",
    "string", "concat", "starts-with", "contains", "substring-before", "substring-after", "substring",
    "string-length", "normalize-space", "translate", "boolean", "not", "true", "false", "lang",
    "number", "sum", "floor", "ceiling", "round",
    "has-class",
    "re:test", "re:match", "re:replace",
    "set:difference", "set:intersection", "set:distinct", "set:has-same-node", "set:leading", "set:trailing",
})
#: Names written like calls that are not functions: node tests (`text()`), and the operators before a
#: parenthesis (`@a and(@b)`).
_NOT_CALLS = frozenset({"node", "text", "comment", "processing-instruction", "and", "or", "div", "mod"})
_XPATH_LITERAL = re.compile(r"\"[^\"]*\"|'[^']*'")
# a name (QName: prefix:local) directly followed by "(": a call, or a node test; "::" (an axis) is not a prefix
_XPATH_CALL = re.compile(r"(?<![\w.:\-@$])((?:[A-Za-z_][\w.\-]*:(?!:))?[A-Za-z_][\w.\-]*)\s*\(")


def xpath_function_problem(query: str) -> str | None:
    """The first function `query` calls that the spiders' XPath (lxml via parsel) does not have, or None."""
    for name in _XPATH_CALL.findall(_XPATH_LITERAL.sub('""', query)):
        if name not in XPATH_FUNCTIONS and name not in _NOT_CALLS:
            return f"không có hàm XPath {name}() (XPath 1.0, has-class, re:, set:)"
    return None


def selector_problem(query: str) -> str | None:
    """Why the spiders could not use `query` (CSS, or XPath when it starts with `/`, `(` or `./`), or None."""
    from cssselect import SelectorError
    from parsel import Selector

    xpath = query.startswith(("/", "(", "./"))
    sel = Selector(text="<html><body></body></html>")
    try:
        sel.xpath(query) if xpath else sel.css(query)
    except (SelectorError, SyntaxError, ValueError) as exc:  # cssselect: a syntax error, or a pseudo-element
        # (`::tetx`) or pseudo-class it cannot translate (ExpressionError, a RuntimeError); XPath: ValueError
        return str(exc) or type(exc).__name__
    return xpath_function_problem(query) if xpath else None


def parse_source(reader: ConfigReader, raw: Any, index: int, seen: set[str],
                 notes: list[str] | None = None) -> SourceConfig:
    """The `index`-th `[[sources]]` table, checked; `seen` holds the names before it (a name given twice is refused).
    A `locality` naming a province from before the 2025 merger is read as its new province (`config_locality`),
    and what `config check` says about it is added to `notes`."""
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
    for n, url in enumerate(values["urls"]):
        check_source_url(reader, url, index, n)
    problem = schedule_problem(values.get("schedule", SourceConfig.schedule))
    if problem:
        raise reader.error(problem, "sources", "schedule", index)
    if values.get("max_pages", 1) < 1:
        raise reader.error("phải từ 1 trở lên", "sources", "max_pages", index)
    if values.get("locality"):
        found = office_locality(values["locality"])
        if found.old:
            values["locality"] = found.value
            line = reader.line_of("sources", "locality", index) if notes is not None else None
            if notes is not None:
                notes.append(source_province_note(found, f"{reader.path}:{line}" if line else reader.path, index, name))
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

