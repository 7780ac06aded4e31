"""`canhgac show` names, for each citizen whose short link led elsewhere, both the link they sent and the page it
led to (needs /work/scratch/review_b_fixes/show_reporter_page.patch on review/cli/entryview.py and queue_view.py).
A real HTTP server on 127.0.0.1 (served as "localhost": another site), the real CLI, a real database."""

from __future__ import annotations

import json

from crawler.cli import main
from tests.crawler.test_report_shortlink_subdomains import BENIGN, SCAM, _report_twice


def test_show_names_the_link_sent_and_the_page_it_led_to(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    for n in (1, 2):
        crawl_env.site.set(f"/bai-{n}", BENIGN.format(n=n, body=SCAM.format(n=n)))
    cfg, _ = _report_twice(crawl_env, capsys)
    capsys.readouterr()
    assert main(["--config", cfg, "show", "1"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "Anh Nam" in x)
    assert "đường dẫn người dân gửi: http://localhost" in line and "→ trang: " in line and "/bai-2" in line, out
    assert main(["--config", cfg, "show", "1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["reporters"][1]["page"].endswith("/bai-2"), shown["reporters"]
