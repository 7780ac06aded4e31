"""When a citizen report and a page are the same content: the comparisons both directions share.

A report being filed looks for a stored page of its content (`review.citizen`), and a page being crawled looks
for a report of its content (`review.report_joins`); both must answer "the same content?" alike, or a report
and a crawl of one text would open two entries depending on which came first. This module holds that answer
and the names of how a match was found, recorded in the audit rows of either direction.

A report of a URL and a page of that URL are the same content when they have the same visible text (titles
compared only when there is no text) or the same downloaded bytes (`same_content`).

Pasted texts. A report pasted without a URL (canonical URL `TEXT_REPORT_PREFIX`...) and a page collected
from anywhere are the same content when

* *exact*: the report's text, with case and whitespace folded (`folded`), is the page's text, or its
  headline followed by its text; the page's downloaded bytes cannot be compared, the report has none;
* *near*: their MinHash signatures (the story-cluster fingerprint: word 3-shingles of the accent-folded
  headline and text) agree on at least `CLUSTER_THRESHOLD` of their values: the threshold that makes
  two pages copies of one story (`review.item_writer`).

Candidates are found the way story clusters find each other, through shared LSH band keys (`ItemBand`).
An exact copy joins the report's entry (or the report joins the page's) undecided or decided, like a page
and a report of one URL; a near copy joins only an undecided entry, as a copy that differs from what was
decided deserves its own look. Both directions are serialized by the text-report lock
(`review.page_locks.lock_text_reports`): a pasted-text report and a crawl never both decide that the other
is not there.

A text pasted with the link it came from is compared by content like one pasted alone, and also by where its link
leads (`place_of`: `RESOLVED_URL`, the link followed when it was filed, else the link): the same place as another
report's page, a collected page or another pasted link is `SAME_PLACE`, which, as the text is not the page, joins
only an undecided entry, like a near copy.
"""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

TEXT_REPORT_PREFIX = "report:text/"  # canonical URL of a report pasted without a URL
REPORT_KIND = "report"  # Item.kind of a citizen report
# how a page and a report were found to be the same content (audit `match`); SAME_LINK: two reports of one short
# link (`SHORT_LINK`) that led to different pages
SAME_PAGE, SAME_TEXT, NEAR_COPY, SAME_LINK = "same_page", "same_text", "near_copy", "same_link"
#: Item.extra of a report whose link led to another site (a shortener's): that link, canonical
SHORT_LINK = "short_link"
#: Item.extra of a pasted report (`--text` with a link) whose link led elsewhere when it was filed: where, canonical
RESOLVED_URL = "resolved_url"
# a pasted report whose link leads to the page of another report (or a collected page), or two pasted reports
# whose links lead to one page (audit `match`)
SAME_PLACE = "same_place"


def is_pasted(kind: str, raw_hash: str | None) -> bool:
    """Whether an item is a citizen report pasted as text (with or without a link): no page was downloaded."""
    return kind == REPORT_KIND and raw_hash is None


def place_of(canonical_url: str, resolved_url: object) -> str | None:
    """The page a report or a collected page stands for, compared as "the same place": where a pasted report's
    link led (`RESOLVED_URL`), else its canonical address; None for a text pasted without a link, and for a site's
    home page (with no query): two texts pasted with only the home page of the site they came from are not
    thereby of one page. Spelled without Zalo's and Facebook's share parameters (`SHARE_PARAMS`): an address stored
    before the crawler dropped them (a report's link followed then) is the same place as the page crawled now."""
    place = resolved_url if isinstance(resolved_url, str) and resolved_url else canonical_url
    if place.startswith(TEXT_REPORT_PREFIX):
        return None
    place = without_share_params(place)
    parts = urlsplit(place)
    if parts.path in ("", "/") and not parts.query:
        return None
    return None if _social_profile(parts.hostname or "", parts.path, parts.query) else place


#: the share parameters `crawler.urls.canonical_url` drops since 2026-12 (compared lower-case, as it does); addresses
#: stored canonical before (items' by migration 0009 rewritten, a pasted report's link followed then) may have them
SHARE_PARAMS = frozenset({"zarsrc", "gidzl", "mibextid", "fb_action_ids", "fb_action_types", "fb_source", "fb_ref",
                          "ttclid", "twclid", "_gl"})


def without_share_params(url: str) -> str:
    """A canonical address without `SHARE_PARAMS`, its other parameters kept sorted and encoded as
    `crawler.urls.canonical_url` writes them; an address with none of them is returned as it is."""
    if "?" not in url:
        return url
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k.lower() not in SHARE_PARAMS]
    if len(kept) == len(pairs):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(sorted(kept)), ""))


# social networks whose one-segment addresses are a person, page or channel, not one post
_SOCIAL_HOSTS = frozenset({"facebook.com", "fb.com", "tiktok.com", "zalo.me", "youtube.com", "instagram.com",
                           "x.com", "twitter.com", "threads.net"})
_PROFILE_ROOTS = frozenset({"groups", "pages", "people", "channel", "c", "user", "profile.php"})
_POST_WORDS = frozenset({"posts", "permalink", "videos", "video", "photos", "photo", "reel", "reels", "status",
                         "p", "story.php", "permalink.php", "watch", "shorts", "share"})


def _social_profile(host: str, path: str, query: str) -> bool:
    """Whether an address on a social network is a profile, page, group or channel rather than one post
    ("facebook.com/tenpage", "/groups/123", "tiktok.com/@user", "zalo.me/0912…", "profile.php?id=…"): two
    unrelated posts reported with their author's profile link are not thereby of one page."""
    host = host.lower().removeprefix("www.").removeprefix("m.").removeprefix("web.").removeprefix("mbasic.")
    if host not in _SOCIAL_HOSTS:
        return False
    segments = [seg for seg in path.split("/") if seg]
    if any(seg.lower() in _POST_WORDS for seg in segments):
        return False
    keys = {k.lower() for k, _ in parse_qsl(query, keep_blank_values=True)}
    if keys - {"id", "ref", "mibextid", "locale"}:  # watch?v=, story_fbid=, fbid=: one post
        return False
    return len(segments) <= 1 or (segments[0].lower() in _PROFILE_ROOTS and len(segments) <= 3)


def place_key(place: str) -> str:
    """The `ItemBand` key under which a pasted report whose link led to another address (`RESOLVED_URL`) is found
    by that address (`place_of`): so a report or a crawl of that page reads one index entry, never the backlog
    (the JSON field has no index). Not a MinHash band key ("NN:<hex>"): no near-duplicate lookup meets it."""
    return "pl:" + hashlib.sha256(place.encode("utf-8")).hexdigest()[:20]


def folded(text: str) -> str:
    """A text compared as "the same text": NFC, case-folded, every run of whitespace one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def same_text(report: str, title: str, body: str) -> bool:
    """A pasted report's text is the page's text, or its headline then its text (after `folded`)."""
    mine = folded(report)
    return bool(mine) and mine in {folded(body), folded(f"{title} {body}")}


def minhash_similarity(a: bytes | None, b: bytes | None) -> float | None:
    """The MinHash estimate of the Jaccard similarity (the share of equal values), as story clusters use it."""
    if a is None or b is None:
        return None
    mine, theirs = np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)
    if len(mine) != len(theirs) or not len(mine):
        return None
    return float(np.count_nonzero(mine == theirs)) / len(mine)


def same_content(title: str, body: str, raw_hash: str | None, their_title: str, their_body: str,
                 their_raw: str | None) -> bool:
    """The same visible text (titles compared only when there is no text), or the same downloaded bytes.
    A page edited since it was stored is not the same content."""
    if raw_hash and their_raw and raw_hash == their_raw:
        return True
    if body or their_body:
        return body == their_body
    return title == their_title
