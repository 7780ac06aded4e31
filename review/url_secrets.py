"""A URL of the configuration (`[database] url`, `[crawler] redis_url`) as canhgac prints it: without passwords.

libpq and redis-py take a password from the URL's user part (`user:password@host`) and from its query string
(`?password=...`); both are hidden, so no message, status line or log shows either.
"""

from __future__ import annotations

import re

HIDDEN = "***"

_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)[^&#]*", re.IGNORECASE)


def url_shown(url: str) -> str:
    """`url` with the password of its user part and any `password=` query parameter replaced by `***`.

    The user part ends at the LAST `@`: a password may hold `@`, `/`, `?` or `#` (SQLAlchemy takes them; a URL
    parser ends the host part at the first `/`, `?` or `#`, so a message built from its pieces would show the rest
    of the password). Unless that `@` is inside a `password=` query value, which is hidden whole."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    creds, at, tail = rest.rpartition("@")
    user, colon, _password = creds.partition(":")
    if at and colon and not re.search(r"[/?#]", user) and not _QUERY_PASSWORD.search(creds):
        return f"{scheme}://{user}:{HIDDEN}@" + _QUERY_PASSWORD.sub(rf"\g<head>{HIDDEN}", tail)
    return f"{scheme}://" + _QUERY_PASSWORD.sub(rf"\g<head>{HIDDEN}", rest)
