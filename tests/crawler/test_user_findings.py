"""Bugs users found: a Vietnamese user agent, Ctrl-C during `canhgac crawl`, a whitespace-only --text,
citizen reports filed while the model cannot load, dates made up from a copyright footer, a listing
selector matching nothing, the crawl's temporary log folder. A real demo site on 127.0.0.1, a real
database, crawls in real subprocesses."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from crawler.extract import VN_TZ, extract_article
from crawler.runner import PROJECT_DIR
from crawler.runner import crawl_env as subprocess_env
from review.models import AuditLog, Item, ReviewEntry, Score, Source, SourceRun
from review.scoring import ScoredItem
from tests.crawler.conftest import crawler_table
from tests.review.factory import FakeResult

ARTICLE = "/dien-dan/bai/trung-thuong-xe-sh.html"
NO_MODEL = '\n[classifier]\nmodel = "models/khong-co.skops"\n'
UA_VI = "canhgac/0.1 (giám sát nội dung, Sở VHTTDL)"
SCAM = "Chúc mừng bạn đã trúng thưởng xe SH! Chuyển khoản phí 2 triệu đồng vào số tài khoản sau để nhận giải ngay"


def _vietnamese_agent(path: Path) -> None:
    body = path.read_text(encoding="utf-8")
    path.write_text(body.replace('user_agent = "canhgac-test/0.1"', f'user_agent = "{UA_VI}"'), encoding="utf-8")


def _received(header: str) -> str:
    """A header as the site got it: http.server reads header bytes as Latin-1."""
    return header.encode("latin-1").decode("utf-8")


# ------------------------------------------------------------------ 1. a Vietnamese user agent
def test_report_fetch_sends_a_vietnamese_user_agent(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = crawl_env.configure(NO_MODEL)
    _vietnamese_agent(cfg)
    code = main(["--config", str(cfg), "--as", "lan", "report", crawl_env.site.base_url + ARTICLE])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Traceback" not in captured.err
    [seen] = crawl_env.site.requests_for(ARTICLE)
    assert _received(seen.headers["user-agent"]) == f"{UA_VI} (+mailto:vhtt@example.vn)"


def test_crawl_sends_the_same_vietnamese_user_agent(crawl_env) -> None:  # type: ignore[no-untyped-def]
    cfg = crawl_env.configure()
    _vietnamese_agent(cfg)
    out = crawl_env.run("so-vhttdl-rss")
    assert out.ok and out.items_new == 12, out.message
    feeds = crawl_env.site.requests_for("/tin-tuc/rss.xml")
    assert feeds and _received(feeds[0].headers["user-agent"]) == f"{UA_VI} (+mailto:vhtt@example.vn)"


# ------------------------------------------------------------------ 3. --text of only spaces
@pytest.mark.parametrize("with_url", [False, True])
def test_report_text_of_only_spaces_is_a_usage_error(crawl_env, capsys, with_url: bool) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    url = [crawl_env.site.base_url + ARTICLE] if with_url else []
    assert main(["--config", cfg, "report", *url, "--text", "  \n\t "]) == 2
    err = capsys.readouterr().err
    assert err.startswith("canhgac: ") and len(err.strip().splitlines()) == 1 and "--text" in err, err
    assert crawl_env.site.requests_for(ARTICLE) == []
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0


# ------------------------------------------------------------------ 4. reports filed while the model cannot load
def test_report_made_while_the_model_cannot_load_reaches_the_queue_once(  # type: ignore[no-untyped-def]
        crawl_env, capsys, caplog) -> None:
    cfg = crawl_env.configure(NO_MODEL)
    caplog.set_level(logging.INFO)
    assert main(["--config", str(cfg), "--as", "lan", "report", "--text", SCAM, "--reporter", "chị Hoa"]) == 0
    out = capsys.readouterr().out
    assert "CHƯA vào hàng chờ" in out and "không bị mất" in out and "khong-co.skops" in out, out
    assert "không tải được mô hình" in out and "cannot load" not in out, out  # the reason in Vietnamese too
    assert not [r for r in caplog.records if "scoring is off" in r.getMessage()]  # said in Vietnamese instead
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 0
        [item_id] = s.scalars(select(Item.id).where(Item.kind == "report"))

    # the officer fixes the configuration (the bundled model); the next crawl files the waiting report
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(NO_MODEL, ""), encoding="utf-8")
    assert main(["--config", str(cfg), "crawl", "so-vhttdl-rss"]) == 0
    out = capsys.readouterr().out
    assert "đã được chấm điểm và đưa vào hàng chờ duyệt" in out, out
    with crawl_env.store.session() as s:
        entries = list(s.scalars(select(ReviewEntry).where(ReviewEntry.item_id == item_id)))
        assert [e.is_report for e in entries] == [True]
        assert s.scalar(select(func.count()).select_from(Score).where(Score.item_id == item_id)) == 1
    assert main(["--config", str(cfg), "show", str(entries[0].id)]) == 0
    shown = capsys.readouterr().out
    assert "NGƯỜI DÂN PHẢN ÁNH" in shown and "chị Hoa" in shown, shown

    # once: nothing waits any more, a later run files nothing again
    from crawler.report import queue_waiting_reports
    from review.config import load_config

    again = queue_waiting_reports(load_config(str(cfg)), crawl_env.store)
    assert (again.queued, again.joined, again.still_waiting) == ([], [], 0)
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == s.scalar(
            select(func.count()).select_from(ReviewEntry).where(ReviewEntry.item_id != item_id)) + 1


def test_daemon_queues_a_waiting_report_after_a_crawl(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    from crawler import jobs
    from review.config import load_config

    cfg = crawl_env.configure(NO_MODEL)
    assert main(["--config", str(cfg), "report", "--text", SCAM]) == 0
    jobs.queue_waiting_reports(load_config(str(cfg)), crawl_env.store)  # still no model: still waiting
    assert [i for i, _ in crawl_env.store.waiting_reports()] != []
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(NO_MODEL, ""), encoding="utf-8")
    jobs.queue_waiting_reports(load_config(str(cfg)), crawl_env.store)  # what `crawl_source` runs after a crawl
    assert crawl_env.store.waiting_reports() == []
    with crawl_env.store.session() as s:
        assert [e.is_report for e in s.scalars(select(ReviewEntry))] == [True]


def test_waiting_report_joins_the_entry_its_page_got_meanwhile(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # reported while the model is missing; the same page is then crawled and queued with the model back: the
    # waiting report joins that entry (audited) rather than opening a second entry for the same text
    from crawler.report import queue_waiting_reports
    from review.config import load_config

    cfg = crawl_env.configure(NO_MODEL)
    url = crawl_env.site.base_url + ARTICLE
    assert main(["--config", str(cfg), "report", url, "--note", "lừa đảo"]) == 0
    with crawl_env.store.session() as s:
        report = s.scalars(select(Item).where(Item.kind == "report")).one()
    page = crawl_env.store.waiting_reports()[0][1]
    crawled = replace(page, kind="post", extra={}, content_hash="x" * 64, source_name=None)
    [res] = crawl_env.store.add_scored_items([ScoredItem(crawled, FakeResult({"scam": 0.9}, ("scam",)))])  # type: ignore[arg-type]
    with crawl_env.store.session() as s:
        page_entry = s.scalars(select(ReviewEntry).where(ReviewEntry.item_id == res.item_id)).one()
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(NO_MODEL, ""), encoding="utf-8")
    done = queue_waiting_reports(load_config(str(cfg)), crawl_env.store)
    assert (done.queued, done.joined) == ([], [page_entry.id])
    assert queue_waiting_reports(load_config(str(cfg)), crawl_env.store).joined == []  # once
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1
        assert s.get_one(ReviewEntry, page_entry.id).is_report
        audits = list(s.scalars(select(AuditLog).where(AuditLog.action == "report")))
        assert [a.details["note"] for a in audits] == ["lừa đảo"]
        assert s.get_one(Item, report.id).extra.get("filed_in_entry") == page_entry.id


# ------------------------------------------------------------------ 5. dates from a copyright footer
_POST = ("<p>" + "Bà con cho hỏi khu phố mình khi nào có nước sạch trở lại, nhà tôi mất nước ba ngày nay rồi. " * 5
         + "</p>")


def _page(before_title: str = "", head: str = "", footer: str = "© 2026 Diễn đàn phố phường.") -> str:
    return (f"<html><head><title>Hỏi về nước sạch</title>{head}</head><body><div class='post-body'>{before_title}"
            f"<h1>Hỏi về nước sạch</h1>{_POST}</div><footer>{footer} Mọi quyền được bảo lưu.</footer></body></html>")


@pytest.mark.parametrize("footer", ["© 2026 Diễn đàn phố phường.", "Copyright 2025 phố phường.", "Năm 2026"])
def test_a_page_dated_only_by_its_footer_has_no_date(footer: str) -> None:
    assert extract_article(_page(footer=footer), "https://diendan.example.vn/bai/1.html").published_at is None


@pytest.mark.parametrize(("page", "url", "day"), [
    (_page("<p class='ngay'>Đăng ngày 12/03/2026</p>"), "https://diendan.example.vn/bai/1.html", "2026-03-12"),
    (_page("<p class='ngay'>Đăng ngày 01/01/2026</p>"), "https://diendan.example.vn/bai/1.html", "2026-01-01"),
    (_page("<p>Thứ Năm, 1 tháng 1 năm 2026</p>"), "https://diendan.example.vn/bai/1.html", "2026-01-01"),
    (_page(head='<meta property="article:published_time" content="2026-01-01T08:30:00+07:00">'),
     "https://diendan.example.vn/bai/1.html", "2026-01-01"),
    (_page(), "https://baotinh.example.vn/2026/01/01/nuoc-sach.html", "2026-01-01"),
])
def test_a_page_with_a_real_date_keeps_it(page: str, url: str, day: str) -> None:
    got = extract_article(page, url).published_at
    assert got is not None and got.astimezone(VN_TZ).date().isoformat() == day


def test_forum_post_without_a_date_is_stored_without_one(crawl_env) -> None:  # type: ignore[no-untyped-def]
    crawl_env.configure()
    out = crawl_env.run("dien-dan-pho-phuong")
    assert out.ok, out.message
    with crawl_env.store.session() as s:
        dates = {i.url.rsplit("/", 1)[-1]: i.published_at for i in s.scalars(select(Item))}
    assert dates and all(d is None or (d.month, d.day) != (1, 1) for d in dates.values()), dates


# ------------------------------------------------------------------ 6. a link selector that matches nothing
def test_listing_selector_matching_nothing_is_reported(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    b = crawl_env.site.base_url
    cfg = crawl_env.configure(f'''
[[sources]]
name = "phuong-go-sai"
kind = "html"
urls = ["{b}/phuong/"]
selectors = {{ link = "a.post-lnk", title = "h1.entry-title", text = "div.entry-content" }}

[[sources]]
name = "rao-vat-go-sai"
kind = "ads"
urls = ["{b}/rao-vat/"]
selectors = {{ item = "div.listng", title = "h3.tieu-de", text = "p.mo-ta" }}
''', demo=False)
    typo = crawl_env.run("phuong-go-sai")
    ads = crawl_env.run("rao-vat-go-sai")
    assert typo.items_new == 0 and typo.errors == 1 and "a.post-lnk" in typo.message, typo.message
    assert ads.items_new == 0 and ads.errors == 1 and "div.listng" in ads.message, ads.message
    assert main(["--config", str(cfg), "status"]) in (0, 1)
    status = capsys.readouterr().out
    assert "selectors.link = 'a.post-lnk' không khớp liên kết nào" in status, status
    assert "selectors.item = 'div.listng' không khớp tin rao nào" in status, status


def test_listing_with_a_matching_selector_reports_nothing(crawl_env) -> None:  # type: ignore[no-untyped-def]
    crawl_env.configure()
    first = crawl_env.run("phuong-hung-dung")
    again = crawl_env.run("phuong-hung-dung")  # every link already stored: still no complaint
    assert first.ok and first.items_new == 8 and first.errors == 0, first.message
    assert again.ok and again.items_new == 0 and again.errors == 0, again.message


# ------------------------------------------------------------------ 7. the crawl's temporary log folder
def test_crawl_removes_its_log_folder_unless_something_failed(crawl_env, capsys, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    temp = tmp_path / "tam"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    b = crawl_env.site.base_url
    cfg = str(crawl_env.configure(NO_MODEL + f'''
[[sources]]
name = "mat-tich"
kind = "html"
urls = ["{b}/khong-co-trang-nay/"]
selectors = {{ link = "a.post-link" }}
'''))
    assert main(["--config", cfg, "crawl", "so-vhttdl-rss"]) == 0
    out = capsys.readouterr().out
    assert list(temp.glob("canhgac-crawl-*")) == [] and "Nhật ký" not in out, out
    assert main(["--config", cfg, "crawl", "mat-tich"]) == 1
    out = capsys.readouterr().out
    [kept] = list(temp.glob("canhgac-crawl-*"))
    assert f"Nhật ký: {kept}" in out and (kept / "mat-tich.log").is_file(), out


# ------------------------------------------------------------------ 2. Ctrl-C stops `canhgac crawl`
@pytest.mark.parametrize("grace", [60, 0])
def test_ctrl_c_stops_the_crawl_and_starts_nothing_new(crawl_env, grace: int) -> None:  # type: ignore[no-untyped-def]
    released = threading.Event()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        released.wait(600)
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", "13")
            handler.end_headers()
            handler.wfile.write(b"<html></html>")
        except OSError:
            pass

    b = crawl_env.site.base_url
    names = ["cham-a", "cham-b", "cham-c"]
    sources = "".join(f'''
[[sources]]
name = "{n}"
kind = "html"
urls = ["{b}/{n}/"]
selectors = {{ link = "a.post-link" }}
''' for n in names)
    for n in names:
        crawl_env.site.set_handler(f"/{n}/", slow)
    # the stuck download neither times out nor ends before the grace would (Ctrl-C's grace is at most
    # `CTRL_C_GRACE_S`; no wall-clock bound here: on a loaded machine the stop's own work can take long)
    cfg = crawl_env.configure(NO_MODEL + f"\n[daemon]\nstop_grace_s = {grace}\n" + sources, demo=False,
                              crawler=crawler_table(download_timeout_s=500))
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "crawl", "-j", "1",
                             "--log-dir", str(crawl_env.tmp / "logs"), *names],
                            cwd=PROJECT_DIR, env=subprocess_env(None) | {"CANHGAC_CONFIG": str(cfg)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while not crawl_env.site.requests_for("/cham-a/") and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        assert crawl_env.site.requests_for("/cham-a/"), "the first crawl never asked for its listing"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=180)
    finally:
        released.set()
        if proc.poll() is None:
            proc.kill()
    text = err.decode("utf-8")
    assert proc.returncode == 130, (out.decode(), text)
    assert "Dừng giữa chừng: cham-a" in text and "Chưa bắt đầu: cham-b, cham-c" in text, text
    if grace:  # Ctrl-C's grace is at most 10 s
        assert "chờ tối đa 10s để lưu nốt phần đã tải" in text, text
    else:  # not "chờ tối đa 0s"
        assert "đã báo dừng cham-a, không chờ lưu nốt phần đã tải (stop_grace_s = 0)" in text, text
        assert "chờ tối đa" not in text, text
    assert "Traceback" not in text, text
    assert crawl_env.site.requests_for("/cham-b/") == [] and crawl_env.site.requests_for("/cham-c/") == []
    with crawl_env.store.session() as s:
        runs = {name: status for name, status in s.execute(
            select(Source.name, SourceRun.status).join(Source, Source.id == SourceRun.source_id))}
        streak = s.scalar(select(Source.consecutive_failures).where(Source.name == "cham-a"))
        messages = list(s.scalars(select(SourceRun.message)))
    # stopped on request: not a failure of the source (its failure streak and last error stay as they were)
    assert runs.get("cham-a") == "stopped" and "cham-b" not in runs and "cham-c" not in runs, runs
    assert not streak, streak
    assert messages and all("shutdown" not in (m or "") for m in messages), messages  # Scrapy's word, translated


def test_crawl_stop_marks_only_crawls_it_stopped_and_kills_one_started_after_the_grace() -> None:
    """A crawl that had already ended when Ctrl-C came keeps its own outcome (not "stopped"); one that starts
    after the grace period ran out is killed at once instead of outliving the command."""
    from crawler.runner import CrawlStop

    stop = CrawlStop()
    done = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    done.wait(timeout=30)
    stop.started("da-xong", done)
    stop.request()
    assert not stop.was_stopped("da-xong")
    stop.force()
    late = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    try:
        stop.started("bat-dau-muon", late)
        assert late.wait(timeout=120) != 0 and stop.was_stopped("bat-dau-muon")  # not the 600 s it sleeps
    finally:
        if late.poll() is None:
            late.kill()
