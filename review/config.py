"""One frozen, typed configuration, loaded once at the entry point and passed down.

The file is TOML (`canhgac.toml`, or `--config PATH`, or `CANHGAC_CONFIG`). Every key is known here:
a misspelled key, a wrong type or a bad URL fails at start with a `ConfigError` naming the file, the
dotted key and (where it can be found) the line. `canhgac.example.toml` documents every key.

This module reads a file into a `Config` and is where the rest of canhgac imports configuration names from;
the parts live beside it, each named for what it holds:

    config_sections    the frozen dataclasses of each section (`Config`, `SourceConfig`, `SmtpConfig`, ...)
    config_files       which file, its text (UTF-8, a BOM dropped), relative paths anchored at its folder
    config_toml        keys and types checked against the dataclasses, lines found, typos suggested
    config_inline      where each entry of an inline array of tables (`sources = [ {...} ]`) is written
    config_urls        http(s) page URLs and database URLs
    config_schedule    `every 30m` / `cron M H DOM MON DOW` schedules, crontab turned into APScheduler's
    config_sources     the `[[sources]]` tables and their selectors
    config_mail        the `[smtp]` and `[digest]` sections: sender, recipients, weekday, time zone
    config_classifier  thresholds and the model card against the known categories
    config_locality    `[review] locality` naming a province from before the 2025 merger: read as its new one
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from review.config_classifier import check_model_card, check_thresholds
from review.config_files import (
    DEFAULT_CONFIG_NAME,
    anchor_paths,
    describe_origin,
    no_config_file_vi,
    read_config_text,
    refuse_new_default_database,
    resolve_config_path,
)
from review.config_locality import office_locality, old_province_note
from review.config_mail import RECIPIENT_MAX, check_digest, check_smtp, recipient_address, valid_timezone
from review.config_schedule import CRON_DOW, crontab_fields, crontab_weekdays, schedule_problem
from review.config_sections import (
    SELECTOR_KEYS,
    SOURCE_KINDS,
    WEEKDAYS,
    ClassifierConfig,
    Config,
    CrawlerConfig,
    DaemonConfig,
    DatabaseConfig,
    DigestConfig,
    ReviewConfig,
    Selectors,
    SmtpConfig,
    SourceConfig,
    moderator_key,
)
from review.config_sources import parse_source, selector_problem
from review.config_toml import ConfigReader, check_table, field_types
from review.config_urls import check_db_url, check_redis_url
from review.errors import ConfigError

__all__ = [
    "CRON_DOW", "DEFAULT_CONFIG_NAME", "RECIPIENT_MAX", "SELECTOR_KEYS", "SOURCE_KINDS", "WEEKDAYS",
    "ClassifierConfig", "Config", "ConfigError", "CrawlerConfig", "DaemonConfig", "DatabaseConfig", "DigestConfig",
    "ReviewConfig", "Selectors", "SmtpConfig", "SourceConfig",
    "anchor_paths", "check_model_card", "crontab_fields", "crontab_weekdays", "describe_origin", "load_config",
    "moderator_key", "no_config_file_vi", "parse_config", "read_config_text", "recipient_address",
    "refuse_new_default_database", "resolve_config_path",
    "schedule_problem", "selector_problem", "valid_timezone",
]


def _moderators(reader: ConfigReader, names: tuple[str, ...]) -> tuple[str, ...]:
    """The [review] moderators in NFC without surrounding spaces (as they are recorded); a name given twice,
    even in another case or normal form, is an error naming the line of the second one."""
    out: dict[str, str] = {}  # moderator_key -> the name as configured
    for i, raw in enumerate(names):
        name = unicodedata.normalize("NFC", raw).strip()
        if not name:
            raise reader.error("tên cán bộ duyệt bị để trống", "review", "moderators", element=i)
        key = moderator_key(name)
        if key in out:
            raise reader.error(f"trùng tên cán bộ duyệt: {name!r} và {out[key]!r} là một người (tên được so sánh "
                               "không phân biệt chữ hoa/thường, khoảng trắng ở đầu/cuối và kiểu gõ dấu dựng sẵn/tổ "
                               "hợp); hãy chỉ ghi mỗi người một lần", "review", "moderators", element=i)
        out[key] = name
    return tuple(out.values())


#: what `canhgac.example.toml` holds that only the example can mean: (section, key, value), addresses on its
#: example domains. A file copied unchanged loads (tests, the demo), but `config check` and `status` name each key
#: still holding one of these (the crawls fail, the digest goes nowhere). Kept equal to the example by
#: tests/review/test_example_values.py.
EXAMPLE_VALUES: tuple[tuple[str, str, str], ...] = (
    ("crawler", "contact", "cntt@sovhtt.example.gov.vn"),
    ("sources", "urls", "https://baotinh.example.vn/rss/tin-moi-nhat.rss"),
    ("sources", "urls", "https://phuong.example.vn/tin-tuc"),
    ("sources", "urls", "https://raovat.example.vn/dich-vu"),
    ("smtp", "sender", "canhgac@sovhtt.example.gov.vn"),
    ("digest", "recipients", "lanhdao@sovhtt.example.gov.vn"),
)
#: the example's office and area, which a real office in Nghệ An may hold too: the office is the example's while the
#: locality is another one's (a ward that forgot it: its year-end report would name Nghệ An's Sở) or while any value
#: above is left; the locality only with the office, and while a value above is left
EXAMPLE_OFFICE = "Sở Văn hóa, Thể thao và Du lịch tỉnh Nghệ An"
EXAMPLE_LOCALITY = "Tỉnh Nghệ An"


def _example_values(reader: ConfigReader, data: dict[str, Any]) -> tuple[str, ...]:
    """One line per key of `data` (the parsed TOML) still holding the example's value, "file:line, khoá 'k': …", in
    the file's order."""
    out: list[tuple[int, str]] = []

    def said(value: str, section: str, key: str, index: int | None = None, element: int | None = None) -> None:
        err = reader.error("", section, key, index, element)  # names the key and finds its line as errors do
        where = f"{reader.path}:{err.line}" if err.line else reader.path
        out.append((err.line or 0, f"{where}, khoá '{err.key}': vẫn là giá trị của tệp mẫu canhgac.example.toml ({value!r}); hãy "
                   "thay bằng giá trị của đơn vị"))

    def table(section: str) -> dict[str, Any]:
        value = data.get(section)
        return value if isinstance(value, dict) else {}

    for section, key, example in EXAMPLE_VALUES:
        value = table(section).get(key) if section != "sources" else None
        for n, v in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(v, str) and recipient_address(v)[1].casefold() == example:  # "Tên <address>" too
                said(v, section, key, None, n if isinstance(value, list) else None)
    urls = {v for s, _, v in EXAMPLE_VALUES if s == "sources"}
    sources = data.get("sources")
    for i, src in enumerate(sources if isinstance(sources, list) else []):
        for n, url in enumerate(src.get("urls", []) if isinstance(src, dict) else []):
            if url in urls:
                said(url, "sources", "urls", i, n)
    left = bool(out)
    office, locality = table("review").get("office"), table("review").get("locality")
    if office == EXAMPLE_OFFICE and (left or locality != EXAMPLE_LOCALITY):
        said(office, "review", "office")
        if left and locality == EXAMPLE_LOCALITY:
            said(locality, "review", "locality")
    return tuple(line for _, line in sorted(out))  # in the file's order


def parse_config(text: str, path: str = "<string>") -> Config:
    """The TOML `text` (read from `path`, named in errors) as a checked `Config`; the first problem: ConfigError."""
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark (Windows Notepad): not part of the TOML
    reader = ConfigReader(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"không phải TOML hợp lệ: {exc}", file=path, line=int(m.group(1)) if m else None) from None
    sections: dict[str, type] = {"database": DatabaseConfig, "crawler": CrawlerConfig, "classifier": ClassifierConfig,
                                 "review": ReviewConfig, "smtp": SmtpConfig, "digest": DigestConfig,
                                 "daemon": DaemonConfig}
    built: dict[str, Any] = {}
    source_notes: list[str] = []  # `[[sources]] locality` naming an old province (`config_sources`)
    for key, value in data.items():
        if key == "sources":
            if not isinstance(value, list):
                raise reader.error("cần các bảng [[sources]]", "", "sources")
            seen: set[str] = set()
            built["sources"] = tuple(parse_source(reader, raw, i, seen, source_notes) for i, raw in enumerate(value))
            continue
        if key not in sections:
            raise reader.error(f"mục không xác định (các mục hợp lệ: {', '.join(sorted([*sections, 'sources']))})", "", key)
        if not isinstance(value, dict):
            raise reader.error("cần một bảng", "", key)
        if key == "smtp" and "password" in value:
            raise reader.error("không ghi mật khẩu vào tệp cấu hình; hãy dùng password_env", "smtp", "password")
        built[key] = check_table(reader, key, value, field_types(sections[key]))

    if "database" in built:
        check_db_url(reader, built["database"].get("url", DatabaseConfig.url))
    cls_values = built.get("classifier", {})
    check_thresholds(reader, cls_values)
    smtp = built.get("smtp", {})
    no_password = check_smtp(reader, smtp)
    digest = built.get("digest", {})
    check_digest(reader, digest)
    review = built.get("review", {})
    notes: list[str] = []
    if no_password is not None:  # only sending mail needs it; `config check` says so (see `check_smtp`)
        where = f"{path}:{no_password.line}" if no_password.line else path
        notes.append(f"{where}, khoá 'smtp.password_env': biến môi trường "
                     f"{smtp.get('password_env', SmtpConfig.password_env)!r} (mật khẩu SMTP) chưa đặt trong môi trường "
                     "đang chạy lệnh này: `canhgac run` và `canhgac digest --send` sẽ từ chối chạy khi thiếu nó; các "
                     "lệnh khác không cần")
    if review.get("locality"):
        found = office_locality(review["locality"])
        if found.old:
            review["locality"] = found.value
            line = reader.line_of("review", "locality")
            notes.append(old_province_note(found, f"{path}:{line}" if line else path))
    notes.extend(source_notes)
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
    if crawler.get("redis_url"):
        check_redis_url(reader, crawler["redis_url"])
    daemon = built.get("daemon", {})
    if daemon.get("misfire_grace_s", 1) < 1:  # APScheduler refuses a job whose misfire grace is not positive
        raise reader.error("phải từ 1 trở lên", "daemon", "misfire_grace_s")
    for key in ("jitter_s", "stop_grace_s"):  # 0: no jitter, no grace; below 0 runs early / gives no time at all
        if daemon.get(key, 0) < 0:
            raise reader.error("phải từ 0 trở lên", "daemon", key)

    return Config(
        database=DatabaseConfig(**built.get("database", {})),
        crawler=CrawlerConfig(**crawler),
        sources=built.get("sources", ()),
        classifier=ClassifierConfig(**cls_values),
        review=ReviewConfig(**review),
        smtp=SmtpConfig(**smtp),
        digest=DigestConfig(**digest),
        daemon=DaemonConfig(**daemon),
        path=path,
        notes=tuple(notes),
        example_values=_example_values(reader, data),
        smtp_password_missing=no_password,
    )


def load_config(explicit: str | None = None) -> Config:
    """The configuration of this run (see `resolve_config_path`), relative paths anchored at its file's folder."""
    path = resolve_config_path(explicit)
    if path is None:
        return anchor_paths(Config(), Path.cwd())
    return anchor_paths(parse_config(read_config_text(path), str(path)), path.resolve().parent)

