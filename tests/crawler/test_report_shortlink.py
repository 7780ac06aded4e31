"""A link a citizen sent through a shortener (bit.ly-like, on another host) is kept as they sent it, next to the
page it led to: in the stored report and in the audit row of a report that joins an entry (what `export audit`
gives). Reported again, the same short link joins the same undecided entry even when it now leads to another page,
as scam short links rotate their landing pages. A real HTTP server on 127.0.0.1 (the short link served as
"localhost", another host), the real CLI, the bundled model, a real database."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

from sqlalchemy import func, select

from crawler.cli import main
from review.models import AuditLog, Item, ReviewEntry

LANDING = ("<html><head><title>Nhận quà tri ân {n}</title></head><body><article><h1>Nhận quà tri ân {n}</h1>"
           "<p>Chúc mừng quý khách đã trúng thưởng {n}0 triệu đồng. Kết bạn Zalo 09876543{n}1 và chuyển phí hồ sơ "
           "500 nghìn đồng để nhận quà trong hôm nay, số lượng có hạn, lừa đảo chiếm đoạt tài sản.</p>"
           "</article></body></html>")


def _rotating(base: str):  # type: ignore[no-untyped-def]
    """A shortener whose link leads to /trang-1, then /trang-2, then /trang-1 ... (scam links rotate)."""
    served = [0]

    def handle(handler: BaseHTTPRequestHandler) -> None:
        served[0] += 1
        handler.send_response(302)
        handler.send_header("Location", f"{base}/trang-{2 - served[0] % 2}?utm_source=zalo")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return handle


def _setup(crawl_env) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure())
    site = crawl_env.site
    for n in (1, 2):
        site.set(f"/trang-{n}", LANDING.format(n=n))
    site.set_handler("/s/qua-tang", _rotating(site.base_url))
    return cfg, site.base_url.replace("127.0.0.1", "localhost") + "/s/qua-tang"


def _report(cfg: str, capsys, *args: str) -> str:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--config", cfg, "--as", "lan", "report", *args]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_the_reported_short_link_is_kept_with_the_page_it_led_to(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--reporter", "Chị Hoa")
    with crawl_env.store.session() as s:
        url, extra = s.execute(select(Item.url, Item.extra).where(Item.kind == "report")).one()
    assert url.startswith(crawl_env.site.base_url + "/trang-1") and extra["reported_url"] == short, (url, extra)


def test_the_same_short_link_reported_again_joins_the_same_entry(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--reporter", "Chị Hoa")
    # later, by someone else, copied with a tracking parameter: it now leads to the other landing page
    out = _report(cfg, capsys, short + "?fbclid=IwAR0abc", "--reporter", "Anh Nam")
    assert "gộp vào mục" in out, out
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1
        [details] = s.scalars(select(AuditLog.details).where(AuditLog.action == "report")).all()
    assert details["reported_url"] == short + "?fbclid=IwAR0abc" and "/trang-2" in details["url"], details
    assert details["match"] == "same_link", details

    capsys.readouterr()
    assert main(["--config", cfg, "export", "audit", "--format", "jsonl", "--include-reporters"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(short in json.dumps(r, ensure_ascii=False) for r in rows), rows


def test_a_redirect_on_the_same_site_is_not_a_short_link(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # a portal's home page redirecting to today's article: reported again it leads to another article, which is
    # another report of its own
    cfg, _ = _setup(crawl_env)
    home = crawl_env.site.base_url + "/s/qua-tang"
    _report(cfg, capsys, home, "--reporter", "Chị Hoa")
    out = _report(cfg, capsys, home, "--reporter", "Anh Nam")
    assert "gộp vào mục" not in out, out
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 2
