"""The configuration's sections as frozen dataclasses: what every other module is handed, already checked.

Each field's type and default is the reference for the TOML key of the same name (the reader checks keys and
types against these fields), so adding a key means adding a field here and documenting it in
`canhgac.example.toml`.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from review.config_schedule import cron_expression, interval_seconds
from review.errors import ConfigError

SOURCE_KINDS = ("rss", "sitemap", "html", "ads")
SELECTOR_KEYS = ("item", "link", "title", "text", "author", "date", "next_page", "price", "contact")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
        return interval_seconds(self.schedule)

    @property
    def cron(self) -> str | None:
        return cron_expression(self.schedule)


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
    office: str = ""  # the reporting office, named in the year-end report (empty: the report names the area)
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
    # keys still holding canhgac.example.toml's value ("file:line, khoá …: …"); config check and status warn of each
    example_values: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what reading the file noticed that is no error ("file:line, khoá …: …"); config check prints them
    # the SMTP account's password not in the environment: an error only for what sends mail (`require_smtp_password`)
    smtp_password_missing: ConfigError | None = field(default=None, compare=False, repr=False)

    def require_smtp_password(self) -> None:
        """Raise the ConfigError (file, line, key `smtp.password_env`) when `[smtp] user` is set but its password's
        environment variable is not: called before any mail is sent, so nothing is recorded as sent or failed."""
        if self.smtp_password_missing is not None and self.smtp.user and self.smtp.host:
            raise ConfigError(self.smtp_password_missing.reason, file=self.smtp_password_missing.file,
                              key=self.smtp_password_missing.key, line=self.smtp_password_missing.line)

    def require_digest_sendable(self) -> None:
        """What `canhgac run` (and a running daemon's reload) refuses: `[digest] recipients` set while the SMTP
        password is missing from the environment, so the weekly digest could never be sent (`require_smtp_password`'s
        ConfigError). Refused now, not found out on Monday."""
        if self.digest.recipients:
            self.require_smtp_password()

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise ConfigError(f"không có nguồn tên {name!r} (các nguồn: {', '.join(s.name for s in self.sources) or 'chưa có'})",
                          file=self.path or None, key="sources")
