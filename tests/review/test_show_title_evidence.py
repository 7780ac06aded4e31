"""Evidence the model found in the headline is marked in the headline, and said to be there in Vietnamese.

The classifier gives headline evidence offsets into the headline and a detail starting "title: "
(`classifier.scorer.TITLE_DETAIL`). `show` printed the headline unmarked, marked the same words wherever they
first appear in the body instead (grounds where there are none), and printed "— title: …" to the officer.
"""

from __future__ import annotations

from collections.abc import Callable

from classifier.scorer import TITLE_DETAIL
from review.cli.entryview import TITLE_DETAIL as SHOWN_TITLE_DETAIL
from review.store import Store
from tests.review.factory import FakeEvidence, FakeResult, add_item

CLI = Callable[..., tuple[int, str, str]]
TITLE = "Khẩn cấp: nộp phí cập nhật căn cước"
BODY = "Cán bộ phường nói không ai phải nộp phí; mọi người cảnh giác."


def _entry(store: Store) -> int:
    item = add_item(store, BODY, title=TITLE)
    start = TITLE.index("nộp phí")
    evidence = (FakeEvidence("scam", "rule", "nộp phí", start, start + len("nộp phí"), 0.45,
                             TITLE_DETAIL + "scam.pay_first: đòi chuyển tiền/đóng phí trước"),
                FakeEvidence("scam", "ngram", "moneytok", -1, -1, 0.7, TITLE_DETAIL + "moneytok (+5 đoạn ký tự)"),
                FakeEvidence("scam", "ngram", "cảnh giác", BODY.index("cảnh giác"), len(BODY) - 1, 0.2, "canh giac"))
    entry = store.record_score(item, FakeResult({"scam": 0.8, "hate": 0.01}, ("scam",), evidence=evidence))
    assert entry is not None
    return entry


def test_headline_evidence_is_marked_in_the_headline_not_the_body(store: Store, cli: CLI) -> None:
    entry = _entry(store)
    code, out, _ = cli("show", str(entry))
    assert code == 0
    lines = out.splitlines()
    headline = next(line for line in lines if line.startswith("Tiêu đề: Khẩn cấp"))
    body = next(line for line in lines if line.startswith("Cán bộ phường"))
    assert "«nộp phí»" in headline, headline
    assert "«nộp phí»" not in body and "«cảnh giác»" in body, body


def test_evidence_details_are_said_in_vietnamese(store: Store, cli: CLI) -> None:
    entry = _entry(store)
    code, out, _ = cli("show", str(entry))
    assert code == 0
    grounds = [line for line in out.splitlines() if line.startswith("  • [scam]")]
    assert len(grounds) == 3, out
    assert not any("title:" in line or "moneytok" in line for line in grounds), grounds
    assert sum("trong tiêu đề" in line for line in grounds) == 2, grounds
    assert any("[số tiền]" in line for line in grounds), grounds


def test_the_prefix_is_the_classifiers() -> None:
    assert SHOWN_TITLE_DETAIL == TITLE_DETAIL
