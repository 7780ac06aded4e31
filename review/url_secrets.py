"""A URL of the configuration (`[database] url`, `[crawler] redis_url`) as canhgac prints it: without passwords.

libpq and redis-py take a password from the URL's user part (`user:password@host`) and from its query string
(`?password=...`); both are hidden, so no message, status line or log shows either.
"""

from __future__ import annotations

import re

HIDDEN = "***"

_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)[^&#]*", re.IGNORECASE)


def url_shown(url: str) -> str:
    """`url` with the password of its user part and any `password=` query parameter replaced by `***`."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    query_at = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    before, tail = rest[:query_at], rest[query_at:]
    creds, at, host = before.rpartition("@")  # the last `@`: a password may hold `@` or `/` (SQLAlchemy takes both)
    user, colon, _password = creds.partition(":")
    if at and colon and "/" not in user:
        before = f"{user}:{HIDDEN}@{host}"
    return f"{scheme}://{before}" + _QUERY_PASSWORD.sub(rf"\g<head>{HIDDEN}", tail)
