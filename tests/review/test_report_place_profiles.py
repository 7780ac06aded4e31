"""Two citizen reports are "of the same place" (`same_place`) when their links lead to one page. A social network's
profile, page, group or channel address is not one page of content: two unrelated posts reported with their
author's profile link must stay two entries, while two reports of one post still meet."""

from __future__ import annotations

import pytest

from review.report_match import place_of


@pytest.mark.parametrize("url", [
    "https://www.facebook.com/tenpagebanhang",
    "https://m.facebook.com/profile.php?id=100012345678901",
    "https://www.facebook.com/groups/123456789012345",
    "https://www.facebook.com/groups/chomuabanhanoi/",
    "https://www.facebook.com/people/Nguyen-Van-B/100012345678901/",
    "https://www.tiktok.com/@shopgiare",
    "https://zalo.me/0912345678",
    "https://www.youtube.com/@kenhtintuc",
    "https://www.instagram.com/shop.giare/",
    "https://x.com/someone",
])
def test_a_profile_page_or_group_is_no_place(url: str) -> None:
    assert place_of(url, None) is None
    assert place_of("report:text/abc", url) is None  # where a pasted link led


@pytest.mark.parametrize("url", [
    "https://www.facebook.com/tenpagebanhang/posts/pfbid02abc",
    "https://www.facebook.com/permalink.php?story_fbid=123&id=456",
    "https://www.facebook.com/groups/123456789012345/posts/987654321098765/",
    "https://www.facebook.com/photo/?fbid=123456",
    "https://www.facebook.com/share/p/1AbCdEf/",
    "https://www.tiktok.com/@shopgiare/video/7301234567890123456",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.instagram.com/p/C1a2b3c4d5e/",
    "https://x.com/someone/status/1234567890",
    "https://baomoi.vn/tin-gia-123.epi",  # not a social network: a one-segment path is an article
    "https://example.vn/khuyen-mai",
])
def test_a_post_or_an_article_is_a_place(url: str) -> None:
    assert place_of(url, None) == url
