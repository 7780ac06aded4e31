"""Ordinary classified ads are neither harms nor content worth commending.

The bundled model used to flag an ordinary room-rental ad `positive` at 0.77 (seen in `canhgac demo`): the
seed data had commendation stories but almost no neutral everyday ads. Commendation stories written for
this test (not in the seed data) must still be flagged `positive`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.scorer import Scorer

SEED = Path(__file__).resolve().parents[2] / "classifier" / "data" / "seed"

ADS = [  # two of the demo ad site's listings as the ads spider stores them, plus ads written for this test
    ("Cho thuê phòng trọ khép kín gần Đại học Vinh",
     "Phòng 20m2, có gác xép, nóng lạnh, wifi miễn phí, giờ giấc tự do."),
    ("Nhận dạy kèm Toán lớp 9 ôn thi vào lớp 10",
     "Giáo viên có 10 năm kinh nghiệm, dạy tại nhà học sinh khu vực thành phố Vinh."),
    ("Bán nồi cơm điện cũ", "Nồi cơm điện Sharp 1,8 lít dùng được hai năm, còn nấu tốt, để lại 300 nghìn."),
    ("Cho thuê ki-ốt chợ", "Cho thuê ki-ốt 12m2 trong chợ phường, tiện bán tạp hóa, giá 2 triệu một tháng."),
    ("Tuyển nhân viên bán hàng", "Cửa hàng vật liệu xây dựng tuyển một nhân viên bán hàng, làm giờ hành chính, "
                                 "nghỉ chủ nhật, lương theo thỏa thuận."),
]
COMMENDATIONS = [
    "Em Nguyễn Văn Minh, học sinh lớp 8, nhặt được chiếc ví có 12 triệu đồng và giấy tờ, đã mang đến công an "
    "phường để trả lại người đánh rơi. Nhà trường đã tuyên dương em trước toàn trường.",
    "Nhóm thanh niên tình nguyện của phường dành các buổi tối cuối tuần dạy chữ miễn phí cho trẻ em có hoàn cảnh "
    "khó khăn, được Ủy ban nhân dân phường tặng giấy khen.",
]


def test_examples_here_are_not_training_examples() -> None:
    seed = {json.loads(line)["text"] for f in SEED.glob("*.jsonl") for line in f.read_text("utf-8").splitlines()
            if line.strip()}
    assert not seed & {*(t for _, t in ADS), *COMMENDATIONS}


@pytest.mark.parametrize(("title", "text"), ADS)
def test_ordinary_ad_is_not_flagged(default_scorer: Scorer, title: str, text: str) -> None:
    res = default_scorer.score(text, title=title)
    assert not res.flags, res.scores


@pytest.mark.parametrize("text", COMMENDATIONS)
def test_commendation_story_is_still_positive(default_scorer: Scorer, text: str) -> None:
    assert "positive" in default_scorer.score(text).flags
