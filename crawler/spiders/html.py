"""Configured HTML pages: listing pages → article links (selectors), pagination depth-limited.

An article already stored is not fetched again (listing pages carry no change signal), nor is a link that
redirected to one (its marker, `crawler.spiders.base.LISTED`, is saved with the item).
"""

from __future__ import annotations

from crawler.spiders.listing import ListingSpider


class HtmlSpider(ListingSpider):
    name = "html"
    kind = "html"
