"""One frozen, typed configuration, loaded once at the entry point and passed down.

The file is TOML (`canhgac.toml`, or `--config PATH`, or `CANHGAC_CONFIG`). Every key is known here:
a misspelled key, a wrong type or a bad URL fails at start with a `ConfigError` naming the file, the
dotted key and (where it can be found) the line. `canhgac.example.toml` documents every key.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from classifier.categories import CATEGORIES
from classifier.os_errors import reason_vi
from review.errors import ConfigError

DEFAULT_CONFIG_NAME = "canhgac.toml"
SOURCE_KINDS = ("rss", "sitemap", "html", "ads")
SELECTOR_KEYS = ("item", "link", "title", "text", "author", "date", "next_page", "price", "contact")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SCHEDULE = re.compile(r"^every\s+(\d+)\s*([smhd])$")
_CRON = re.compile(r"^cron\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,62}$")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_MAX_INTERVAL_S = 366 * 86400
CRON_DOW = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab's day numbers: 0 and 7 = Sunday


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite:///canhgac.db"


@dataclass(frozen=True)
class CrawlerConfig:
    user_agent: str = "canhgac/0.1 (content monitoring for a Vietnamese culture office)"
    contact: str = ""
    obey_robots: bool = True
    download_maxsize_mb: int = 10
    download_timeout_s: int = 30
    concurrent_per_domain: int = 2
    autothrottle: bool = True
    max_redirects: int = 5
    crawl_timeout_s: int = 1800
    redis_url: str = ""  # empty: each crawl keeps its own queue; set: workers share a scrapy-redis queue
    allow_private_hosts: bool = False


@dataclass(frozen=True)
class Selectors:
    item: str = ""
    link: str = ""
    title: str = ""
    text: str = ""
    author: str = ""
    date: str = ""
    next_page: str = ""
    price: str = ""
    contact: str = ""


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    urls: tuple[str, ...]
    official: bool = False
    locality: str = ""
    schedule: str = "every 60m"
    max_pages: int = 3
    enabled: bool = True
    selectors: Selectors = field(default_factory=Selectors)

    @property
    def interval_seconds(self) -> int | None:
        """Seconds between runs for `every N[smhd]` schedules; None for cron schedules."""
        m = _SCHEDULE.match(self.schedule)
        if not m:
            return None
        return int(m.group(1)) * _UNITS[m.group(2)]

    @property
    def cron(self) -> str | None:
        m = _CRON.match(self.schedule)
        return m.group(1) if m else None


@dataclass(frozen=True)
class ClassifierConfig:
    model: str = ""  # empty: the default model shipped in classifier/data
    rules: str = ""  # empty: the default rules shipped in classifier/data
    thresholds: Mapping[str, float] = field(default_factory=dict)  # overrides of the model card's


@dataclass(frozen=True)
class ReviewConfig:
    moderators: tuple[str, ...] = ()
    claim_minutes: int = 30
    locality: str = ""  # the office's own province/ward: items mentioning it rank higher
    retention_days: int = 730
    failure_alert: int = 3  # `status` exits non-zero when a source failed this many times in a row

    def moderator(self, name: str) -> str | None:
        """The configured spelling of moderator `name`, or None when `name` is nobody configured. Names match
        NFC-normalised, stripped and ignoring case, so "Lan", " lan" and an NFD "Hùng" (Unikey's "Unicode tổ
        hợp", macOS terminals) are the configured "lan" and "Hùng": one person, one spelling in the records."""
        key = moderator_key(name)
        found = next((m for m in self.moderators if moderator_key(m) == key), None)
        return None if found is None else unicodedata.normalize("NFC", found).strip()


def moderator_key(name: str) -> str:
    """What two spellings of one moderator's name have in common: NFC, stripped, case-folded."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).strip().casefold())


@dataclass(frozen=True)
class SmtpConfig:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    user: str = ""
    password_env: str = "CANHGAC_SMTP_PASSWORD"
    sender: str = "canhgac@localhost"
    timeout_s: int = 30

    @property
    def password(self) -> str:
        return os.environ.get(self.password_env, "") if self.password_env else ""


@dataclass(frozen=True)
class DigestConfig:
    recipients: tuple[str, ...] = ()
    weekday: str = "mon"
    hour: int = 8
    timezone: str = "Asia/Ho_Chi_Minh"
    base_url: str = ""  # where links in the e-mail point for items without a URL (optional)


@dataclass(frozen=True)
class DaemonConfig:
    log_json: bool = False
    jitter_s: int = 30
    misfire_grace_s: int = 300
    stop_grace_s: int = 30
    retrain_weekly: bool = False


@dataclass(frozen=True)
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    crawler: CrawlerConfig = field(default_factory=CrawlerConfig)
    sources: tuple[SourceConfig, ...] = ()
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    daemon: DaemonConfig = field(default_factory=DaemonConfig)
    path: str = ""  # the file it came from ("" for built-in defaults)

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise ConfigError(f"không có nguồn tên {name!r} (các nguồn: {', '.join(s.name for s in self.sources) or 'chưa có'})",
                          file=self.path or None, key="sources")


# ---------------------------------------------------------------------------------------------- loading


class _Reader:
    """Walks the parsed TOML, checking each key against the dataclass fields and remembering lines."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def _block(self, section: str, index: int | None) -> tuple[int, int] | None:
        """Line range [start, end) of `[section]` (or the index-th `[[section]]`), its sub-tables included."""
        start: int | None = None
        seen = -1
        for i, raw in enumerate(self.lines):
            m = _HEADER.match(raw)
            if start is None:
                if m and m.group(1) == section:
                    seen += 1
                    if index is None or seen == index:
                        start = i
                continue
            if m and not m.group(1).startswith(f"{section}."):
                return start, i
        return (start, len(self.lines)) if start is not None else None

    def _top_level_line(self, key: str) -> int | None:
        """A top-level `key = ...` / `key.x = ...` before any table, or a `[key]`, `[[key]]`, `[key.x]` header."""
        in_root = True
        for i, raw in enumerate(self.lines):
            m = _HEADER.match(raw)
            if m:
                in_root = False
                if m.group(1) == key or m.group(1).startswith(f"{key}."):
                    return i + 1
            elif in_root and re.match(rf"^\s*{re.escape(key)}\s*[=.]", raw):
                return i + 1
        return None

    def line_of(self, section: str, key: str | None, index: int | None = None) -> int | None:
        """Best-effort line of `key` inside `[section]` (or the index-th `[[section]]`).

        `key` may be dotted one level (`selectors.link`): then it is found as `selectors.link = ...`, inside
        an inline table `selectors = { link = ... }`, or under a `[section.selectors]` sub-table."""
        if not section:
            return self._top_level_line(key) if key else None
        block = self._block(section, index)
        if block is None:  # `[review.x]` alone: the section exists only through its sub-table, or it is written
            # at the top (`crawler.timeout = 5`, `sources = [{ ... }]`)
            found = self._subtable_line(section, key.partition(".")[0], -1, len(self.lines)) if key else None
            if found is None and key:
                found = self._top_level_line(f"{section}.{key.partition('.')[0]}")
            return found if found is not None else self._top_level_line(section)
        start, end = block
        if key is None:
            return start + 1
        sub, _, leaf = key.rpartition(".")
        if not sub:
            for i in range(start + 1, end):
                raw = self.lines[i]
                if _HEADER.match(raw):
                    break
                if re.match(rf"^\s*{re.escape(key)}\s*[=.]", raw):
                    return i + 1
            return self._subtable_line(section, key, start, end)
        s_, l_ = re.escape(sub), re.escape(leaf)
        in_sub = False
        for i in range(start + 1, end):
            raw = self.lines[i]
            m = _HEADER.match(raw)
            if m:
                in_sub = m.group(1) == f"{section}.{sub}"
                continue
            if in_sub and re.match(rf"^\s*{l_}\s*=", raw):
                return i + 1
            if not in_sub and (re.match(rf"^\s*{s_}\s*\.\s*{l_}\s*=", raw)
                               or re.match(rf"^\s*{s_}\s*=\s*\{{(.*[,{{])?\s*{l_}\s*=", raw)):
                return i + 1
        return self.line_of(section, sub, index)

    def value_line(self, section: str, key: str, value: str, skip: int = 0) -> int | None:
        """The line of string `value` (quoted as written) in the array `key` of `[section]`, after `skip` earlier
        occurrences of the same string; None when it cannot be found (an escaped string, say)."""
        first = self.line_of(section, key)
        if first is None:
            return None
        quoted = re.compile(rf"""(["']){re.escape(value)}\1""")
        for i in range(first - 1, len(self.lines)):
            if i >= first and _HEADER.match(self.lines[i]):
                break
            for _ in quoted.finditer(self.lines[i]):
                if skip == 0:
                    return i + 1
                skip -= 1
        return None

    def _subtable_line(self, section: str, key: str, start: int, end: int) -> int | None:
        for i in range(start + 1, end):
            m = _HEADER.match(self.lines[i])
            if m and (m.group(1) == f"{section}.{key}" or m.group(1).startswith(f"{section}.{key}.")):
                return i + 1
        return None

    def error(self, message: str, section: str, key: str | None, index: int | None = None) -> ConfigError:
        dotted = ".".join(p for p in (section + (f"[{index}]" if index is not None else ""), key) if p)
        line = self.line_of(section, key, index)
        if line is None and section:
            line = self.line_of(section, None, index)  # at least the table the key belongs in
        return ConfigError(message, file=self.path, key=dotted or None, line=line)


def _typename(t: Any) -> str:
    return {str: "chuỗi ký tự", int: "số nguyên", bool: "true hoặc false", float: "số"}.get(t, str(t))


def _check(reader: _Reader, section: str, table: Mapping[str, Any], spec: Mapping[str, type],
           index: int | None = None, prefix: str = "") -> dict[str, Any]:
    """`prefix` names a nested table inside `section` (`selectors.`), for error keys and lines."""
    out: dict[str, Any] = {}
    for name, value in table.items():
        key = prefix + name
        if name not in spec:
            known = ", ".join(sorted(spec))
            raise reader.error(f"khoá không xác định{_closest(name, sorted(spec))} (các khoá hợp lệ: {known})", section,
                               key, index)
        want = spec[name]
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if want is tuple:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise reader.error("cần một danh sách chuỗi ký tự", section, key, index)
            value = tuple(value)
        elif want is dict:
            if not isinstance(value, dict):
                raise reader.error("cần một bảng", section, key, index)
        elif not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise reader.error(f"cần {_typename(want)}, nhận được {type(value).__name__} {value!r}", section, key, index)
        out[name] = value
    return out


def _spec(cls: type) -> dict[str, type]:
    spec: dict[str, type] = {}
    for name, f in cls.__dataclass_fields__.items():  # type: ignore[attr-defined]
        t = str(f.type)
        spec[name] = (tuple if t.startswith("tuple") else dict if t.startswith(("Mapping", "dict", "Selectors"))
                      else bool if t == "bool" else int if t == "int" else float if t == "float" else str)
    return spec


def _http_url(reader: _Reader, url: str, section: str, key: str, index: int | None) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError as exc:  # `http://[x`, `http://a.vn:99999`
        raise reader.error(f"địa chỉ URL không hợp lệ {url!r}: {exc}", section, key, index) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise reader.error(f"địa chỉ URL không hợp lệ {url!r}: chỉ nhận địa chỉ đầy đủ http:// hoặc https://",
                           section, key, index)


def _db_url(reader: _Reader, url: str) -> None:
    if not re.match(r"^(sqlite|postgresql(\+psycopg)?)://", url):
        raise reader.error(f"địa chỉ cơ sở dữ liệu không hợp lệ {url!r}: cần sqlite:///PATH hoặc postgresql+psycopg://...",
                           "database", "url")
    if url.startswith("postgresql://"):
        raise reader.error("hãy dùng trình điều khiển psycopg 3: postgresql+psycopg://...", "database", "url")


def crontab_fields(expr: str) -> list[dict[str, str]]:
    """A crontab expression (`M H DOM MON DOW`) as APScheduler `CronTrigger` keyword arguments: one set, or two
    whose union is the schedule. APScheduler 3 counts weekdays from Monday and ANDs the day of month with the
    day of week; crontab numbers them from Sunday (0 and 7), and runs on either day when both fields are
    restricted (`0 8 1 * 1`: the 1st of each month and every Monday). Raises ValueError for a bad day of week."""
    minute, hour, day, month, dow = expr.split()
    days = crontab_weekdays(dow)
    base = {"minute": minute, "hour": hour, "month": month}
    if day.startswith("*") or dow.startswith("*"):  # crontab: the restricted field alone decides
        return [{**base, "day": day, "day_of_week": days}]
    return [{**base, "day": day, "day_of_week": "*"}, {**base, "day": "*", "day_of_week": days}]


_DOW_TERM = re.compile(r"^(\*|\w+)(?:-(\w+))?(?:/(\d+))?$")


def crontab_weekdays(field_text: str) -> str:
    """Crontab's day-of-week field (numbers 0-7 from Sunday, names, lists, ranges, steps) as APScheduler's
    names, Monday first (`0-4` -> `mon-thu,sun`); `*` for every day. Raises ValueError (Vietnamese)."""
    chosen: set[int] = set()  # crontab numbers, 0 = Sunday
    for term in field_text.lower().split(","):
        m = _DOW_TERM.match(term)
        if not m:
            raise ValueError(f"thứ trong tuần {term!r} không hợp lệ (cần số 0-7, tên như mon, khoảng 1-5, bước */2)")
        first, last, step = m.group(1), m.group(2), int(m.group(3) or 1)
        if step < 1:
            raise ValueError(f"bước {step} trong thứ trong tuần {term!r} phải từ 1 trở lên")
        if first == "*":
            if last is not None:
                raise ValueError(f"thứ trong tuần {term!r} không hợp lệ")
            lo, hi = 0, 6
        else:
            lo = _crontab_day(first)
            hi = _crontab_day(last) if last is not None else (7 if m.group(3) else lo)  # `1/2`: from 1 on
            if hi < lo:
                raise ValueError(f"khoảng thứ trong tuần {term!r} phải đi từ nhỏ đến lớn (0 và 7 = Chủ nhật)")
        chosen.update(d % 7 for d in range(lo, hi + 1, step))
    if len(chosen) == 7:
        return "*"
    order = [d for d in (1, 2, 3, 4, 5, 6, 0) if d in chosen]  # APScheduler's week: Monday first
    runs: list[list[int]] = []
    for d in order:
        if runs and (runs[-1][-1] + 1) % 7 == d and runs[-1][-1] != 0:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(CRON_DOW[r[0]] if len(r) == 1 else f"{CRON_DOW[r[0]]}-{CRON_DOW[r[-1]]}" for r in runs)


def _crontab_day(text: str) -> int:
    if text.isdigit():
        if int(text) > 7:
            raise ValueError(f"thứ trong tuần {text} không nằm trong 0-7")
        return int(text)
    if text in CRON_DOW:
        return CRON_DOW.index(text)
    raise ValueError(f"thứ trong tuần {text!r} không hợp lệ (cần số 0-7 hoặc tên: {', '.join(CRON_DOW)})")


def schedule_problem(schedule: str) -> str | None:
    """Why `schedule` cannot be run by the daemon, or None when it can."""
    expected = "cần dạng 'every 30m' (s/m/h/d) hoặc 'cron M H DOM MON DOW'"
    m = _SCHEDULE.match(schedule)
    if m:
        seconds = int(m.group(1)) * _UNITS[m.group(2)]
        if seconds < 1:
            return f"lịch chạy không hợp lệ {schedule!r}: khoảng cách phải từ 1 trở lên"
        if seconds > _MAX_INTERVAL_S:
            return f"lịch chạy không hợp lệ {schedule!r}: khoảng cách tối đa 366 ngày"
        return None
    m = _CRON.match(schedule)
    if not m:
        return f"lịch chạy không hợp lệ {schedule!r}: {expected}"
    from datetime import UTC, datetime

    from apscheduler.triggers.cron import CronTrigger

    try:
        triggers = [CronTrigger(timezone=UTC, **fields) for fields in crontab_fields(m.group(1))]
    except ValueError as exc:
        return f"lịch chạy không hợp lệ {schedule!r}: {exc}"
    now = datetime.now(UTC)
    if all(trigger.get_next_fire_time(None, now) is None for trigger in triggers):
        return f"lịch chạy không hợp lệ {schedule!r}: không bao giờ đến lượt chạy"
    return None


def selector_problem(query: str) -> str | None:
    """Why the spiders could not use `query` (CSS, or XPath when it starts with `/`, `(` or `./`), or None."""
    from parsel import Selector

    sel = Selector(text="<html><body></body></html>")
    try:
        sel.xpath(query) if query.startswith(("/", "(", "./")) else sel.css(query)
    except (SyntaxError, ValueError) as exc:  # cssselect's SelectorError is a SyntaxError; XPath: ValueError
        return str(exc) or type(exc).__name__
    return None


def _source(reader: _Reader, raw: Any, index: int, seen: set[str]) -> SourceConfig:
    if not isinstance(raw, dict):
        raise reader.error("cần một bảng [[sources]]", "sources", None, index)
    spec = _spec(SourceConfig)
    values = _check(reader, "sources", raw, spec, index)
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
        _http_url(reader, url, "sources", "urls", index)
    problem = schedule_problem(values.get("schedule", SourceConfig.schedule))
    if problem:
        raise reader.error(problem, "sources", "schedule", index)
    if values.get("max_pages", 1) < 1:
        raise reader.error("phải từ 1 trở lên", "sources", "max_pages", index)
    sel_raw = values.pop("selectors", {})
    selectors = Selectors(**_check(reader, "sources", sel_raw, _spec(Selectors), index, prefix="selectors."))
    for key, query in vars(selectors).items():
        problem = selector_problem(query) if query else None
        if problem:
            raise reader.error(f"bộ chọn không hợp lệ {query!r}: {problem}", "sources", f"selectors.{key}", index)
    if values["kind"] in ("html", "ads") and not (selectors.link or selectors.item):
        raise reader.error(f"nguồn loại {values['kind']} cần selectors.link hoặc selectors.item",
                           "sources", "selectors", index)
    return SourceConfig(**values, selectors=selectors)


def _moderators(reader: _Reader, names: tuple[str, ...]) -> tuple[str, ...]:
    """The [review] moderators in NFC without surrounding spaces (as they are recorded); a name given twice,
    even in another case or normal form, is an error naming the line of the second one."""
    out: dict[str, str] = {}  # moderator_key -> the name as configured
    written: list[str] = []
    for raw in names:
        name = unicodedata.normalize("NFC", raw).strip()
        if not name:
            raise reader.error("tên cán bộ duyệt bị để trống", "review", "moderators")
        key = moderator_key(name)
        if key in out:
            err = reader.error(f"trùng tên cán bộ duyệt: {name!r} và {out[key]!r} là một người (tên được so sánh "
                               "không phân biệt chữ hoa/thường, khoảng trắng ở đầu/cuối và kiểu gõ dấu dựng sẵn/tổ "
                               "hợp); hãy chỉ ghi mỗi người một lần", "review", "moderators")
            line = reader.value_line("review", "moderators", raw, written.count(raw))
            raise ConfigError(err.reason, file=err.file, key=err.key, line=line or err.line)
        out[key] = name
        written.append(raw)
    return tuple(out.values())


def parse_config(text: str, path: str = "<string>") -> Config:
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark (Windows Notepad): not part of the TOML
    reader = _Reader(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"không phải TOML hợp lệ: {exc}", file=path, line=int(m.group(1)) if m else None) from None
    sections: dict[str, type] = {"database": DatabaseConfig, "crawler": CrawlerConfig, "classifier": ClassifierConfig,
                                 "review": ReviewConfig, "smtp": SmtpConfig, "digest": DigestConfig,
                                 "daemon": DaemonConfig}
    built: dict[str, Any] = {}
    for key, value in data.items():
        if key == "sources":
            if not isinstance(value, list):
                raise reader.error("cần các bảng [[sources]]", "", "sources")
            seen: set[str] = set()
            built["sources"] = tuple(_source(reader, raw, i, seen) for i, raw in enumerate(value))
            continue
        if key not in sections:
            raise reader.error(f"mục không xác định (các mục hợp lệ: {', '.join(sorted([*sections, 'sources']))})", "", key)
        if not isinstance(value, dict):
            raise reader.error("cần một bảng", "", key)
        if key == "smtp" and "password" in value:
            raise reader.error("không ghi mật khẩu vào tệp cấu hình; hãy dùng password_env", "smtp", "password")
        built[key] = _check(reader, key, value, _spec(sections[key]))

    if "database" in built:
        _db_url(reader, built["database"].get("url", DatabaseConfig.url))
    cls_values = built.get("classifier", {})
    for cat, thr in cls_values.get("thresholds", {}).items():
        if cat not in CATEGORIES:
            raise _threshold_error(reader, f"nhóm không xác định{_closest(cat, CATEGORIES)} (các nhóm: "
                                           f"{', '.join(CATEGORIES)})", cat)
        if isinstance(thr, bool) or not isinstance(thr, int | float) or not 0.0 < float(thr) <= 1.0:
            raise reader.error(f"cần một số trong khoảng (0, 1], nhận được {thr!r}", "classifier.thresholds", cat)
    if "thresholds" in cls_values:
        cls_values["thresholds"] = {k: float(v) for k, v in cls_values["thresholds"].items()}
    smtp = built.get("smtp", {})
    if not 1 <= smtp.get("port", SmtpConfig.port) <= 65535:
        raise reader.error("cần số cổng 1-65535", "smtp", "port")
    if smtp.get("security", "starttls") not in ("starttls", "ssl", "none"):
        raise reader.error("cần starttls, ssl hoặc none", "smtp", "security")
    if "sender" in smtp:
        _, addr = recipient_address(smtp["sender"])
        if not re.match(r"^[^@\s\"<>,]+@[^@\s\"<>,]+$", addr) or not _mail_header_address(addr):
            raise reader.error(f"không phải địa chỉ e-mail: {smtp['sender']!r} (cần dạng canhgac@sovhtt.gov.vn hoặc "
                               "Sở VHTTDL <canhgac@sovhtt.gov.vn>)", "smtp", "sender")
    if smtp.get("user") and smtp.get("host"):
        env = smtp.get("password_env", SmtpConfig.password_env)
        if not env or env not in os.environ:
            raise reader.error(f"đã khai báo tài khoản SMTP nhưng chưa đặt biến môi trường {env!r} chứa mật khẩu",
                               "smtp", "password_env")
    digest = built.get("digest", {})
    if digest.get("weekday", "mon") not in WEEKDAYS:
        raise reader.error(f"cần một trong {', '.join(WEEKDAYS)}", "digest", "weekday")
    if not 0 <= digest.get("hour", 8) <= 23:
        raise reader.error("cần giờ trong khoảng 0-23", "digest", "hour")
    tz = digest.get("timezone", DigestConfig.timezone)
    if not valid_timezone(tz):
        raise reader.error(f"múi giờ không xác định {tz!r}: cần tên IANA, ví dụ Asia/Ho_Chi_Minh",
                           "digest", "timezone")
    addresses: dict[str, str] = {}  # address, case-folded -> the recipient as written
    for written in digest.get("recipients", ()):
        _, addr = recipient_address(written)
        if not re.match(r"^[^@\s\"<>,]+@[^@\s\"<>,]+$", addr) or not _mail_header_address(addr):
            raise reader.error(f"không phải địa chỉ e-mail: {written!r} (cần dạng lanhdao@sovhtt.gov.vn hoặc "
                               "Nguyễn Văn A <lanhdao@sovhtt.gov.vn>)", "digest", "recipients")
        if not _MAIL_DOMAIN.match(addr.rpartition("@")[2]):  # "lanhdao@sovhtt": a domain cut short
            raise reader.error(f"địa chỉ e-mail {written!r} thiếu tên miền đầy đủ (ví dụ lanhdao@sovhtt.gov.vn)",
                               "digest", "recipients")
        if len(written) > RECIPIENT_MAX:  # the length of `digests_sent.recipient`
            raise reader.error(f"người nhận {written[:40]!r}... dài quá {RECIPIENT_MAX} ký tự", "digest", "recipients")
        if addr.casefold() in addresses:  # two rows of `digests_sent`: the same person would get every digest twice
            raise reader.error(f"trùng người nhận: {written!r} và {addresses[addr.casefold()]!r} là một địa chỉ",
                               "digest", "recipients")
        addresses[addr.casefold()] = written
    if digest.get("base_url"):
        _http_url(reader, digest["base_url"], "digest", "base_url", None)
    review = built.get("review", {})
    if "moderators" in review:
        review["moderators"] = _moderators(reader, review["moderators"])
    for key in ("claim_minutes", "retention_days", "failure_alert"):
        if review.get(key, 1) < 1:
            raise reader.error("phải từ 1 trở lên", "review", key)
    crawler = built.get("crawler", {})
    for key in ("download_maxsize_mb", "download_timeout_s", "concurrent_per_domain", "crawl_timeout_s"):
        if crawler.get(key, 1) < 1:
            raise reader.error("phải từ 1 trở lên", "crawler", key)
    if crawler.get("max_redirects", 0) < 0:
        raise reader.error("phải từ 0 trở lên (0: không đi theo chuyển hướng nào)", "crawler", "max_redirects")
    if crawler.get("redis_url") and not crawler["redis_url"].startswith(("redis://", "rediss://")):
        raise reader.error("cần dạng redis://HOST:PORT/DB", "crawler", "redis_url")

    return Config(
        database=DatabaseConfig(**built.get("database", {})),
        crawler=CrawlerConfig(**crawler),
        sources=built.get("sources", ()),
        classifier=ClassifierConfig(**cls_values),
        review=ReviewConfig(**review),
        smtp=SmtpConfig(**smtp),
        digest=DigestConfig(**digest),
        daemon=DaemonConfig(**built.get("daemon", {})),
        path=path,
    )


RECIPIENT_MAX = 256
_NAMED = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]*)>$")


def recipient_address(recipient: str) -> tuple[str, str]:
    """(display name, address) of a `[digest] recipients` entry: `lan@so.gov.vn` or, with a name to show in the
    mail's To line, `Nguyễn Thị Lan <lan@so.gov.vn>` (quotes around the name optional)."""
    m = _NAMED.match(recipient.strip())
    if not m:
        return "", recipient.strip()
    name = m.group("name").strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').strip()
    return unicodedata.normalize("NFC", name), m.group("addr").strip()


def _mail_header_address(addr: str) -> bool:
    """Whether `addr` can be written in a mail's To line (`a..b@x.vn`, `a;b@x.vn` cannot): the digest is addressed
    with it, and a refusal then would only show up as failed deliveries, week after week."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    try:
        Address(addr_spec=addr)
    except (ValueError, HeaderParseError):
        return False
    return True


# the domain of a recipient: dotted labels (letters, digits, hyphens; IDN in Unicode too), or localhost
_MAIL_DOMAIN = re.compile(r"^(?:localhost|(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,})$")


def check_model_card(cfg: Config) -> None:
    """The configured model's card must list only canhgac's categories: a model trained on a typo'd label
    (`sacm`) would flag items in a category the queue, the digest and the statistics do not know. ConfigError
    naming the file, `classifier.model` and its line; a missing model file is only a warning elsewhere. A threshold
    override (`classifier.thresholds.X`) must name a category of the card too: one for a category the model does
    not score would silently do nothing."""
    import json

    from classifier.model import card_path

    model = cfg.classifier.model
    if not model or not Path(model).is_file():
        return
    reader = _Reader(cfg.path or "<mặc định>", read_config_text(Path(cfg.path)) if cfg.path else "")
    card = card_path(model)
    try:
        cats = json.loads(card.read_text(encoding="utf-8")).get("categories")
    except (OSError, ValueError, AttributeError):
        raise reader.error(f"không đọc được thẻ mô hình {card} của {model} (mô hình không có thẻ hợp lệ bị từ chối)",
                           "classifier", "model") from None
    if not isinstance(cats, list):
        raise reader.error(f"thẻ mô hình {card} không có danh sách 'categories'", "classifier", "model")
    unknown = [str(c) for c in cats if c not in CATEGORIES]
    if unknown:
        shown = ", ".join(repr(c) + _closest(c, CATEGORIES) for c in unknown)
        raise reader.error(f"mô hình {model} có nhóm không thuộc canhgac: {shown} (các nhóm hợp lệ: "
                           f"{', '.join(CATEGORIES)}); hãy huấn luyện lại bằng `canhgac train` với nhãn hợp lệ "
                           "hoặc bỏ khoá này để dùng mô hình mặc định", "classifier", "model")
    for cat in cfg.classifier.thresholds:  # parse_config allowed canhgac's categories: this model may score fewer
        if cat not in cats:
            raise _threshold_error(reader, f"mô hình {model} không chấm nhóm {cat!r}{_closest(cat, [str(c) for c in cats])}"
                                   f" (các nhóm của mô hình: {', '.join(map(str, cats))}); hãy bỏ ngưỡng này hoặc "
                                   "dùng mô hình có nhóm đó", cat)


def _threshold_error(reader: _Reader, message: str, cat: str) -> ConfigError:
    """The error of `classifier.thresholds.<cat>` at its line: under a `[classifier.thresholds]` table, or written
    `thresholds.<cat> = ...` / `thresholds = { <cat> = ... }` in `[classifier]`."""
    if reader.line_of("classifier.thresholds", cat) is not None:
        return reader.error(message, "classifier.thresholds", cat)
    return reader.error(message, "classifier", f"thresholds.{cat}")


def _closest(name: str, choices: Sequence[str]) -> str:
    """" (có phải 'scam'?)" after a misspelt category name, naming the closest of `choices`; "" when none is close."""
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (có phải {close[0]!r}?)" if close else ""


def valid_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (LookupError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; "Asia" is a directory
        return False
    return True


def resolve_config_path(explicit: str | None = None) -> Path | None:
    """`--config` wins, then `CANHGAC_CONFIG`, then ./canhgac.toml if present; None means built-in defaults."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CANHGAC_CONFIG")
    if env:
        return Path(env)
    default = Path(DEFAULT_CONFIG_NAME)
    return default if default.exists() else None


def describe_origin(cfg: Config) -> str:
    """Where `cfg` came from, for operators: the file, or (in Vietnamese, like the other operator messages)
    that no file was found and the built-in defaults are in use."""
    if cfg.path:
        return cfg.path
    return (f"không tìm thấy tệp cấu hình ./{DEFAULT_CONFIG_NAME} (và không có --config hay CANHGAC_CONFIG): "
            "đang dùng cấu hình mặc định")


def anchor_paths(cfg: Config, base: Path) -> Config:
    """Relative file paths in the configuration (a SQLite database, the model, the rules) made absolute from
    `base` — the config file's folder, or the working directory for the built-in defaults — so every process
    sees the same files: crawls run in subprocesses started in the project's folder, not the caller's."""
    url = cfg.database.url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        db = url[len("sqlite:///"):]
        if db and not db.startswith(":"):
            url = "sqlite:///" + str((base / db).resolve())

    def _abs(value: str) -> str:
        return str((base / value).resolve()) if value and not Path(value).is_absolute() else value

    return replace(cfg, database=replace(cfg.database, url=url),
                   classifier=replace(cfg.classifier, model=_abs(cfg.classifier.model),
                                      rules=_abs(cfg.classifier.rules)))


def load_config(explicit: str | None = None) -> Config:
    path = resolve_config_path(explicit)
    if path is None:
        return anchor_paths(Config(), Path.cwd())
    return anchor_paths(parse_config(read_config_text(path), str(path)), path.resolve().parent)


def read_config_text(path: Path) -> str:
    """The text of a config file: UTF-8, a leading byte order mark dropped (Windows Notepad writes one), so
    line numbers are the editor's; UTF-16 (Notepad's "Unicode") and other encodings are refused, saying how to
    save the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("không tìm thấy tệp", file=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"không đọc được: {reason_vi(exc)}", file=str(path)) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:  # a BOM, or the zero bytes of ASCII
        raise ConfigError("tệp được lưu với bảng mã UTF-16 (Notepad gọi là \"Unicode\"), không phải UTF-8: hãy lưu "
                          "lại tệp với bảng mã UTF-8 (Notepad: File > Save As..., mục Encoding chọn UTF-8)",
                          file=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"không phải văn bản UTF-8 (byte không hợp lệ ở vị trí {exc.start}): hãy lưu lại tệp với "
                          "bảng mã UTF-8", file=str(path)) from None
