"""Crawl throughput: canhgac's full pipeline (extract + dedupe/cluster + score + store) against a plain
Scrapy spider that only downloads the same pages, in the same run, from the same local site.

    .venv/bin/python bench/crawl.py [--pages 2000] [--latency 0.05] [--concurrency 8] [--no-score]
                                    [--no-lastmod] [--workers auto|N]

The local site serves N generated Vietnamese article pages (5% near-duplicate reposts) behind a
sitemap whose entries carry <lastmod> like a news portal's (--no-lastmod: bare <loc>s, so every page is
searched for its date), each response delayed by --latency seconds to stand in for a remote portal.
Both crawlers run with the same concurrency, robots.txt and AutoThrottle off, cookies and the telnet
console off; the pipeline's worker processes are `--workers` (CANHGAC_WORKERS). Pages/min is
measured over the crawl itself (Scrapy's elapsed time, not process start-up nor model loading);
the start-up cost is printed separately.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.demo_site.server import DemoSite, serve  # noqa: E402
from crawler.runner import PROJECT_DIR, crawl_env, run_source  # noqa: E402
from review.store import Store  # noqa: E402

SENTENCES = [
    "Ủy ban nhân dân tỉnh vừa tổ chức hội nghị triển khai nhiệm vụ phát triển văn hóa, thể thao và du lịch.",
    "Các xã, phường đẩy mạnh phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa ở khu dân cư.",
    "Lực lượng chức năng khuyến cáo người dân cảnh giác với thủ đoạn lừa đảo qua mạng xã hội.",
    "Nhiều câu lạc bộ dân ca Ví, Giặm được duy trì sinh hoạt đều đặn tại nhà văn hóa thôn, xóm.",
    "Đoàn kiểm tra liên ngành đã xử lý các biển quảng cáo không phép trên các tuyến phố chính.",
    "Thư viện tỉnh tổ chức ngày hội đọc sách với sự tham gia của hàng nghìn học sinh.",
    "Cơ quan chức năng bác bỏ thông tin sai sự thật lan truyền trên mạng xã hội thời gian qua.",
    "Ngành y tế triển khai tiêm chủng mở rộng cho trẻ em dưới năm tuổi trên địa bàn.",
    "Du lịch cộng đồng tại các bản làng miền tây đón lượng khách tăng mạnh dịp lễ.",
    "Hội Liên hiệp Phụ nữ trao sổ tiết kiệm cho hội viên có hoàn cảnh khó khăn.",
    "Giải chạy vì hòa bình thu hút hàng nghìn vận động viên tham gia tranh tài.",
    "Trung tâm văn hóa huyện tổ chức liên hoan văn nghệ quần chúng chào mừng ngày lễ lớn.",
]


def article(n: int) -> bytes:
    rng = random.Random(n if n % 20 else n - 1)  # every 20th page reposts the page before it
    body = [f"Tin số {n // 20 * 20}: " + rng.choice(SENTENCES)] + rng.sample(SENTENCES, 7)
    if n % 20 == 0:
        body.insert(0, "Chia sẻ lại từ nhóm cư dân:")
    paras = "".join(f"<p>{s} {rng.randint(1, 999)} người tham dự, kinh phí {rng.randint(10, 900)} triệu đồng.</p>"
                    for s in body)
    return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>Bài {n} - Cổng thông tin</title>"
            f"</head><body><nav>Trang chủ | Tin tức</nav><article><h1>Bài viết số {n}</h1><div class='nd'>{paras}"
            f"</div></article><footer>© Cổng thông tin điện tử</footer></body></html>").encode()


def make_site(pages: int, latency: float, *, lastmod: bool = True) -> DemoSite:
    site = serve()
    stamp = (lambda n: f"<lastmod>2026-{1 + n % 12:02d}-{1 + n % 28:02d}T08:{n % 60:02d}:00+07:00</lastmod>") \
        if lastmod else (lambda n: "")
    urls = "".join(f"<url><loc>{site.base_url}/bench/a/{n}.html</loc>{stamp(n)}</url>" for n in range(pages))
    site.set("/bench/sitemap.xml", f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             f"{urls}</urlset>", "application/xml")

    def handle(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(latency)
        n = int(handler.path.rsplit("/", 1)[-1].split(".")[0])
        body = article(n)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    for n in range(pages):
        site.set_handler(f"/bench/a/{n}.html", handle)
    return site


PLAIN = textwrap.dedent("""
    import scrapy
    from scrapy.utils.sitemap import Sitemap

    class Plain(scrapy.Spider):
        name = "plain"
        custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "ADDONS": {}, "DOWNLOADER_MIDDLEWARES": {}}

        def __init__(self, url="", **kw):
            super().__init__(**kw)
            self.start_urls = [url]

        def parse(self, response):
            for entry in Sitemap(response.body):
                yield scrapy.Request(entry["loc"], callback=self.page)

        def page(self, response):
            pass
""")


def stats_from_log(log: Path) -> tuple[float, int]:
    """(elapsed seconds, responses) from a Scrapy log's final stats dump."""
    text = log.read_text(encoding="utf-8", errors="replace")
    elapsed = float(text.rsplit("'elapsed_time_seconds': ", 1)[1].split(",", 1)[0])
    responses = int(text.rsplit("'downloader/response_count': ", 1)[1].split(",", 1)[0])
    return elapsed, responses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--latency", type=float, default=0.05, help="seconds each page response is delayed")
    ap.add_argument("--concurrency", type=int, default=8, help="concurrent requests to the site")
    ap.add_argument("--no-score", action="store_true", help="leave the classifier out")
    ap.add_argument("--no-lastmod", action="store_true", help="sitemap entries without <lastmod>")
    ap.add_argument("--workers", default="auto", help="the pipeline's worker processes (CANHGAC_WORKERS)")
    args = ap.parse_args()
    load_before = _load()
    tmp = Path(tempfile.mkdtemp(prefix="canhgac-bench-"))
    site = make_site(args.pages, args.latency, lastmod=not args.no_lastmod)
    db = f"sqlite:///{tmp / 'bench.db'}"
    Store.open(db, create=True).close()
    cfg = tmp / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db}"\n[crawler]\nautothrottle = false\nobey_robots = false\nallow_private_hosts = true\n'
                   f'concurrent_per_domain = {args.concurrency}\ncrawl_timeout_s = 3600\n'
                   f'[[sources]]\nname = "bench"\nkind = "sitemap"\nurls = ["{site.base_url}/bench/sitemap.xml"]\n',
                   encoding="utf-8")
    try:
        spider = tmp / "plain.py"
        spider.write_text(PLAIN, encoding="utf-8")
        t0, cpu0 = time.monotonic(), _children_cpu()
        subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(spider), "-a",
                        f"url={site.base_url}/bench/sitemap.xml", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}",
                        "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "ROBOTSTXT_OBEY=0", "-s", "LOG_LEVEL=INFO",
                        "-s", "COOKIES_ENABLED=0", "-s", "TELNETCONSOLE_ENABLED=0",
                        "-s", "LOGSTATS_INTERVAL=0", "--logfile", str(tmp / "plain.log")],
                       cwd=PROJECT_DIR, env=crawl_env(str(cfg)), check=True)
        plain_wall, plain_cpu = time.monotonic() - t0, _children_cpu() - cpu0
        plain_s, plain_n = stats_from_log(tmp / "plain.log")

        t0, cpu0 = time.monotonic(), _children_cpu()
        out = run_source(str(cfg), "bench", 3600, log_path=tmp / "pipeline.log",
                         settings={"CANHGAC_SCORE_ENABLED": "0" if args.no_score else "1", "LOGSTATS_INTERVAL": "0",
                                   "CANHGAC_WORKERS": args.workers})
        full_wall, full_cpu = time.monotonic() - t0, _children_cpu() - cpu0
        full_s, full_n = stats_from_log(tmp / "pipeline.log")
        store = Store.open(db)
        items, clusters = store.item_count(), _multi_clusters(store)
        store.close()
    finally:
        site.close()
    plain_rate, full_rate = plain_n / plain_s * 60, full_n / full_s * 60
    rows = [("plain Scrapy (download only)", plain_n, plain_s, plain_rate, plain_wall, plain_cpu),
            ("canhgac pipeline" + (" (no score)" if args.no_score else ""), full_n, full_s, full_rate, full_wall,
             full_cpu)]
    print(f"{args.pages} pages, latency {args.latency * 1000:.0f} ms, concurrency {args.concurrency}, "
          f"sitemap {'without' if args.no_lastmod else 'with'} <lastmod>, workers {args.workers}, "
          f"load average {load_before} before, {_load()} after")
    # CPU: user + system seconds of the crawl's processes (workers included), start-up included; the
    # per-page figure does not depend on what else the machine runs, pages/min does
    print(f"{'crawler':<36}{'responses':>10}{'crawl s':>10}{'pages/min':>11}{'wall s':>9}{'CPU s':>8}{'CPU ms/page':>13}")
    for name, n, s, rate, wall, cpu in rows:
        print(f"{name:<36}{n:>10}{s:>10.1f}{rate:>11.0f}{wall:>9.1f}{cpu:>8.1f}{cpu / max(n, 1) * 1000:>13.1f}")
    print(f"ratio pipeline/plain: {full_rate / plain_rate:.2f} (goal >= 0.70); run ok={out.ok}, "
          f"items stored {items}, clusters with reposts {clusters}")
    print(json.dumps({"plain_ppm": round(plain_rate), "pipeline_ppm": round(full_rate),
                      "ratio": round(full_rate / plain_rate, 3)}))
    return 0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _multi_clusters(store: Store) -> int:
    from sqlalchemy import func, select

    from review.models import Cluster

    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Cluster).where(Cluster.size > 1)) or 0


if __name__ == "__main__":
    sys.exit(main())
