"""URLs in the configuration, parsed the way their users will parse them: a page a spider or an e-mail link
opens (http/https with a host and a valid port) and the database (SQLite or PostgreSQL through psycopg 3).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes, urlsplit

from review.config_toml import ConfigReader
from review.errors import ConfigError
from review.link_local import host_address, is_never_fetched, never_fetched_reason
from review.url_secrets import url_shown

# what ends the user part of a URL early when written as is in a password, and how to write it
_URL_ESCAPES = (("/", "%2F"), ("?", "%3F"), ("#", "%23"))
_QUERY_PASSWORD = re.compile(r"[?&]password=", re.IGNORECASE)
_QUERY_CREDENTIALS = ("username", "password")  # the query parameters redis-py takes them from
_NOT_UTF8 = ("có mã %XX không phải chữ UTF-8 (Redis sẽ nhận ký tự khác): dấu '%' phải viết là %25, chữ có dấu viết "
             "nguyên chữ hoặc mã UTF-8 của nó (é là %C3%A9); ")


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


def check_source_url(reader: ConfigReader, url: str, index: int, element: int) -> None:
    """A `[[sources]] urls` entry: `check_http_url`, and not a link-local or cloud metadata address
    (`review.link_local`; numeric spellings such as 2852039166 included), which no crawl fetches."""
    check_http_url(reader, url, "sources", "urls", index, element)
    host = urlsplit(url).hostname or ""
    if (address := host_address(host)) is not None and is_never_fetched(address):
        raise reader.error(f"địa chỉ URL {url!r}: {never_fetched_reason(host, address)}", "sources", "urls", index,
                           element)


def check_db_url(reader: ConfigReader, url: str) -> None:
    if not re.match(r"^(sqlite|postgresql(\+psycopg)?)://", url):
        raise reader.error(f"địa chỉ cơ sở dữ liệu không hợp lệ {url!r}: cần sqlite:///PATH hoặc postgresql+psycopg://...",
                           "database", "url")
    if url.startswith("postgresql://"):
        raise reader.error("hãy dùng trình điều khiển psycopg 3: postgresql+psycopg://...", "database", "url")



def check_redis_url(reader: ConfigReader, url: str) -> None:
    """`[crawler] redis_url` as redis-py reads it, which silently uses database 0 for a path that is not a number
    (`/l` for `/1`, `/abc`): two installations would then share one round's keys. A port that is not a number
    1-65535 would only fail each crawl. A password holding `/`, `?` or `#` ends redis-py's host part early: the
    message says how to write it (%2F, %3F, %23). No message shows the password, nor the parser's own words
    (which quote it)."""
    shown = url_shown(url)
    expected = "cần dạng redis://HOST:PORT/DB (DB là số cơ sở dữ liệu Redis: 0, 1 ...)"

    def refuse(why: str) -> ConfigError:
        return reader.error(f"địa chỉ Redis không hợp lệ {shown!r}: {why}{expected}", "crawler", "redis_url")

    if not url.startswith(("redis://", "rediss://")):
        raise refuse("")
    creds, at, _host = url.partition("://")[2].rpartition("@")  # the LAST `@` ends the user part
    if at and not _QUERY_PASSWORD.search(creds):  # (an `@` inside a `?password=` value is the query's)
        unescaped = [f"'{c}' phải viết là {code}" for c, code in _URL_ESCAPES if c in creds]
        if unescaped:
            raise refuse(f"trong tên người dùng hoặc mật khẩu, {', '.join(unescaped)}; ")
        if not _decodes(creds):
            raise refuse(f"tên người dùng hoặc mật khẩu {_NOT_UTF8}")
    for name, value in _query_credentials(url):
        if "+" in value:  # a query value is form-decoded: '+' is a space
            raise refuse(f"trong {name}=, '+' phải viết là %2B; ")
        if not _decodes(value):
            raise refuse(f"{name}= {_NOT_UTF8}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # `redis://[x`, `redis://h:63a9`, `redis://h:637900`
        raise refuse("tên máy hoặc cổng sai (cổng là số 1-65535); ") from None
    if port is not None and not 1 <= port <= 65535:
        raise refuse("cổng phải là số 1-65535; ")
    if not parts.hostname:
        raise refuse("thiếu tên máy; ")
    db = parts.path.strip("/")
    if db and not (db.isascii() and db.isdigit()):
        raise refuse(f"số cơ sở dữ liệu {db!r} không phải số (Redis sẽ lặng lẽ dùng cơ sở dữ liệu 0); ")


def _decodes(written: str) -> bool:
    """Whether redis-py hands `written` (a user name or password as the URL writes it) to Redis as meant: it
    percent-decodes it and reads the bytes as UTF-8, putting U+FFFD for what is not (a raw "%E9", Latin-1 "é").
    A `%` that starts no escape ("p%ss", "100%") stays as written, for redis-py as here."""
    try:
        unquote_to_bytes(written).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _query_credentials(url: str) -> list[tuple[str, str]]:
    """The `username=`/`password=` values of `url`'s query, as written (a `#` ends the query, as for redis-py)."""
    query = url.partition("?")[2].partition("#")[0]
    found = []
    for pair in query.split("&"):
        name, eq, value = pair.partition("=")
        if eq and name.lower() in _QUERY_CREDENTIALS:
            found.append((name.lower(), value))
    return found
