"""URLs in the configuration, parsed the way their users will parse them: a page a spider or an e-mail link
opens (http/https with a host and a valid port) and the database (SQLite or PostgreSQL through psycopg 3).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from review.config_toml import ConfigReader


def check_http_url(reader: ConfigReader, url: str, section: str, key: str, index: int | None,
                   element: int | None = None) -> None:
    """Refuses `url` unless http(s) with a host and a valid port; `element`: its place in the array `key`."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError as exc:  # `http://[x`, `http://a.vn:99999`
        raise reader.error(f"địa chỉ URL không hợp lệ {url!r}: {exc}", section, key, index, element) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise reader.error(f"địa chỉ URL không hợp lệ {url!r}: chỉ nhận địa chỉ đầy đủ http:// hoặc https://",
                           section, key, index, element)


def check_db_url(reader: ConfigReader, url: str) -> None:
    if not re.match(r"^(sqlite|postgresql(\+psycopg)?)://", url):
        raise reader.error(f"địa chỉ cơ sở dữ liệu không hợp lệ {url!r}: cần sqlite:///PATH hoặc postgresql+psycopg://...",
                           "database", "url")
    if url.startswith("postgresql://"):
        raise reader.error("hãy dùng trình điều khiển psycopg 3: postgresql+psycopg://...", "database", "url")

