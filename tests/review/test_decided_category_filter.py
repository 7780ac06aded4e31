"""`--category C` over decided entries goes by the category the standing decision recorded, not by what the model
flagged: a flag for `scam` that a moderator decided as a violation of `illegal_ad` is listed under `illegal_ad`,
and no longer under `scam`. Undecided and dismissed entries keep matching on their flags (`review.filters.category_matches`)."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import update

from review.filters import EntryFilter, entry_ids_query
from review.models import ReviewEntry
from review.store import Store
from tests.review.factory import FakeResult, add_item, flagged

CLI = Callable[..., tuple[int, str, str]]


def _ids(cli: CLI, *args: str) -> set[int]:
    code, out, err = cli("queue", "--json", *args)
    assert code == 0, err
    return {row["id"] for row in json.loads(out)}


def _decide(cli: CLI, entry: int, verdict: str, *more: str) -> None:
    code, out, err = cli("decide", str(entry), "--verdict", verdict, *more, "--as", "lan")
    assert code == 0, (out, err)


def _two_flags(store: Store, text: str, top: str, other: str, *, source: str | None = None) -> int:
    """An entry flagged for `top` (0.8) and `other` (0.6)."""
    item = add_item(store, text, source=source)
    entry = store.record_score(item, FakeResult({top: 0.8, other: 0.6}, (top, other), label=top))
    assert entry is not None
    return entry


def test_a_recategorised_decision_is_listed_under_the_category_it_recorded(store: Store, cli: CLI) -> None:
    moved = flagged(store, "Việc nhẹ lương cao, nhắn Zalo nhận quà", "scam", 0.7)
    kept = flagged(store, "Chuyển khoản trước để nhận thưởng", "scam", 0.9)
    both = _two_flags(store, "Thuốc giảm cân thần tốc, chuyển khoản trước", "scam", "illegal_ad")
    _decide(cli, moved, "violation", "--category", "illegal_ad")
    _decide(cli, kept, "violation")  # recorded under its top flag, scam
    _decide(cli, both, "dismiss")  # a false positive: listed under both its flags

    assert _ids(cli, "--status", "decided", "--category", "illegal_ad") == {moved, both}
    assert _ids(cli, "--status", "decided", "--category", "scam") == {kept, both}
    # a script sees why an entry is listed: the category its decision recorded
    code, out, _ = cli("queue", "--json", "--status", "decided", "--category", "illegal_ad")
    assert {row["id"]: row["verdict_category"] for row in json.loads(out)} == {moved: "illegal_ad", both: "scam"}
    # the Vietnamese name reads the same
    assert _ids(cli, "--status", "decided", "--category", "quảng cáo") == {moved, both}
    # the table says the category it is listed under, and its count (--limit) counts the same entries
    code, out, _ = cli("queue", "--status", "decided", "--category", "scam", "--limit", "1")
    assert code == 0 and "Hiện 1/2 mục" in out, out


def test_the_standing_decision_counts_after_an_undo(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Vay tiền nhanh không cần thế chấp", "scam", 0.8)
    _decide(cli, entry, "violation", "--category", "illegal_ad")
    code, out, err = cli("undo", str(entry), "--reason", "nhầm nhóm", "--as", "lan")
    assert code == 0, (out, err)
    # open again: back under its flag, under no decided list
    assert _ids(cli, "--category", "scam") == {entry}
    assert _ids(cli, "--status", "decided", "--category", "illegal_ad") == set()
    _decide(cli, entry, "violation", "--category", "misinformation")
    assert _ids(cli, "--status", "decided", "--category", "misinformation") == {entry}
    assert _ids(cli, "--status", "decided", "--category", "illegal_ad") == set()
    assert _ids(cli, "--status", "decided", "--category", "scam") == set()


def test_undecided_entries_keep_matching_on_their_flags(store: Store, cli: CLI) -> None:
    open_ = flagged(store, "Nhận quà tri ân khách hàng qua Zalo", "scam", 0.8)
    held = _two_flags(store, "Bán thuốc không rõ nguồn gốc, lừa đảo", "illegal_ad", "scam")
    decided = flagged(store, "Trúng thưởng xe máy, nộp phí nhận giải", "scam", 0.9)
    code, out, err = cli("claim", str(held), "--as", "minh")
    assert code == 0, (out, err)
    _decide(cli, decided, "violation", "--category", "illegal_ad")

    assert _ids(cli, "--category", "scam") == {open_}
    assert _ids(cli, "--status", "claimed", "--category", "scam") == {held}
    assert _ids(cli, "--status", "claimed", "--category", "illegal_ad") == {held}
    # a decided entry is never handed out again, whatever it was recorded under
    code, out, err = cli("claim", "--next", "--category", "illegal_ad", "--as", "lan")
    assert code == 0 and "Không còn mục nào chờ duyệt trong nhóm illegal_ad" in out, (out, err)
    code, out, err = cli("claim", "--next", "--category", "scam", "--as", "lan")
    assert code == 0 and f"mục #{open_} " in out, (out, err)


def test_a_decided_entry_without_a_recorded_category_goes_by_its_flags(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Tuyển cộng tác viên online", "scam", 0.8)
    _decide(cli, entry, "violation")  # not a dismissal: those go by their flags anyway
    with store.session() as s:  # as a decision recorded without a category would leave it
        s.execute(update(ReviewEntry).where(ReviewEntry.id == entry).values(verdict_category=None))
    assert _ids(cli, "--status", "decided", "--category", "scam") == {entry}
    assert _ids(cli, "--status", "decided", "--category", "illegal_ad") == set()


def test_any_status_and_a_source_read_the_same(store: Store, cli: CLI) -> None:
    """Without a status (what `claim --next` passes on) each entry by its own state; with `--source`, both halves of
    the listing's union (the source's own entries, and report entries its pages joined)."""
    open_ = flagged(store, "Nhận quà tri ân khách hàng qua Zalo", "scam", 0.8, source="fb-pho")
    moved = flagged(store, "Việc nhẹ lương cao, nhắn Zalo nhận quà", "scam", 0.7, source="fb-pho")
    other = flagged(store, "Thuốc giảm cân thần tốc", "scam", 0.7, source="bao-tinh")
    _decide(cli, moved, "violation", "--category", "illegal_ad")
    _decide(cli, other, "violation", "--category", "illegal_ad")

    def matching(category: str) -> set[int]:
        with store.session() as s:
            return set(s.scalars(entry_ids_query(EntryFilter(category=category))))

    assert matching("scam") == {open_}
    assert matching("illegal_ad") == {moved, other}
    assert _ids(cli, "--status", "decided", "--source", "fb-pho", "--category", "illegal_ad") == {moved}
    assert _ids(cli, "--status", "decided", "--source", "fb-pho", "--category", "scam") == set()
    assert _ids(cli, "--source", "fb-pho", "--category", "scam") == {open_}


def test_a_score_bound_is_about_the_categorys_flag(store: Store, cli: CLI) -> None:
    """`category=C score<X` bounds C's flag: a decided entry recorded under C but never flagged C has no such
    score, and one flagged C is bounded by it, as an undecided entry is."""
    moved = flagged(store, "Việc nhẹ lương cao, nhắn Zalo nhận quà", "scam", 0.7)
    weak = _two_flags(store, "Thuốc giảm cân, chuyển khoản trước", "scam", "illegal_ad")  # illegal_ad 0.6
    _decide(cli, moved, "violation", "--category", "illegal_ad")
    _decide(cli, weak, "violation", "--category", "illegal_ad")

    def matching(**bounds: float) -> set[int]:
        with store.session() as s:
            flt = EntryFilter(category="illegal_ad", status="decided", **bounds)
            return set(s.scalars(entry_ids_query(flt)))

    assert matching() == {moved, weak}
    assert matching(max_score=0.65) == {weak}
    assert matching(min_score=0.65) == set()


def test_a_dismissal_is_listed_by_its_flags_whatever_category_it_names(store: Store, cli: CLI) -> None:
    """A dismissal says the flags were wrong: a category typed with it places it nowhere."""
    entry = flagged(store, "Tuyển cộng tác viên online", "scam", 0.8)
    _decide(cli, entry, "dismiss", "--category", "illegal_ad")
    assert _ids(cli, "--status", "decided", "--category", "scam") == {entry}
    assert _ids(cli, "--status", "decided", "--category", "illegal_ad") == set()


def test_a_report_entry_joined_by_a_sources_page_is_listed_by_its_recorded_category(store: Store, cli: CLI) -> None:
    """The other half of `--source`'s union: a citizen report's entry that a page of the source joined (it has no
    source of its own), decided under another category than its flag."""
    from tests.review.test_queue_source_filter import _join

    report = flagged(store, "Phản ánh tin nhắn trúng thưởng, chuyển khoản nhận quà", "scam", 0.8, kind="report")
    _join(store, report, "fb-pho")
    _decide(cli, report, "violation", "--category", "illegal_ad")
    assert _ids(cli, "--status", "decided", "--source", "fb-pho", "--category", "illegal_ad") == {report}
    assert _ids(cli, "--status", "decided", "--source", "fb-pho", "--category", "scam") == set()
