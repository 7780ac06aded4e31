"""The `[smtp]` and `[digest]` sections: who the weekly digest is sent from and to, and when.

An address the mail library would refuse, a recipient listed twice or a time zone `zoneinfo` does not know would
only show up as failed or doubled deliveries, week after week: each is a ConfigError at start instead.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from review.config_sections import WEEKDAYS, DigestConfig, SmtpConfig
from review.config_toml import ConfigReader
from review.config_urls import check_http_url
from review.errors import ConfigError

RECIPIENT_MAX = 256
_NAMED = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]*)>$")
_ADDRESS = re.compile(r"^[^@\s\"<>,]+@[^@\s\"<>,]+$")


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


def valid_timezone(name: str) -> bool:
    """Whether `zoneinfo` knows `name`: the digest's weeks and send time are reckoned in it."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (LookupError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; "Asia" is a directory
        return False
    return True


def check_smtp(reader: ConfigReader, smtp: Mapping[str, Any]) -> ConfigError | None:
    """The `[smtp]` values as read (only the keys written): a ConfigError for the first one that is wrong.

    Returned, not raised: the SMTP account's password missing from the environment. Only sending mail needs it
    (`canhgac run`, `digest --send`: `Config.require_smtp_password`); deploy.md keeps it in the daemon's
    environment file, so `config check`, `init`, `status` and the moderators' commands run without it."""
    if not 1 <= smtp.get("port", SmtpConfig.port) <= 65535:
        raise reader.error("cần số cổng 1-65535", "smtp", "port")
    if smtp.get("security", "starttls") not in ("starttls", "ssl", "none"):
        raise reader.error("cần starttls, ssl hoặc none", "smtp", "security")
    if "sender" in smtp:
        _, addr = recipient_address(smtp["sender"])
        if not _ADDRESS.match(addr) or not _mail_header_address(addr):
            raise reader.error(f"không phải địa chỉ e-mail: {smtp['sender']!r} (cần dạng canhgac@sovhtt.gov.vn hoặc "
                               "Sở VHTTDL <canhgac@sovhtt.gov.vn>)", "smtp", "sender")
    if smtp.get("timeout_s", 1) < 1:  # smtplib refuses 0 ("non-blocking socket") and a negative timeout
        raise reader.error("phải từ 1 trở lên", "smtp", "timeout_s")
    if smtp.get("user") and smtp.get("host"):
        env = smtp.get("password_env", SmtpConfig.password_env)
        if not env:
            raise reader.error("đã khai báo tài khoản SMTP (user) nhưng password_env để trống: cần tên biến môi "
                               "trường chứa mật khẩu", "smtp", "password_env")
        if env not in os.environ:
            return reader.error(f"đã khai báo tài khoản SMTP nhưng chưa đặt biến môi trường {env!r} chứa mật khẩu "
                                "(tiến trình nền và `canhgac digest --send` đọc nó, ví dụ từ /etc/canhgac/env)",
                                "smtp", "password_env")
    return None


def check_digest(reader: ConfigReader, digest: Mapping[str, Any]) -> None:
    """The `[digest]` values as read (only the keys written): a ConfigError for the first one that is wrong."""
    if digest.get("weekday", "mon") not in WEEKDAYS:
        raise reader.error(f"cần một trong {', '.join(WEEKDAYS)}", "digest", "weekday")
    if not 0 <= digest.get("hour", 8) <= 23:
        raise reader.error("cần giờ trong khoảng 0-23", "digest", "hour")
    tz = digest.get("timezone", DigestConfig.timezone)
    if not valid_timezone(tz):
        raise reader.error(f"múi giờ không xác định {tz!r}: cần tên IANA, ví dụ Asia/Ho_Chi_Minh",
                           "digest", "timezone")
    addresses: dict[str, str] = {}  # address, case-folded -> the recipient as written
    for i, written in enumerate(digest.get("recipients", ())):
        _, addr = recipient_address(written)
        if not _ADDRESS.match(addr) or not _mail_header_address(addr):
            raise reader.error(f"không phải địa chỉ e-mail: {written!r} (cần dạng lanhdao@sovhtt.gov.vn hoặc "
                               "Nguyễn Văn A <lanhdao@sovhtt.gov.vn>)", "digest", "recipients", element=i)
        if not _MAIL_DOMAIN.match(addr.rpartition("@")[2]):  # "lanhdao@sovhtt": a domain cut short
            raise reader.error(f"địa chỉ e-mail {written!r} thiếu tên miền đầy đủ (ví dụ lanhdao@sovhtt.gov.vn)",
                               "digest", "recipients", element=i)
        if len(written) > RECIPIENT_MAX:  # the length of `digests_sent.recipient`
            raise reader.error(f"người nhận {written[:40]!r}... dài quá {RECIPIENT_MAX} ký tự", "digest", "recipients",
                               element=i)
        if addr.casefold() in addresses:  # two rows of `digests_sent`: the same person would get every digest twice
            raise reader.error(f"trùng người nhận: {written!r} và {addresses[addr.casefold()]!r} là một địa chỉ",
                               "digest", "recipients", element=i)
        addresses[addr.casefold()] = written
    if digest.get("base_url"):
        check_http_url(reader, digest["base_url"], "digest", "base_url", None)
