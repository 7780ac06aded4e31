"""`canhgac show` names the link each citizen sent, a short link included, not only the page it led to (needs
review/listing.py to read `reported_url`: /work/scratch/taskF/review_listing.patch). A real HTTP server on
127.0.0.1 (the short link served as "localhost", another host), the real CLI, the bundled model, a real database."""

from __future__ import annotations

import json

from crawler.cli import main
from tests.crawler.test_report_shortlink import _report, _setup


def test_show_lists_the_short_links_the_citizens_sent(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--reporter", "Chị Hoa")
    _report(cfg, capsys, short + "?fbclid=IwAR0abc", "--reporter", "Anh Nam")
    capsys.readouterr()
    assert main(["--config", cfg, "show", "1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [r["url"] for r in shown["reporters"]] == [short, short + "?fbclid=IwAR0abc"], shown["reporters"]
    assert shown["url"].startswith(crawl_env.site.base_url + "/trang-1"), shown["url"]
