"""One frozen, typed configuration, loaded once at the entry point and passed down.

The file is TOML (`canhgac.toml`, or `--config PATH`, or `CANHGAC_CONFIG`). Every key is known here:
a misspelled key, a wrong type or a bad URL fails at start with a `ConfigError` naming the file, the
dotted key and (where it can be found) the line. `canhgac.example.toml` documents every key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from classifier.categories import CATEGORIES
from review.errors import ConfigError

DEFAULT_CONFIG_NAME = "canhgac.toml"
SOURCE_KINDS = ("rss", "sitemap", "html", "ads")
SELECTOR_KEYS = ("item", "link", "title", "text", "author", "date", "next_page", "price", "contact")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SCHEDULE = re.compile(r"^every\s+(\d+)\s*([smhd])$")
_CRON = re.compile(r"^cron\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,62}$")


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
        return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]

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
        raise ConfigError(f"no source named {name!r} (known: {', '.join(s.name for s in self.sources) or 'none'})",
                          file=self.path or None, key="sources")


# ---------------------------------------------------------------------------------------------- loading


class _Reader:
    """Walks the parsed TOML, checking each key against the dataclass fields and remembering lines."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, section: str, key: str | None, index: int | None = None) -> int | None:
        """Best-effort line of `key` inside `[section]` (or the index-th `[[section]]`)."""
        header = re.compile(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?\s*(#.*)?$") if section else None
        start, seen = (0 if header is None else None), -1
        for i, raw in enumerate(self.lines):
            if header is not None and header.match(raw):
                seen += 1
                if index is None or seen == index:
                    start = i
                    if key is None:
                        return i + 1
                    continue
            if start is None:
                continue
            if i > start and re.match(r"^\s*\[", raw) and not raw.strip().startswith(f"[{section}."):
                if header is not None:
                    break
            if key and re.match(rf"^\s*{re.escape(key)}\s*=", raw):
                return i + 1
        return None

    def error(self, message: str, section: str, key: str | None, index: int | None = None) -> ConfigError:
        dotted = ".".join(p for p in (section + (f"[{index}]" if index is not None else ""), key) if p)
        return ConfigError(message, file=self.path, key=dotted or None, line=self.line_of(section, key, index))


def _typename(t: Any) -> str:
    return {str: "a string", int: "an integer", bool: "true or false", float: "a number"}.get(t, str(t))


def _check(reader: _Reader, section: str, table: Mapping[str, Any], spec: Mapping[str, type],
           index: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in spec:
            known = ", ".join(sorted(spec))
            raise reader.error(f"unknown key (known keys: {known})", section, key, index)
        want = spec[key]
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if want is tuple:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise reader.error("expected a list of strings", section, key, index)
            value = tuple(value)
        elif want is dict:
            if not isinstance(value, dict):
                raise reader.error("expected a table", section, key, index)
        elif not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise reader.error(f"expected {_typename(want)}, got {type(value).__name__} {value!r}", section, key, index)
        out[key] = value
    return out


def _spec(cls: type) -> dict[str, type]:
    spec: dict[str, type] = {}
    for name, f in cls.__dataclass_fields__.items():  # type: ignore[attr-defined]
        t = str(f.type)
        spec[name] = (tuple if t.startswith("tuple") else dict if t.startswith(("Mapping", "dict", "Selectors"))
                      else bool if t == "bool" else int if t == "int" else float if t == "float" else str)
    return spec


def _http_url(reader: _Reader, url: str, section: str, key: str, index: int | None) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise reader.error(f"bad URL {url!r}: only absolute http:// or https:// URLs are allowed", section, key, index)


def _db_url(reader: _Reader, url: str) -> None:
    if not re.match(r"^(sqlite|postgresql(\+psycopg)?)://", url):
        raise reader.error(f"bad database URL {url!r}: expected sqlite:///PATH or postgresql+psycopg://...",
                           "database", "url")
    if url.startswith("postgresql://"):
        raise reader.error("use the psycopg 3 driver: postgresql+psycopg://...", "database", "url")


def _source(reader: _Reader, raw: Any, index: int, seen: set[str]) -> SourceConfig:
    if not isinstance(raw, dict):
        raise reader.error("expected a [[sources]] table", "sources", None, index)
    spec = _spec(SourceConfig)
    values = _check(reader, "sources", raw, spec, index)
    for required in ("name", "kind", "urls"):
        if required not in values:
            raise reader.error("missing required key", "sources", required, index)
    name = values["name"]
    if not _NAME.match(name):
        raise reader.error(f"bad source name {name!r}: use lowercase letters, digits, '-' and '_'",
                           "sources", "name", index)
    if name in seen:
        raise reader.error(f"duplicate source name {name!r}", "sources", "name", index)
    seen.add(name)
    if values["kind"] not in SOURCE_KINDS:
        raise reader.error(f"expected one of {', '.join(SOURCE_KINDS)}, got {values['kind']!r}", "sources", "kind", index)
    if not values["urls"]:
        raise reader.error("needs at least one URL", "sources", "urls", index)
    for url in values["urls"]:
        _http_url(reader, url, "sources", "urls", index)
    schedule = values.get("schedule", SourceConfig.schedule)
    if not (_SCHEDULE.match(schedule) or _CRON.match(schedule)):
        raise reader.error(f"bad schedule {schedule!r}: expected 'every 30m' (s/m/h/d) or 'cron M H DOM MON DOW'",
                           "sources", "schedule", index)
    if values.get("max_pages", 1) < 1:
        raise reader.error("must be at least 1", "sources", "max_pages", index)
    sel_raw = values.pop("selectors", {})
    selectors = Selectors(**_check(reader, "sources.selectors", sel_raw, _spec(Selectors), index))
    if values["kind"] in ("html", "ads") and not (selectors.link or selectors.item):
        raise reader.error(f"a {values['kind']} source needs selectors.link or selectors.item",
                           "sources", "selectors", index)
    return SourceConfig(**values, selectors=selectors)


def parse_config(text: str, path: str = "<string>") -> Config:
    reader = _Reader(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", file=path, line=int(m.group(1)) if m else None) from None
    sections: dict[str, type] = {"database": DatabaseConfig, "crawler": CrawlerConfig, "classifier": ClassifierConfig,
                                 "review": ReviewConfig, "smtp": SmtpConfig, "digest": DigestConfig,
                                 "daemon": DaemonConfig}
    built: dict[str, Any] = {}
    for key, value in data.items():
        if key == "sources":
            if not isinstance(value, list):
                raise reader.error("expected [[sources]] tables", "", "sources")
            seen: set[str] = set()
            built["sources"] = tuple(_source(reader, raw, i, seen) for i, raw in enumerate(value))
            continue
        if key not in sections:
            raise reader.error(f"unknown section (known: {', '.join(sorted([*sections, 'sources']))})", "", key)
        if not isinstance(value, dict):
            raise reader.error("expected a table", "", key)
        if key == "smtp" and "password" in value:
            raise reader.error("never put the password in the file; set password_env", "smtp", "password")
        built[key] = _check(reader, key, value, _spec(sections[key]))

    if "database" in built:
        _db_url(reader, built["database"].get("url", DatabaseConfig.url))
    cls_values = built.get("classifier", {})
    for cat, thr in cls_values.get("thresholds", {}).items():
        if cat not in CATEGORIES:
            raise reader.error(f"unknown category (known: {', '.join(CATEGORIES)})", "classifier.thresholds", cat)
        if isinstance(thr, bool) or not isinstance(thr, int | float) or not 0.0 < float(thr) <= 1.0:
            raise reader.error(f"expected a number in (0, 1], got {thr!r}", "classifier.thresholds", cat)
    if "thresholds" in cls_values:
        cls_values["thresholds"] = {k: float(v) for k, v in cls_values["thresholds"].items()}
    smtp = built.get("smtp", {})
    if smtp.get("security", "starttls") not in ("starttls", "ssl", "none"):
        raise reader.error("expected starttls, ssl or none", "smtp", "security")
    if smtp.get("user") and smtp.get("host"):
        env = smtp.get("password_env", SmtpConfig.password_env)
        if not env or env not in os.environ:
            raise reader.error(f"SMTP user is set but the environment variable {env!r} holding the password is not",
                               "smtp", "password_env")
    digest = built.get("digest", {})
    if digest.get("weekday", "mon") not in WEEKDAYS:
        raise reader.error(f"expected one of {', '.join(WEEKDAYS)}", "digest", "weekday")
    if not 0 <= digest.get("hour", 8) <= 23:
        raise reader.error("expected an hour 0-23", "digest", "hour")
    for addr in digest.get("recipients", ()):
        if not re.match(r"^[^@\s]+@[^@\s]+$", addr):
            raise reader.error(f"not an e-mail address: {addr!r}", "digest", "recipients")
    if digest.get("base_url"):
        _http_url(reader, digest["base_url"], "digest", "base_url", None)
    review = built.get("review", {})
    for mod in review.get("moderators", ()):
        if not mod.strip():
            raise reader.error("empty moderator name", "review", "moderators")
    for key in ("claim_minutes", "retention_days", "failure_alert"):
        if review.get(key, 1) < 1:
            raise reader.error("must be at least 1", "review", key)
    crawler = built.get("crawler", {})
    for key in ("download_maxsize_mb", "download_timeout_s", "concurrent_per_domain", "crawl_timeout_s"):
        if crawler.get(key, 1) < 1:
            raise reader.error("must be at least 1", "crawler", key)
    if crawler.get("redis_url") and not crawler["redis_url"].startswith(("redis://", "rediss://")):
        raise reader.error("expected redis://HOST:PORT/DB", "crawler", "redis_url")

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


def resolve_config_path(explicit: str | None = None) -> Path | None:
    """`--config` wins, then `CANHGAC_CONFIG`, then ./canhgac.toml if present; None means built-in defaults."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CANHGAC_CONFIG")
    if env:
        return Path(env)
    default = Path(DEFAULT_CONFIG_NAME)
    return default if default.exists() else None


def load_config(explicit: str | None = None) -> Config:
    path = resolve_config_path(explicit)
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", file=str(path)) from None
    return parse_config(text, str(path))
