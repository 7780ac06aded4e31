"""What a citizen report keeps of the link the citizen sent when it led elsewhere, and whether that link was a
shortener's: a redirect to another site (another registrable domain), not to a subdomain of the same one.

Facebook wraps every link leaving it (`l.facebook.com/l.php?u=<the address>&h=<a per-click token>`, and
`/flx/warn/?u=…`, the warning page it shows first for a link it thinks may be unsafe): such a wrapper is read as
the address it wraps (`unwrap_link`), never as a page of facebook.com, wherever a report takes a link: the address
a citizen sent or pasted, and the links on a reported page (`crawler.login_wall`)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from crawler.report_fetch import request_url, resolve, resolve_limit_s
from crawler.urls import canonical_url, is_crawlable, literal_address
from review.citizen import RESOLVED_URL, SHORT_LINK
from review.config import CrawlerConfig

#: hosts whose every path wraps a link (`?u=`): Facebook's link shims, Messenger's and Instagram's
_WRAPPER_HOSTS = frozenset({"l.facebook.com", "lm.facebook.com", "l.messenger.com", "l.instagram.com"})
#: Facebook's wrapper paths on its other hosts (www., m., mbasic., web.facebook.com/l.php), the warning page for a
#: link it holds suspect (/flx/warn/) included: scam links, the very ones citizens report, are shared through it
_WRAPPER_PATHS = frozenset({"/l.php", "/flx/warn", "/flx/warn/"})
# a link shared from Messenger into a group is wrapped twice; more is no real link
_MAX_WRAPPINGS = 3


def unwrap_link(url: str) -> str:
    """The address a Facebook link wrapper (`l.facebook.com/l.php?u=…&h=…`, lm.facebook.com, m.facebook.com/l.php,
    facebook.com/flx/warn/?u=… on any of its hosts, l.messenger.com, l.instagram.com) stands for, unwrapped as often
    as it was wrapped; any other link as it is, also a wrapper whose `u` is not an http(s) address (nothing to
    follow: the wrapper is what there is)."""
    for _ in range(_MAX_WRAPPINGS):
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return url
        host = (parts.hostname or "").lower().rstrip(".")
        facebook = host == "facebook.com" or host.endswith(".facebook.com")
        if not (host in _WRAPPER_HOSTS or (facebook and parts.path.lower() in _WRAPPER_PATHS)):
            return url
        wrapped = next((v.strip() for k, v in parse_qsl(parts.query) if k == "u"), "")
        if not is_crawlable(wrapped):
            return url
        url = wrapped
    return url


def reported_link(url: str, final: str) -> dict[str, str]:
    """What a report keeps of the address the citizen sent when it led elsewhere: `reported_url` (as requested)
    whenever the page fetched has another canonical address, and `SHORT_LINK` (its canonical form) when the
    redirect went to another site (another registrable domain, `site_of`), as a shortener's (bit.ly ...) does: the
    same short link reported again joins the same undecided entry when the page it leads to now is a near copy
    (`review.citizen`). A redirect within one site (a portal's home page to today's article, bacninh.gov.vn to
    portal.bacninh.gov.vn) is no such link: reported again, it may be another page. A Facebook link wrapper
    (`unwrap_link`) is its wrapped address: kept as sent, but the short link is the address it wraps, if any (the
    wrapper's token differs with each click, and l.facebook.com is not the site of the page it leads to)."""
    sent = request_url(url)
    if canonical_url(sent) == canonical_url(final):
        return {}
    kept = {"reported_url": sent}
    wrapped = unwrap_link(sent)
    if canonical_url(wrapped) != canonical_url(final) and site_of(wrapped) != site_of(final):
        kept[SHORT_LINK] = canonical_url(wrapped)
    return kept


def pasted_link(url: str, cfg: CrawlerConfig, *, tell: Callable[[str], None] | None = None
                ) -> tuple[str, dict[str, str]]:
    """The address a pasted report (`--text` with a link) is stored under, and what it keeps of its link: the link
    unwrapped (`unwrap_link`), with `reported_url` (as sent) when that was a wrapper; and where the link leads now
    (`crawler.report_fetch.resolve`: followed, the page not read), canonical, as `RESOLVED_URL` when that is
    another address, with `SHORT_LINK` too when it is another site's, as for a report of the link itself
    (`reported_link`). So a pasted text and another citizen's report of the same short link are found to be
    of one page (`review.report_match.place_of`). `tell` is given one line (Vietnamese) before the link is
    followed, which may take seconds: the command shows it on a terminal, so the officer knows why it waits."""
    sent = request_url(url)
    link = unwrap_link(sent)
    kept = {"reported_url": sent} if canonical_url(link) != canonical_url(sent) else {}
    if tell is not None:
        tell(f"Đang mở liên kết {link} để biết nó dẫn tới trang nào (tối đa {resolve_limit_s(cfg):g} giây)…")
    final = resolve(link, cfg)
    if final is not None and canonical_url(final) != canonical_url(link):
        kept[RESOLVED_URL] = canonical_url(final)
        if site_of(link) != site_of(final):
            kept[SHORT_LINK] = canonical_url(link)
    return link, kept


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
