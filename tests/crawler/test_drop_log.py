"""A dropped item is logged as one line with its reason, not with the whole item (a re-crawl of a news site
wrote every article's HTML and text into the crawl log again, as WARNINGs)."""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.items import CollectedItem

ARTICLE_TEXT = "Nội dung bài viết rất dài " * 200


def _logged(settings: dict[str, str]) -> tuple[int, str]:
    crawler = get_crawler(Spider, settings)
    spider = Spider.from_crawler(crawler, name="canhgac-test")
    formatter = load_object(crawler.settings["LOG_FORMATTER"]).from_crawler(crawler)
    item = CollectedItem(url="http://127.0.0.1/tin-tuc/a.html", title="Tiêu đề", text=ARTICLE_TEXT)
    result = formatter.dropped(item, DropItem("already stored as item 3: http://127.0.0.1/tin-tuc/a.html"), None,
                               spider)
    return result["level"], result["msg"] % result["args"]


def test_canhgacs_settings_log_a_drop_as_one_info_line_with_its_reason() -> None:
    project = get_project_settings()
    settings = {k: project[k] for k in ("LOG_FORMATTER", "DEFAULT_DROPITEM_LOG_LEVEL")}
    level, message = _logged(settings)
    assert level == logging.INFO
    assert message == "Dropped: already stored as item 3: http://127.0.0.1/tin-tuc/a.html", message


def test_scrapys_default_would_log_the_whole_item() -> None:  # what the settings above change
    level, message = _logged({})
    assert level == logging.WARNING and ARTICLE_TEXT.strip() in message
