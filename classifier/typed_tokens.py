"""Typed tokens: links, e-mail addresses, phone numbers and money amounts each read as one token.

Every phone number is the same "phonetok" to the model and the rules, so what it learns or matches is that a
text gives a phone number, not which one. The money pattern is shared with the dodge-undoing (classifier.dodges),
which looks for amounts spelled with dotted letters ("85 t.r.i.ệ.u").
"""

from __future__ import annotations

import re

URL_TOKEN, EMAIL_TOKEN, PHONE_TOKEN, MONEY_TOKEN = "urltok", "emailtok", "phonetok", "moneytok"
TYPED_TOKENS = frozenset({URL_TOKEN, EMAIL_TOKEN, PHONE_TOKEN, MONEY_TOKEN})

# The amount's digits may end in a point or comma only right before the unit ("500.k"): "2026. Đ.ể", "H, 2011,
# tr. 69" are a year closing its sentence or clause. A unit set off from the number (by a space or a point) and
# dotted onto a lone letter ("2026 Đ.ể n.h.ậ.n", "500 k.h.o.ả.n") is the first letter of a dotted word, not a
# unit; a unit written onto the number stays one before a one-letter word ("200k.A chuyển", "5tr.e nhé").
# A small bare count before "đồng" and the second syllable of a compound ("2 đồng hồ", "5 đồng xu", "3 đồng
# nghiệp") counts things, not money; "500 đồng", "2 triệu đồng", "50k đồng/tháng" stay money, and so does any
# number of 1000 or more or written with thousands separators ("Nộp 200.000 đồng hồ sơ", "Chỉ 99.000 đồng sở
# hữu": "đồng" is the currency and the next syllable starts the next phrase). Only second syllables that hardly
# ever start the next phrase after a price: not "đồng ý" ("5 đồng, ý là"), "bằng" ("500 đồng bằng tiền mặt"),
# "thời", and without diacritics only the unambiguous ones ("dong ho" may be "đồng hỗ trợ").
_DONG_COMPOUND = "hồ|xu|nghiệp|nghiep|chí|bào|ruộng|ruong|phục|phuc|đội|hương|minh|môn|tác|sở|lúa|cỏ"
_COUNTED_THINGS = rf"(?!\d{{1,3}}(?:[.,]|\s)?(?:đồng|dong)[ \t]+(?:{_DONG_COMPOUND})(?!\w))"
_UNIT = r"(?:k|tr|triệu|trieu|củ|nghìn|nghin|ngàn|ngan|tỷ|tỉ|ty|đồng|dong|đ|vnd|vnđ|usd|\$|usdt)"
_AMOUNT = rf"(?<![\d.,]){_COUNTED_THINGS}\d(?:[\d.,]*\d)?"
MONEY_PATTERN = (rf"(?:\$\s?\d[\d.,]*|{_AMOUNT}(?:{_UNIT}(?!\w)|(?:[.,]|\s){_UNIT}"
                 r"(?!\w|[.\-_*·'+|][^\W\d_](?![^\W_]))))")
# Every alternative starts at a token boundary (a lookbehind), so a long unbroken run of letters or digits is
# scanned once, not once per character (quadratic: minutes for a 40k-character run).
TYPED = re.compile(
    r"(?P<email>(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<url>(?:https?:?//|www\.)[^\s<>\"]+|(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|vn|net|org|info|xyz|top|club|site|online|shop|"
    r"store|me|io|cc|ly|link|app|live|vip|bet|tk|ml|ga|cf|gq|pro|biz|asia|win|fun|tech|icu|bid|cyou|sbs|cfd|buzz|click|"
    r"mobi|work|rest|bond|monster|today|cloud)\b(?:/[^\s<>\"]*)?)"
    r"|(?P<phone>(?<![\w.])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?![\d])|\b1[89]00[\s.]?\d{2,4}[\s.]?\d{0,4}\b)"
    rf"|(?P<money>{MONEY_PATTERN})",
    re.IGNORECASE,
)
# money spelled out by de-obfuscated letters ("85 t.r.i.ệ.u"): looked for again once the dots are undone
MONEY = re.compile(MONEY_PATTERN, re.IGNORECASE)
