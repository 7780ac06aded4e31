"""Applies canhgac.toml to Scrapy's settings, so `scrapy crawl` and `canhgac crawl` behave the same.

The config file is `-s CANHGAC_CONFIG=path`, else the `CANHGAC_CONFIG` environment variable, else
./canhgac.toml. Values are set at "project" priority: they override crawler/settings.py, while an
explicit `-s NAME=value` on the command line still wins.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

from review.config import Config, load_config

MB = 1024 * 1024


def config_from_settings(settings: BaseSettings) -> Config:
    return load_config(settings.get("CANHGAC_CONFIG") or None)


class CanhgacAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        cfg = config_from_settings(settings).crawler
        ua = cfg.user_agent + (f" (+{cfg.contact})" if cfg.contact else "")
        maxsize = cfg.download_maxsize_mb * MB
        values = {
            "USER_AGENT": ua,
            "ROBOTSTXT_OBEY": cfg.obey_robots,
            "AUTOTHROTTLE_ENABLED": cfg.autothrottle,
            "CONCURRENT_REQUESTS_PER_DOMAIN": cfg.concurrent_per_domain,
            "DOWNLOAD_MAXSIZE": maxsize,
            "DOWNLOAD_WARNSIZE": min(maxsize, max(MB, maxsize // 4)),
            "DOWNLOAD_TIMEOUT": cfg.download_timeout_s,
            "REDIRECT_MAX_TIMES": cfg.max_redirects,
            "CANHGAC_ALLOW_PRIVATE_HOSTS": cfg.allow_private_hosts,
        }
        if cfg.redis_url:
            # Several workers of one source share a request queue and a seen-set (see SharedScheduler);
            # items still dedupe in the database.
            values.update({
                "SCHEDULER": "crawler.shared.SharedScheduler",
                "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
                # never flush on close: other workers may still be pulling from the queue; the last
                # worker of a round deletes it
                "SCHEDULER_PERSIST": True,
                # JSON, not scrapy-redis's default pickle: whoever can write to Redis must not be able
                # to run code in the workers
                "SCHEDULER_SERIALIZER": "crawler.queue_json",
                "REDIS_URL": cfg.redis_url,
            })
        for key, value in values.items():
            settings.set(key, value, priority="project")
