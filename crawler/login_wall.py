"""Telling a social network's login wall from a public post shown under its login bar.

A visitor without an account sees Facebook's posts under a login bar (a password field) and Zalo's behind a QR-code
wall; a short scam post there is exactly what citizens report. So a page is a login wall only when it is clearly
nothing but one: a login address, or a sign of a login form in what a browser shows and not a line of text beyond
the form's own words once the footer's link lists are left out. When in doubt the page is kept: a wall kept is one
entry a moderator dismisses, a post refused is a citizen's report lost (`crawler.report_fetch.check_not_login_wall`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.urls import join_url

#: sites that show a login form instead of a post to a visitor without an account (`is_login_wall`)
SOCIAL_NETWORKS = ("facebook.com", "fb.com", "fb.watch", "instagram.com", "threads.net", "tiktok.com", "x.com",
                   "twitter.com", "linkedin.com", "zalo.me")
# a social network's login address: its path says so
# (LinkedIn's is /authwall; not a bare "auth": that is also a group's or a page's name)
_LOGIN_PATH = re.compile(r"(^|/)(login|log-in|signin|sign-in|sign_in|dang-nhap|dangnhap|checkpoint|authwall|"
                         r"accounts/login|i/flow/login)(/|\.|$)", re.IGNORECASE)
_PASSWORD_FIELD = re.compile(rb"<input\b[^>]*\btype\s*=\s*[\"']?password", re.IGNORECASE)
#: a page with this much visible text or more is never taken for a login form, password field or not
LOGIN_TEXT_MAX = 500
# The words of a login form and its wall ("Bạn phải đăng nhập để tiếp tục", "Email or phone", "Quên tài khoản?",
# "Xem thêm trên Facebook", the network's name), lowercased; a line with any other word is the page's content.
_LOGIN_WORDS = frozenset("""
    đăng nhập ký kí mật khẩu quên tài khoản mới tạo email e mail hoặc điện thoại số bạn phải cần để tiếp tục xem thêm
    nội dung trên vào với và của
    log login in sign signin up password forgot forgotten account accounts create new address or phone number mobile
    username you must to continue see more on not now join and the of a your
    facebook instagram threads tiktok linkedin zalo twitter x meta
""".split())
# Zalo's wall asks to scan a QR code "để đăng nhập": these words are a wall's only on a line that says it logs in
# ("Quét mã QR bằng ứng dụng ngân hàng nhận ngay 2 triệu" is a QR scam, not a wall)
_QR_WORDS = frozenset("quét mã qr bằng ứng dụng scan code app".split())
_LOGIN_VERB = re.compile(r"đăng nhập|log ?in|sign ?in", re.IGNORECASE)
# A login wall's own sentence ("Bạn phải đăng nhập để tiếp tục", "Đăng nhập để xem", "Log in to continue"): with a
# password field, a sign the page is a login wall; Zalo's wall has none (it asks to scan a QR code), only this
_WALL_PHRASE = re.compile(r"(đăng nhập|log ?in|sign ?in)\s+(để|to)\s+(tiếp tục|xem|continue|see|view)"
                          r"|(bạn|you)\s+(phải|cần|must|need to)\s+(đăng nhập|log ?in|sign ?in)", re.IGNORECASE)
# what separates the entries of a footer's link list written as text ("Giới thiệu · Trợ giúp · Điều khoản"); not
# "|", with which a post writes its own lines ("Tuyển CTV online | Việc nhẹ lương cao | Inbox Zalo 09…")
_LIST_SEPARATOR = re.compile(r"\s*[·•‧]\s*")
_TAG = re.compile(r"<[^>]*>")
# what a browser does not show: scripts (a translation bundle holds "Đăng nhập để tiếp tục"), styles, comments
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
#: a footer's link or a login form's button has at most this many words; a longer link is a post's (a shared
#: link's headline)
LINK_LIST_WORDS = 4


def is_login_wall(final: str, body: bytes, text: str) -> bool:
    """Whether the page fetched from `final` is a social network's login wall instead of the post (module doc):
    one of `SOCIAL_NETWORKS`, and a login address (/login, /checkpoint, /authwall ...) or a password field or a
    wall's sentence in what a browser shows (scripts, styles and comments left out), with every line of `text`,
    but the footer's link lists (`without_link_lists`), a login form's (`is_login_line`)."""
    if not is_social_network(final):
        return False
    if is_login_address(final):
        return True
    html = body.decode("utf-8", "replace")  # the social networks listed serve UTF-8
    shown = _HIDDEN.sub(" ", html)
    said = " ".join(_TAG.sub(" ", shown).split())
    if not (_PASSWORD_FIELD.search(shown.encode()) or _WALL_PHRASE.search(said)):
        return False
    post = without_link_lists(text, shown, final)  # the footer's languages and links under a wall are not its content
    return len(post.strip()) < LOGIN_TEXT_MAX and all(is_login_line(line) for line in post.splitlines())


def is_social_network(url: str) -> bool:
    """Whether `url` is on one of `SOCIAL_NETWORKS` (a subdomain included: m.facebook.com, vi-vn.facebook.com)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == name or host.endswith("." + name) for name in SOCIAL_NETWORKS)


def is_login_address(url: str) -> bool:
    """Whether `url` is a social network's login address (/login, /checkpoint, /authwall ...): where any of its
    posts may lead a visitor without an account, so no page of its own."""
    return is_social_network(url) and bool(_LOGIN_PATH.search(urlsplit(url).path))


def without_link_lists(text: str, html: str, page_url: str = "") -> str:
    """`text` without its lines that are a social network's footer: a line that is the text of one of the page's
    own short links or buttons ("Tiếng Việt", "Trợ giúp", "Tạo Trang": at most `LINK_LIST_WORDS` words, linking
    within the site), or a list of three or more short entries without digits written with dots ("Giới thiệu ·
    Trợ giúp · Quyền riêng tư"). A post's line keeps its words: a shared link's headline is long and leads off
    the site (through Facebook's link wrapper too, `crawler.report_links.unwrap_link`: l.facebook.com/l.php?u=…
    is the site it wraps, not facebook.com), a post's "A | B | C" has no dots, and a phone number or an amount is
    no footer's."""
    from parsel import Selector

    # imported here: report_links imports report_fetch, which imports this module
    from crawler.report_links import site_of, unwrap_link

    try:
        sel = Selector(text=html) if html.strip() else None
    except ValueError:  # not parseable as HTML at all: nothing is a link
        sel = None
    site = site_of(page_url)  # by registrable domain: the footer's languages are on vi-vn.facebook.com, en-gb...
    links: set[str] = set()
    if sel is not None:
        for node in sel.xpath("//a | //button"):
            href = (node.attrib.get("href") or "").strip()
            # Facebook's link wrapper (/l.php?u=…, /flx/warn/?u=…, on l.facebook.com or the page's own host) leads
            # off the site: read as the address it wraps, a post's shared link is its content, not a footer's
            href = unwrap_link((join_url(page_url, href) or href) if page_url and href else href)
            target = site_of(href) if "//" in href else site
            if target != site:  # a link off the site: a shared link, the post's content
                continue
            said = " ".join(node.xpath("string()").get("").split()).lower()
            if said and len(said.split()) <= LINK_LIST_WORDS:
                links.add(said)
    kept = []
    for line in text.splitlines():
        folded = " ".join(line.split()).lower()
        entries = [e for e in _LIST_SEPARATOR.split(folded) if e]
        listed = (len(entries) >= 3 and all(len(e.split()) <= LINK_LIST_WORDS for e in entries)
                  and not any(ch.isdigit() for ch in folded))
        if folded and (folded in links or listed):
            continue
        kept.append(line)
    return "\n".join(kept)


def is_login_line(line: str) -> bool:
    """Whether a line of text is a login form's: all its words (those with a letter) are `_LOGIN_WORDS`, or, on a
    line saying it logs in ("Quét mã QR bằng ứng dụng Zalo để đăng nhập"), the QR code's words too."""
    words = [w for w in re.findall(r"\w+", line.lower()) if any(ch.isalpha() for ch in w)]
    if all(w in _LOGIN_WORDS for w in words):
        return True
    return bool(_LOGIN_VERB.search(line)) and all(w in _LOGIN_WORDS or w in _QR_WORDS for w in words)
