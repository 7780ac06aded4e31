"""What Vietnamese article pages put around their text, told apart from it: the heading and dateline trafilatura
keeps at the top, the author's line and the "Theo Báo ..." credit, and a paywall notice standing where the
article would be."""

from __future__ import annotations

import re
from datetime import date

from parsel import Selector

from crawler.charset import nfc
from crawler.dates import unaccented

#: Classes Vietnamese CMSs give the author's block (trafilatura knows only English ones: author, byline ...).
_AUTHOR_BLOCKS = ".tac-gia, .tacgia, .tac_gia, .tennguoiviet, .nguoi-viet, .nguoiviet, .but-danh, .butdanh"
_MAX_NAME = 60
# "Nguyễn Văn An - Phòng VH&TT", "Trần Bình (Trung tâm VH)": the person, not the office
_NAME_END = re.compile(r"\s+[-–—|]\s+|\s*\(")
# The patterns below are written without diacritics and matched against `unaccented` text (same offsets), so that
# pages typed without them ("Tac gia:", "Theo bao ...", "Ngay dang") are read like the others.
# "Bài, ảnh: Thu Hà", "Tác giả: Nguyễn Văn An", "Nhóm PV:": what labels the name in an author's block
_LABEL = re.compile(
    r"\b(?:(?:bai|tin|anh|video|clip|do hoa)(?:\s*(?:,|va|&|\+|/|-)\s*(?:bai|tin|anh|video|clip|do hoa))*"
    r"|tac gia|nguoi viet|nguoi thuc hien|thuc hien|nhom pv|nhom phong vien|phong vien|pv|ctv|btv)\s*:\s*",
    re.IGNORECASE,
)
# the labels that name the writer on a line of its own at the end of the text, without an author's block
_WRITER_LABEL = re.compile(
    r"(?:tac gia|nguoi viet|bai(?:\s*(?:,|va|&|\+|/|-)\s*anh)?|bai va anh|nhom pv|nhom phong vien|phong vien)"
    r"\s*:\s*",
    re.IGNORECASE,
)
# what an author's block may hold that names nobody
_NOBODY = re.compile(
    r"(?:nhom )?(?:pv|phong vien|ctv|btv|bbt|ban bien tap|admin|st|suu tam|tong hop|internet)"
)
_CREDIT = re.compile(
    r"\(?\s*(?:Theo\s*:?\s+|Nguon\s*:\s*|Nguon\s+)([^\W\d_][^;:!?()]{1,78}?)\s*\)?\.?", re.IGNORECASE
)
# "Nguồn: Internet", "Nguồn: ST": where it was found, not who wrote it
_NOT_OUTLET = re.compile(
    r"\b(?:internet|facebook|fanpage|youtube|tiktok|zalo|google|wikipedia|suu tam|tong hop|mang xa hoi|st|s\.t"
    r"|bao chi)\b"
)
# words of a sentence ("Theo Báo Cáo Của UBND Huyện", "THEO DÕI CHÚNG TÔI TRÊN FACEBOOK"), not of a name
_SENTENCE_WORDS = frozenset(
    "của trên tại về cho với là có được đã sẽ này đó khi nếu thì mà để từ đến trong chúng tôi dõi theo số".split()
)
# the same without diacritics, for a line written without any: only the words no name's part spells alike
# (not "da", "do", "so", "to" ...: Đà Nẵng, Đỗ, Sở, Tô)
_SENTENCE_WORDS_BARE = frozenset("cua tren tai voi duoc trong chung toi nay khi neu thi doi".split())
# the kind of outlet a credit may name in lower case ("Theo báo Nghệ An", "Theo bao Nghe An")
_OUTLET_KIND = re.compile(r"(?:bao|tap chi|dai|cong|kenh|thong tan xa|trang)\b")
# how such a sentence opens: "Theo ông ...", "Theo Kế Hoạch", "Theo Quyết định số ...", "Theo Dự báo ..."
_SENTENCE_START = re.compile(
    r"(?:ông|bà|anh|chị|em|tôi|mình|các|những|nhiều|một|người|luật|lịch|báo cáo|kế hoạch|quy định|thông báo"
    r"|quyết định|nghị định|nghị quyết|thông tư|chỉ thị|công văn|dự báo|thống kê|số liệu|kết quả|đánh giá"
    r"|chương trình|hướng dẫn|chủ tịch|giám đốc|đồng chí)\b"
)
# the same for a line written without diacritics ("Báo Cao Bằng" is a newspaper; "bao cao" is "báo cáo")
_SENTENCE_START_BARE = re.compile(unaccented(_SENTENCE_START.pattern))
# what a dateline is made of: "Thứ hai, 01/12/2025 - 08:30 (GMT+7)", "Ngày đăng: 05/12/2025", "cách đây 2 giờ";
# a dateline is nothing else (`_is_dateline`; "Ngày 30/11, tỉnh khai mạc lễ hội" is a sentence)
_DATELINE_PARTS = re.compile(
    r"\d{1,4}\s*[/.:hH-]\s*\d{1,2}(?:\s*[/.:-]\s*\d{1,4})?|(?:GMT|UTC|ICT)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?"
    r"|thu\s+(?:hai|ba|tu|nam|sau|bay|\d)|chu nhat|ngay dang|dang luc|dang ngay|cap nhat|luc|ngay|thang|nam"
    r"|cach day\s+\d+\s+(?:giay|phut|gio|ngay|tuan)|\d+\s+(?:giay|phut|gio|ngay|tuan)\s+truoc|hom (?:nay|qua)"
    r"|\b(?:AM|PM|SA|CH)\b",
    re.IGNORECASE,
)


# a date written in a line: "01/12/2025", "5/12", "01-12-2025", "2025-12-01" (a score "2-1" is not one)
_DAY = re.compile(
    r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?|(\d{1,2})[.-](\d{1,2})[.-](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})"
)
# words only a page's own dateline carries ("Ngày đăng:", "cập nhật", "(GMT+7)", "cách đây 2 giờ"): an event's
# time ("19h30, thứ bảy, ngày 13/12/2025", "Lúc 8h00") has none of them
_DATELINE_WORDS = re.compile(
    r"ngay dang|dang luc|dang ngay|cap nhat|\b(?:gmt|utc|ict)\b|cach day|truoc$|^hom (?:nay|qua)$",
    re.IGNORECASE,
)
# how a dateline opens when it has no such word: the weekday or the date first ("Thứ hai, 01/12/2025 - 08:30")
_DATELINE_START = re.compile(
    r"(?:thu\s+(?:hai|ba|tu|nam|sau|bay|\d)|chu nhat|\d{1,2}\s*/\s*\d{1,2}\s*/|\d{4}-)", re.IGNORECASE
)


def _days(line: str) -> list[tuple[int, int, int | None]]:
    days = []
    for m in _DAY.finditer(line):
        d, mo, y = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6]) if m[4] else (m[9], m[8], m[7])
        days.append((int(d), int(mo), int(y) if y else None))
    return days


def _is_dateline(line: str, day: date | None = None) -> bool:
    """Whether `line` is the page's own dateline: made of nothing but date and time words, and either naming the
    page's day (`day`, when known) or written the way datelines are. An event's time opening an invitation
    ("19h30, thứ bảy, ngày 13/12/2025" on a page of 05/12) is the article's first line, kept."""
    if len(line) > _DATELINE_LEN:
        return False
    bare = unaccented(nfc(line))
    rest = _DATELINE_PARTS.sub(" ", bare)
    if rest == bare or any(ch.isalnum() for ch in rest):
        return False
    folded = unaccented(_fold(line))
    days = _days(folded)
    if not days:
        return bool(_DATELINE_WORDS.search(folded))
    if day is not None:
        return all(d == day.day and mo == day.month and y in (None, day.year) for d, mo, y in days)
    return bool(_DATELINE_WORDS.search(folded) or _DATELINE_START.match(folded))


_HEAD_LINES = 3
_DATELINE_LEN = 80
# the lines a Vietnamese paywall or login wall is made of, each matched as a whole line (folded, its closing
# punctuation off): "Nội dung này chỉ dành cho bạn đọc đăng ký gói ...", "Vui lòng đăng nhập để đọc tiếp",
# "Đăng ký gói Premium để đọc toàn bộ bài viết"; a sentence that merely mentions logging in is none of them
_READ_ON = (
    r"để (?:đọc|xem) (?:tiếp|toàn bộ|đầy đủ|trọn vẹn|hết)(?: (?:bài viết|bài báo|bài|nội dung))?(?: này)?"
)
_PAYWALL = re.compile(
    r"(?:nội dung|bài viết|bài báo)(?: này)?(?: chỉ)? dành (?:riêng )?cho (?:bạn đọc|độc giả|thành viên|hội viên"
    r"|người dùng|tài khoản)(?: (?:trả phí|đăng ký|đã đăng ký|có tài khoản|vip|premium)[^.!?:\n]{0,40})?"
    r"|(?:(?:xin |quý độc giả |bạn )?vui lòng |bạn cần |hãy |mời bạn )?(?:đăng nhập|đăng ký)"
    r"(?: (?:hoặc|hay|/) (?:đăng nhập|đăng ký))?(?: tài khoản| thành viên| gói [^.!?:\n]{1,40}?)? "
    + _READ_ON
    + r"|(?:đây là )?nội dung (?:trả phí|có phí|dành cho hội viên|premium|vip)"
)
# what stands next to the notice on such a page: its buttons
_PAYWALL_BUTTONS = re.compile(
    r"đăng nhập|đăng ký|đăng nhập (?:/|\||hoặc) đăng ký|quên mật khẩu|mua gói|xem (?:các )?gói(?: cước| đọc)?"
    r"|đã có tài khoản(?: đăng nhập)?"
)
# a lure the monitored text may hold: a link, a site, a phone number, a bank or an account; such a text is kept
_LURE = re.compile(
    r"https?:|www\.|[\w-]+\.(?:vn|com|net|org|info|xyz|top|io|me|cc)\b|\d[\d .]{7,}\d|ngân hàng|tài khoản ngân"
    r"|số tài khoản|chuyển khoản|\botp\b|mã xác (?:nhận|thực)|zalo|telegram|hotline|liên hệ|trúng thưởng|link",
    re.IGNORECASE,
)
_SITE = re.compile(r"[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org)", re.IGNORECASE)


def _fold(text: str) -> str:
    return " ".join(nfc(text).lower().split())


def without_heading(text: str, title: str, day: date | None = None) -> str:
    """`text` without the title and dateline trafilatura keeps when a page's <h1> and date line are inside its
    <article>: the title is stored on its own, and the same words at the top of every page's text would weigh
    in the copies-of-one-story comparison and the classifier. Only the first few short lines are looked at;
    `day` is the page's date in Vietnam, when known (`_is_dateline`)."""
    lines = text.split("\n")
    i = 0
    while i < min(_HEAD_LINES, len(lines) - 1):
        line = lines[i].strip()
        if not line or (title and _fold(line) == _fold(title)) or _is_dateline(line, day):
            i += 1
            continue
        break
    return "\n".join(lines[i:]).strip() if i else text


# what a locked page shows besides the notice: its breadcrumb and sharing buttons
_CHROME = re.compile(r"trang chủ|tin tức|chia sẻ|in bài|lưu bài|quay lại|theo dõi")


def _notice_line(line: str) -> str:
    return _fold(line).strip(" .!…:;-–—*»>|")


def paywall_only(text: str, title: str = "", day: date | None = None) -> str:
    """`text`, or "" when it is nothing but a paywall or login notice (`_PAYWALL`, each line whole, with the
    wall's buttons, and the page's title, dateline and breadcrumb around it): a subscription site's every locked
    article would read alike, be grouped as copies of one story and scored for the notice's words. Anything else
    on the page keeps the whole text, and so does a link, phone number or bank in it: a lure behind "đăng nhập
    để xem" is what the office monitors. The caller then keeps the feed's summary, or the title alone."""
    lines = [_notice_line(line) for line in text.split("\n") if _notice_line(line)]
    if not any(_PAYWALL.fullmatch(line) for line in lines) or _LURE.search(text):
        return text
    around = {_notice_line(title), ""}
    if all(
        _PAYWALL.fullmatch(line)
        or _PAYWALL_BUTTONS.fullmatch(line)
        or _CHROME.fullmatch(line)
        or line in around
        or _is_dateline(line, day)
        for line in lines
    ):
        return ""
    return text


def _name(value: str) -> str | None:
    value = nfc(value).strip()
    if label := _LABEL.search(unaccented(value)):
        value = value[:label.start()] + value[label.end():]
    name = _NAME_END.split(value, maxsplit=1)[0].strip(" .,:")
    if _NOBODY.fullmatch(unaccented(_fold(name))) or _CREDIT.fullmatch(unaccented(name)):
        return None  # "Nhóm PV", "Sưu tầm"; a "Theo Báo ..." credit is the outlet's (`credit_line`)
    return name if 2 <= len(name) <= _MAX_NAME and not any(ch.isdigit() for ch in name) else None


def author_block(sel: Selector) -> str | None:
    """The author named in a block of a Vietnamese class (`.tac-gia` ...), without its label: "Đinh Văn Tâm -
    Phòng VH&TT" and "Bài, ảnh: Đinh Văn Tâm" give "Đinh Văn Tâm"."""
    for node in sel.css(_AUTHOR_BLOCKS):
        value = " ".join(t.strip() for t in node.xpath(".//text()").getall() if t.strip())
        if value and (name := _name(value)):
            return name
    return None


def _outlet(line: str) -> str | None:
    line = nfc(line)
    m = _CREDIT.fullmatch(unaccented(line))
    outlet = line[m.start(1):m.end(1)].strip() if m else ""
    if _SITE.fullmatch(outlet):
        return outlet  # "baochinhphu.vn"
    folded = _fold(outlet)
    bare = unaccented(folded)
    words = folded.replace(",", " ").split()
    if not words or any(ch.isdigit() for ch in outlet) or _NOT_OUTLET.search(bare):
        return None
    sentence, start = (_SENTENCE_WORDS_BARE, _SENTENCE_START_BARE) if bare == folded else (
        _SENTENCE_WORDS, _SENTENCE_START)  # written without diacritics, or with
    if sentence.intersection(words) or start.match(folded):
        return None
    # a name: each of its parts capitalised ("Bộ Văn hóa, Thể thao và Du lịch"), most of its words too; a kind
    # of outlet may open it in lower case ("báo Nghệ An")
    if (kind := _OUTLET_KIND.match(bare)) and len(outlet) > kind.end():
        outlet = outlet[0].upper() + outlet[1:]
    parts = [p.strip() for p in re.split(r",|\bv[àa]\b|&", outlet) if p.strip()]
    names = [w for w in outlet.replace(",", " ").split() if w not in ("và", "va", "&")]
    if all(p[0].isupper() for p in parts) and sum(w[0].isupper() for w in names) >= 0.5 * len(names):
        return outlet
    return None


def labelled_author(text: str) -> str | None:
    """The writer a line of its own names at the end of the text ("Tác giả: Nguyễn Văn An", "Bài, ảnh: Thu Hà",
    also typed without diacritics: "Tac gia: Nguyen Van An"), on a page without an author's block."""
    for line in reversed([line.strip() for line in text.split("\n") if line.strip()][-2:]):
        if len(line) <= _MAX_NAME + 20 and _WRITER_LABEL.match(unaccented(nfc(line))) and (name := _name(line)):
            return name
    return None


def credit_line(text: str) -> str | None:
    """The outlet a republished article names on its last lines, "Theo Báo Nghệ An" or "(Nguồn: VnExpress)";
    not where it was found ("Nguồn: Internet", "Sưu tầm") nor a sentence that opens alike ("Theo kế hoạch, ...",
    "Theo Báo Cáo Của UBND Huyện")."""
    for line in reversed([line.strip() for line in text.split("\n") if line.strip()][-2:]):
        if outlet := _outlet(line):
            return outlet
    return None
