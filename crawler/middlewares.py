"""Refuses requests a monitoring crawler must never make: non-http(s) schemes and, unless allowed,
private/loopback hosts (a listing page must not be able to point us at the office's own network)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.urls import ALLOWED_SCHEMES, is_private_host

logger = logging.getLogger(__name__)


class RequestGuard:
    def __init__(self, allow_private_hosts: bool) -> None:
        self.allow_private_hosts = allow_private_hosts
        self._private: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestGuard:
        return cls(crawler.settings.getbool("CANHGAC_ALLOW_PRIVATE_HOSTS", False))

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ALLOWED_SCHEMES:
            raise IgnoreRequest(f"scheme {parts.scheme!r} is not crawled (only http/https)")
        host = parts.hostname or ""
        if not self.allow_private_hosts:
            if host not in self._private:
                self._private[host] = is_private_host(host)
            if self._private[host]:
                raise IgnoreRequest(f"host {host} is private (set [crawler] allow_private_hosts to crawl it)")
