"""URLs in the configuration, parsed the way their users will parse them: a page a spider or an e-mail link
opens (http/https with a host and a valid port) and the database (SQLite or PostgreSQL through psycopg 3).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from review.config_toml import ConfigReader
from review.url_secrets import url_shown


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



def check_redis_url(reader: ConfigReader, url: str) -> None:
    """`[crawler] redis_url` as redis-py reads it, which silently uses database 0 for a path that is not a number
    (`/l` for `/1`, `/abc`): two installations would then share one round's keys. A port that is not a number
    0-65535 would only fail each crawl. The password is shown as `***`."""
    shown = url_shown(url)
    expected = "cần dạng redis://HOST:PORT/DB (DB là số cơ sở dữ liệu Redis: 0, 1 ...)"
    if not url.startswith(("redis://", "rediss://")):
        raise reader.error(f"địa chỉ Redis không hợp lệ {shown!r}: {expected}", "crawler", "redis_url")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # `redis://[x`
        raise reader.error(f"địa chỉ Redis không hợp lệ {shown!r}: {exc}; {expected}", "crawler", "redis_url") from None
    db = parts.path.strip("/")
    if "@" in db:  # `redis://:pa/ss@host/0`: redis-py, like urlsplit, ends the host part at the password's `/`
        raise reader.error(f"địa chỉ Redis không hợp lệ {shown!r}: ký tự '/' trong mật khẩu phải viết là %2F; "
                           f"{expected}", "crawler", "redis_url")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError as exc:
        raise reader.error(f"địa chỉ Redis không hợp lệ {shown!r}: {exc}; {expected}", "crawler", "redis_url") from None
    if not parts.hostname:
        raise reader.error(f"địa chỉ Redis không hợp lệ {shown!r}: thiếu tên máy; {expected}", "crawler", "redis_url")
    if db and not (db.isascii() and db.isdigit()):
        raise reader.error(f"địa chỉ Redis không hợp lệ {shown!r}: số cơ sở dữ liệu {db!r} không phải số (Redis sẽ "
                           f"lặng lẽ dùng cơ sở dữ liệu 0); {expected}", "crawler", "redis_url")
