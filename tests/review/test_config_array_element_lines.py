"""An error about one element of a multi-line array names that element's line, not the array's first line.

e367421 did it for the string-list type check and [[sources]] urls only: a bad or repeated `[digest] recipients`
address, a blank `[review] moderators` name and a repeated moderator written with an escape ("h\\u00f9ng" after
"hùng") were still reported on the `key = [` line.
"""

from __future__ import annotations

import pytest

from review.config import parse_config
from review.errors import ConfigError


@pytest.mark.parametrize(("body", "line", "said"), [
    ('[digest]\nrecipients = [\n  "a@so.gov.vn",\n  "khong-phai-email",\n]\n', 4, "khong-phai-email"),
    ('[digest]\nrecipients = [\n  "a@so.gov.vn",\n  "b@so.gov.vn",\n  "A@so.gov.vn",\n]\n', 5, "A@so.gov.vn"),
    ('[review]\nmoderators = [\n  "lan",\n  "  ",\n]\n', 4, "moderators"),
    ('[review]\nmoderators = [\n  "lan",\n  "hùng",\n  "h\\u00f9ng",\n]\n', 5, "hùng"),
    ('[review]\nmoderators = ["lan", "hùng",\n  "Hùng"]\n', 3, "Hùng"),
])
def test_the_wrong_element_has_its_own_line(body: str, line: int, said: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    assert info.value.line == line, str(info.value)
    assert said in str(info.value) and f"canhgac.toml:{line}" in str(info.value), str(info.value)
