"""A pasted text's stored headline is its first line, which `show` prints once, in the text, with no headline
above it. Evidence the model found in that headline must not say "trong tiêu đề" (in the headline) to an officer
who sees none: it says where it is, the text's first line, and is marked there."""

from __future__ import annotations

from collections.abc import Callable

from classifier.scorer import TITLE_DETAIL
from review.store import Store
from tests.review.factory import FakeEvidence, FakeResult, add_item

CLI = Callable[..., tuple[int, str, str]]
FIRST = "Khẩn cấp: nộp phí cập nhật căn cước trước ngày 15"
TEXT = FIRST + "\nAi không nộp sẽ bị khóa tài khoản, liên hệ số bên dưới."


def _pasted(store: Store) -> int:
    item = add_item(store, TEXT, title=FIRST, kind="report")
    start = FIRST.index("nộp phí")
    evidence = (FakeEvidence("scam", "rule", "nộp phí", start, start + len("nộp phí"), 0.45,
                             TITLE_DETAIL + "scam.pay_first: đòi chuyển tiền/đóng phí trước"),)
    entry = store.record_score(item, FakeResult({"scam": 0.8}, ("scam",), evidence=evidence), is_report=True)
    assert entry is not None
    return entry


def test_headline_evidence_of_a_pasted_text_is_said_to_be_in_its_first_line(store: Store, cli: CLI) -> None:
    entry = _pasted(store)
    code, out, _ = cli("show", str(entry))
    assert code == 0, out
    lines = out.splitlines()
    assert not any(line.startswith("KHẨN CẤP") for line in lines), out  # no headline printed above the text
    assert any(line.startswith("Khẩn cấp: «nộp phí»") for line in lines), out  # marked in the first line
    [ground] = [line for line in lines if line.startswith("  • [scam]")]
    assert "tiêu đề" not in ground and "dòng đầu" in ground, ground


def test_a_headline_shown_above_the_text_is_still_named_so(store: Store, cli: CLI) -> None:
    item = add_item(store, "Thân bài không nhắc lại tiêu đề.", title=FIRST)
    start = FIRST.index("nộp phí")
    ev = (FakeEvidence("scam", "rule", "nộp phí", start, start + len("nộp phí"), 0.45, TITLE_DETAIL + "scam.pay_first"),)
    entry = store.record_score(item, FakeResult({"scam": 0.8}, ("scam",), evidence=ev))
    assert entry is not None
    code, out, _ = cli("show", str(entry))
    [ground] = [line for line in out.splitlines() if line.startswith("  • [scam]")]
    assert code == 0 and "trong tiêu đề" in ground, out
