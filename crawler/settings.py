"""Scrapy settings for canhgac's crawler: polite and safe by default.

Values that come from canhgac.toml (user agent, size cap, timeouts, redirects, concurrency, redis) are
applied by `crawler.addon.CanhgacAddon` from the config named by `CANHGAC_CONFIG` (env or `-s`).
"""

from __future__ import annotations

import os

import certifi

BOT_NAME = "canhgac"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
ADDONS = {"crawler.addon.CanhgacAddon": 0}
COMMANDS_MODULE = "crawler.scrapy_commands"  # `scrapy crawl` reports canhgac's errors on one line

# Politeness
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
RETRY_TIMES = 1
RETRY_HTTP_CODES = [502, 503, 504, 522, 524, 408, 429]
HTTPERROR_ALLOW_ALL = False

# Safety: only http/https, verified TLS, bounded sizes and redirects
DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}
DOWNLOAD_VERIFY_CERTIFICATES = True
# Twisted verifies against OpenSSL's default paths; point them at certifi's bundle unless the admin chose.
os.environ.setdefault("SSL_CERT_FILE", certifi.where())
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
REDIRECT_MAX_TIMES = 5
# a <meta http-equiv="refresh"> is not followed (Scrapy follows one whose delay is below this): a hijacked page
# (gambling SEO text + an immediate refresh to the casino) must be stored as itself, under its own source; every
# refresh is noted on the run with its target (crawler.pipelines.extract)
METAREFRESH_MAXDELAY = 0

# RequestGuard first (before robots.txt is asked for); SentRequestGuard last, after HttpProxyMiddleware (750) has
# decided whether the request goes through a proxy: it checks the names the resolver does not see (crawler/middlewares.py)
DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.RequestGuard": 60, "crawler.middlewares.SentRequestGuard": 990}
# Private addresses are refused where a download's address is resolved, so a name cannot look public when
# checked and be 127.0.0.1 when connected to (DNS rebinding); see crawler/netguard.py
TWISTED_DNS_RESOLVER = "crawler.netguard.PublicOnlyResolver"
# extract → normalize → dedupe → score run in CANHGAC_WORKERS processes ("auto": one per core, up to 4;
# 0: in the crawl process); storing stays in the crawl process
ITEM_PIPELINES = {
    "crawler.pipelines.prepare.PrepareStage": 100,
    "crawler.pipelines.store.StoreStage": 400,
}
CANHGAC_WORKERS = "auto"
EXTENSIONS = {"crawler.health.HealthRecorder": 500, "crawler.parent_gone.ParentGoneStop": 510}

# With [crawler] redis_url: the shared queue's keys are CANHGAC_REDIS_PREFIX:<source>:...
CANHGAC_REDIS_PREFIX = "canhgac"

LOG_LEVEL = "INFO"
# a dropped item (already stored, empty page) is routine: one INFO line with the reason, not the whole item
LOG_FORMATTER = "crawler.log_formatter.ShortDrops"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
