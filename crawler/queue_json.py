"""JSON for the shared Redis queue (`SCHEDULER_SERIALIZER`, see crawler.shared): what a worker reads
back from Redis is data, never code.

scrapy-redis pickles queued requests by default, so anyone able to write to the Redis server could make
every worker run code of their choosing. Here a queued request is JSON; the few non-JSON values our
spiders put in a request (bytes, datetimes, tuples, dicts with bytes keys such as headers, and the
`fallback` CollectedItem of a feed entry) are written as one-key tagged objects and rebuilt as exactly
those types. Anything else is refused when queued, and a request naming its own class (`_class`, which
Scrapy would import and call) is refused both ways.
"""

from __future__ import annotations

import base64
import json
from dataclasses import fields
from datetime import datetime
from typing import Any

from crawler.items import CollectedItem

_ITEM_FIELDS = {f.name for f in fields(CollectedItem)}


class QueueDataError(ValueError):
    """A request that cannot be queued as JSON, or a queue entry that is not one we wrote."""


def dumps(request: dict[str, Any]) -> str:
    if "_class" in request:
        raise QueueDataError(f"only plain scrapy.Request is queued, not {request['_class']}")
    return json.dumps(_encode(request), ensure_ascii=False, separators=(",", ":"))


def loads(data: bytes | str) -> dict[str, Any]:
    try:
        obj = json.loads(data, object_hook=_decode)
    except (ValueError, TypeError) as exc:  # not JSON (e.g. a pickle), or a malformed tag
        raise QueueDataError(f"not a queued request: {exc}") from None
    if not isinstance(obj, dict) or "url" not in obj:
        raise QueueDataError("not a queued request")
    if "_class" in obj:
        raise QueueDataError(f"queued request names a class ({obj['_class']!r}); refused")
    return obj


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if type(value) is CollectedItem:
        return {"$item": {name: _encode(getattr(value, name)) for name in _ITEM_FIELDS}}
    raise QueueDataError(f"cannot queue a {type(value).__name__} in a request (JSON queue)")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) != 1:
        return obj
    (tag, value), = obj.items()
    if tag == "$bytes":
        return base64.b64decode(value, validate=True)
    if tag == "$datetime":
        return datetime.fromisoformat(value)
    if tag == "$tuple":
        return tuple(value)
    if tag == "$dict":
        return {k: v for k, v in value}
    if tag == "$item":
        if not isinstance(value, dict) or not set(value) <= _ITEM_FIELDS:
            raise ValueError("malformed queued item")
        return CollectedItem(**value)
    return obj
