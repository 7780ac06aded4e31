"""The shared Redis queue stores requests as JSON (crawler.queue_json): our spiders' requests survive
the round trip, and a pickle or a request naming a class is refused instead of being run."""

from __future__ import annotations

import os
import pickle
from datetime import UTC, datetime

import pytest
import scrapy
from scrapy.settings import Settings

from crawler import queue_json
from crawler.addon import CanhgacAddon
from crawler.items import CollectedItem


def _request() -> scrapy.Request:
    fallback = CollectedItem(url="https://bao.example.vn/a", title="Tiêu đề", text="Tóm tắt",
                             published_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC), locality=("Nghệ An",),
                             extra={"from_feed_only": True}, minhash=b"\x00\xff")
    return scrapy.Request("https://bao.example.vn/a?x=1", headers={"X-Thu": "một"}, dont_filter=True,
                          meta={"entry_url": "https://bao.example.vn/a", "entry_hash": None, "fallback": fallback,
                                "sitemap_date": datetime(2026, 1, 2, tzinfo=UTC), "depth": 1,
                                "redirect_urls": ["http://bao.example.vn/a"], "$odd": {b"k": (1, 2)}})


def test_a_spider_request_survives_the_json_round_trip() -> None:
    request = _request()
    data = request.to_dict()
    back = queue_json.loads(queue_json.dumps(data).encode())
    assert back == data
    assert type(back["meta"]["fallback"]) is CollectedItem and back["meta"]["fallback"].locality == ("Nghệ An",)
    rebuilt = scrapy.Request(**{k: v for k, v in back.items() if k not in ("callback", "errback")})
    assert rebuilt.url == request.url and rebuilt.headers == request.headers and rebuilt.meta == request.meta


class _Boom:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, ("echo pwned",))


def test_a_pickle_in_the_queue_is_refused_not_run() -> None:
    with pytest.raises(queue_json.QueueDataError):
        queue_json.loads(pickle.dumps({"url": "http://x/", "meta": _Boom()}))


def test_a_queued_request_naming_a_class_is_refused() -> None:
    evil = '{"_class": "subprocess.Popen", "url": "http://x/", "args": ["sh", "-c", "echo pwned"]}'
    with pytest.raises(queue_json.QueueDataError, match="names a class"):
        queue_json.loads(evil)
    with pytest.raises(queue_json.QueueDataError):
        queue_json.dumps({"_class": "scrapy.http.request.form.FormRequest", "url": "http://x/"})


def test_objects_that_are_not_plain_data_are_not_queued() -> None:
    with pytest.raises(queue_json.QueueDataError, match="cannot queue a _Boom"):
        queue_json.dumps({"url": "http://x/", "meta": {"x": _Boom()}})


def test_the_shared_queue_uses_the_json_serializer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "x.db"}"\n[crawler]\n'
                   'redis_url = "redis://127.0.0.1:6379/0"\n', encoding="utf-8")
    settings = Settings({"CANHGAC_CONFIG": str(cfg)})
    CanhgacAddon().update_settings(settings)
    assert settings["SCHEDULER_SERIALIZER"] == "crawler.queue_json"
