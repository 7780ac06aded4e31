"""What a citizen report keeps of the link the citizen sent when it led elsewhere, and whether that link was a
shortener's: a redirect to another site (another registrable domain), not to a subdomain of the same one."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.report_fetch import request_url
from crawler.urls import canonical_url, literal_address
from review.citizen import SHORT_LINK


def reported_link(url: str, final: str) -> dict[str, str]:
    """What a report keeps of the address the citizen sent when it led elsewhere: `reported_url` (as requested)
    whenever the page fetched has another canonical address, and `SHORT_LINK` (its canonical form) when the
    redirect went to another site (another registrable domain, `site_of`), as a shortener's (bit.ly ...) does: the
    same short link reported again joins the same undecided entry when the page it leads to now is a near copy
    (`review.citizen`). A redirect within one site (a portal's home page to today's article, bacninh.gov.vn to
    portal.bacninh.gov.vn) is no such link: reported again, it may be another page."""
    sent = request_url(url)
    if canonical_url(sent) == canonical_url(final):
        return {}
    kept = {"reported_url": sent}
    if site_of(sent) != site_of(final):
        kept[SHORT_LINK] = canonical_url(sent)
    return kept


def site_of(url: str) -> str:
    """The registrable domain of `url`'s host: "portal.bacninh.gov.vn" -> "bacninh.gov.vn", "m.baomoi.com" ->
    "baomoi.com"; an address or a single-label name as it is. A redirect to another subdomain of one site (a
    portal, a mobile or an e-paper edition) is no shortener's link."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    labels = host.split(".")
    if literal_address(host) or len(labels) < 2:
        return host
    keep = 3 if ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


#: suffixes under which each name is another owner's site ("bacninh.gov.vn", "vcb.com.vn"): Viet Nam's second-level
#: domains and a few common abroad; a built-in list, as nothing is downloaded at run time
SECOND_LEVEL_SUFFIXES = frozenset(f"{name}.vn" for name in (
    "com", "net", "org", "edu", "gov", "int", "ac", "biz", "info", "name", "pro", "health")) | frozenset({
    "co.uk", "org.uk", "gov.uk", "ac.uk", "com.au", "net.au", "org.au", "co.jp", "co.kr", "com.cn", "com.sg",
    "com.tw", "com.hk", "co.th", "com.my", "com.kh", "com.la"})
