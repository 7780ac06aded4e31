"""`show` of a citizen report: the "Nguồn" line names a citizen's report, not an internal key.

A report pasted as text is stored under `report:text/<hash>` (no address); an officer reading "Nguồn: -
report:text/df701fe97915cf2a" cannot tell where the content came from. The yearly workbook already writes
"(phản ánh của người dân)"; `show` says the same, and that the text was pasted in.
"""

from __future__ import annotations

from collections.abc import Callable

from review.store import Store

CLI = Callable[..., tuple[int, str, str]]


def test_a_pasted_report_shows_as_a_citizens_report_without_address(store: Store, cli: CLI) -> None:
    code, out, err = cli("--as", "lan", "report", "--text", "Chuyển khoản trước 500k để nhận quà tri ân từ ngân hàng",
                         "--reporter", "Trần Thị B")
    assert code == 0, err
    [entry] = [r.id for r in store.list_entries()]
    code, out, _ = cli("show", str(entry))
    assert code == 0
    source = next(line for line in out.splitlines() if line.startswith("Nguồn:"))
    assert "report:text/" not in source, source
    assert "phản ánh của người dân" in source and "dán" in source, source
    assert "report:text/" not in out, out

