"""`bulk`'s dry run shows which entries are citizen reports, as `queue` does.

A bulk dismissal of "scam under 0.6" would otherwise also dismiss the reports citizens sent in, with nothing in
the table the moderator confirms telling them apart; `report=no` in --where leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


def test_dry_run_marks_citizen_reports_and_says_how_to_leave_them_out(store: Store, cli: CLI) -> None:
    report = flagged(store, "Phản ánh tin nhắn trúng thưởng", "scam", 0.55, kind="report")
    crawled = flagged(store, "Việc nhẹ lương cao tại nhà", "scam", 0.5)
    code, out, _ = cli("bulk", "--verdict", "dismiss", "--where", "category=scam", "--as", "lan")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines() if line.split() and line.split()[0].isdigit()}
    # "[PA dán]": a report item without a fetched page reads as pasted, as `queue` marks it
    assert "[PA dán]" in rows[str(report)], out
    assert "[PA" not in rows[str(crawled)], out
    assert "1 mục là phản ánh của người dân" in out and "report=no" in out, out


def test_dry_run_without_reports_adds_no_note(store: Store, cli: CLI) -> None:
    flagged(store, "Việc nhẹ lương cao tại nhà", "scam", 0.5)
    code, out, _ = cli("bulk", "--verdict", "dismiss", "--where", "category=scam", "--as", "lan")
    assert code == 0 and "[PA]" not in out and "phản ánh của người dân" not in out, out
