"""The weekly digest's wording, as a user walk-through read it:

* the to-do line points at sections as "phần 4" and "phần 5": "mục" is the word for queue entries ("Mục #4"), so
  "mục 4" read as entry #4; the headings it points at are numbered "4." and "5." in both parts;
* a confirmed case from a citizen's report names it "(phản ánh của người dân)", as `show`, the exports and the
  year-end workbook do (it read "… căn cước ()", and an empty cell in the HTML part); a pasted one adds, as `show`
  does, that it has no address;
* a week canhgac did not watch — the first digest after `canhgac init`, of the week before it — says so instead of
  "tất cả nguồn hoạt động bình thường" over zeros (section 5 too when the week's runs were purged), and a week
  watched in part says what was not watched;
* an office with no source configured (citizen reports only) is not told every week that nothing was watched.

Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set), reports filed with `canhgac report`
against the demo site on 127.0.0.1, the first digest sent over real SMTP (aiosmtpd).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from crawler.cli import main
from crawler.demo_site.server import serve
from review.config import parse_config
from review.digest import collect_digest, last_complete_week
from review.digest_chart import flags_chart
from review.digest_render import render_html, render_text, subject
from review.housekeeping import purge_retention
from review.models import Item, ReviewEntry
from review.store import Store
from tests.operate.seed import add_flagged, add_run
from tests.operate.smtp import Inbox, free_port, mail_toml, start_smtp
from tests.operate.test_digest_mail import MONDAY, WEEK

TZ = "Asia/Ho_Chi_Minh"
NORMAL = "tất cả nguồn hoạt động bình thường"
DEMO_PAGE = "/dien-dan/bai/dau-tu-tien-ao-lai-30.html"
PASTED = "Thông báo khẩn: nộp phí cập nhật căn cước trước 500k, chuyển khoản ngay kẻo bị khóa tài khoản"


def _sources(*names: str) -> str:
    return "".join(f'[[sources]]\nname = "{n}"\nkind = "rss"\nurls = ["https://{n}.example.vn/rss"]\n' for n in names)


def _section(body: str, number: int) -> str:
    """Section `number` of the text or the HTML part, from its heading ("5. " starting a line or an <h2>) to the
    next one."""
    start, end = (re.search(rf"(^|>){n}\. ", body, flags=re.M) for n in (number, number + 1))
    assert start is not None and end is not None, body
    return body[start.start():end.start()]


def test_the_to_do_line_points_at_sections_not_entries(store: Store, db_url: str) -> None:
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n{_sources("bao-tinh", "cho-rao")}', "test.toml")
    store.sync_sources(cfg.sources, now=MONDAY - timedelta(days=30))
    add_flagged(store, title="Tin đồn sai sự thật", category="misinformation", at=MONDAY)
    add_flagged(store, title="Quảng cáo thuốc", category="illegal_ad", at=MONDAY + timedelta(days=1))
    add_run(store, "bao-tinh", MONDAY, ok=True, items_new=2)
    for i in range(3):
        add_run(store, "cho-rao", MONDAY + timedelta(hours=i), ok=False)

    data = collect_digest(store, cfg, WEEK)
    text, html = render_text(data, TZ), render_html(data, TZ, "cid:chart")
    assert "Cần xử lý: 2 mục đang chờ duyệt (cán bộ duyệt xử lý bằng lệnh canhgac review; phần 4); " \
           "1 nguồn cần kiểm tra (phần 5)." in text
    for body in (text, html):
        assert "mục 4" not in body and "mục 5" not in body
        assert "phần 4" in body and "phần 5" in body
    # what "phần 4" and "phần 5" point at, in both parts
    assert re.search(r"^4\. Hàng chờ duyệt", text, flags=re.M) and re.search(r"^5\. Nguồn có vấn đề", text, flags=re.M)
    assert re.search(r"<h2[^>]*>4\. Hàng chờ duyệt", html) and re.search(r"<h2[^>]*>5\. Nguồn có vấn đề", html)


def test_a_citizen_report_s_case_names_its_source(db_url: str, store: Store, tmp_path: Path) -> None:
    site = serve()
    try:
        cfg_path = tmp_path / "canhgac.toml"
        cfg_path.write_text(f'[database]\nurl = "{db_url}"\n[review]\nmoderators = ["lan"]\n'
                            '[crawler]\nallow_private_hosts = true\ndownload_timeout_s = 60\n', "utf-8")
        conf = ["--config", str(cfg_path), "--as", "lan"]
        assert main([*conf, "report", site.base_url + DEMO_PAGE, "--note", "lừa đầu tư"]) == 0
    finally:
        site.close()
    assert main([*conf, "report", "--text", PASTED, "--reporter", "Trần Thị B"]) == 0
    with store.session() as s:
        entries = s.execute(select(ReviewEntry.id, Item.title, Item.url, ReviewEntry.source_name)
                            .join(Item, Item.id == ReviewEntry.item_id).order_by(ReviewEntry.id)).all()
    assert len(entries) == 2 and all(source is None for *_, source in entries), entries
    (linked, linked_title, _, _), (pasted, pasted_title, pasted_url, _) = entries
    assert pasted_url.startswith("report:text/")
    for entry in (linked, pasted):
        assert main([*conf, "decide", str(entry), "--verdict", "violation", "--category", "scam"]) == 0
    with store.session() as s:  # one moment for both: decided on either side of Monday 00:00, they would be apart
        decided = s.scalar(select(ReviewEntry.decided_at).where(ReviewEntry.id == pasted))
        assert decided is not None
        s.execute(update(ReviewEntry).where(ReviewEntry.id.in_((linked, pasted))).values(decided_at=decided))
    year, week, _ = decided.astimezone(ZoneInfo(TZ)).isocalendar()

    data = collect_digest(store, parse_config(cfg_path.read_text("utf-8"), str(cfg_path)), f"{year}-W{week:02d}")
    assert sorted(c.entry_id for c in data.top_cases) == [linked, pasted]
    text = _section(render_text(data, TZ), 6)
    assert "()" not in text, text
    assert f" {' '.join(linked_title.split())[:200]} (phản ánh của người dân)\n" in text, text
    assert f" {' '.join(pasted_title.split())[:200]} (phản ánh của người dân) — nội dung dán vào, không có địa chỉ" \
           in text, text
    html = _section(render_html(data, TZ, "cid:chart"), 6)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert "" not in cells, cells
    assert "(phản ánh của người dân)" in cells, cells
    assert "(phản ánh của người dân) — nội dung dán vào, không có địa chỉ" in cells, cells
    assert "report:text/" not in text and "report:text/" not in html


def test_the_first_digest_after_init_says_no_source_was_watched(db_url: str, tmp_path: Path) -> None:
    """`init`, then `digest --send` of the last complete week (the default one), before canhgac ran. The week is
    taken once, before `init`: taken again after, Monday 00:00 could fall between the two."""
    week = last_complete_week(TZ)
    inbox, port = Inbox(), free_port()
    cfg_path = tmp_path / "canhgac.toml"
    cfg_path.write_text(mail_toml(port, db_url, '["lanhdao@so.example.vn"]')
                        + _sources("bao-tinh", "cong-phuong", "cho-rao"), "utf-8")
    assert main(["--config", str(cfg_path), "init"]) == 0
    server = start_smtp(port, inbox)
    try:
        assert main(["--config", str(cfg_path), "digest", "--week", week, "--send"]) == 0
    finally:
        server.stop()
    [msg] = inbox.parsed()
    assert msg["Subject"].endswith("; chưa theo dõi nguồn nào"), msg["Subject"]
    plain, html_part = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html_part is not None
    text, html = plain.get_content(), html_part.get_content()
    assert "Lưu ý: tuần này chưa theo dõi nguồn nào (3 nguồn đang cấu hình được thêm sau khi tuần kết thúc; " \
           "phần 5), nên số liệu dưới đây không cho biết tình hình trong tuần." in text
    assert "Mục thu thập trong tuần: 0 (chưa theo dõi nguồn nào)" in text
    assert "(chưa theo dõi nguồn nào trong tuần này: 3 nguồn đang cấu hình được thêm sau khi tuần kết thúc)" \
           in _section(text, 5)
    assert "Chưa theo dõi nguồn nào trong tuần này: 3 nguồn đang cấu hình được thêm sau khi tuần kết thúc." \
           in _section(html, 5)
    assert "Mục thu thập: <b>0</b> (chưa theo dõi nguồn nào)" in html
    for body in (text, html):
        assert "bình thường" not in body

    store = Store.open(db_url)
    try:
        cfg = parse_config(cfg_path.read_text("utf-8"), str(cfg_path))
        data = collect_digest(store, cfg, week)
    finally:
        store.close()
    assert (data.coverage.watched, data.coverage.added_later) == (0, 3)
    assert [t.get_text() for t in flags_chart(data).axes[0].texts] == ["Chưa theo dõi nguồn nào trong tuần"]


def test_a_week_watched_in_part_says_what_was_not_watched(store: Store, db_url: str) -> None:
    """bao-tinh all week, cong-moi from the Wednesday, cong-sau added after the week: none failed."""
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n{_sources("bao-tinh", "cong-moi", "cong-sau")}', "test.toml")
    store.sync_sources(cfg.sources[:1], now=MONDAY - timedelta(days=30))
    store.sync_sources(cfg.sources[:2], now=MONDAY + timedelta(days=2))  # Wed 18/11 10:00 in Hà Nội
    store.sync_sources(cfg.sources, now=MONDAY + timedelta(days=8))
    for day in range(7):
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=True, items_new=1)
    add_run(store, "cong-moi", MONDAY + timedelta(days=3), ok=True, items_new=1)

    data = collect_digest(store, cfg, WEEK)
    assert data.source_problems == []
    text, html = render_text(data, TZ), render_html(data, TZ, "cid:chart")
    assert NORMAL not in text and NORMAL.capitalize() not in html
    section = _section(text, 5)
    assert "(các nguồn được theo dõi trong tuần đều hoạt động bình thường)" in section, section
    assert "(1 nguồn được thêm trong tuần, chỉ được theo dõi từ lúc thêm: cong-moi từ 18/11/2026 10:00)" in section
    assert "(1 nguồn được thêm sau khi tuần kết thúc, chưa được theo dõi trong tuần này)" in section
    assert "cong-sau" not in section  # counted, not named: it did not exist then
    html5 = _section(html, 5)
    assert "Các nguồn được theo dõi trong tuần đều hoạt động bình thường." in html5
    assert "1 nguồn được thêm trong tuần, chỉ được theo dõi từ lúc thêm: cong-moi từ 18/11/2026 10:00." in html5
    assert "1 nguồn được thêm sau khi tuần kết thúc, chưa được theo dõi trong tuần này." in html5
    # a source watched from the week's start: the week's own numbers are not said to be partial
    assert "Lưu ý" not in text and "(theo dõi từ" not in text


@pytest.mark.parametrize("later", [False, True])
def test_a_week_canhgac_began_during_says_since_when(store: Store, db_url: str, later: bool) -> None:
    """Installed on the Wednesday: every source watched was added then (and, `later`, one after the week)."""
    names = ("bao-tinh", "cong-moi", "cong-sau") if later else ("bao-tinh", "cong-moi")
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n{_sources(*names)}', "test.toml")
    store.sync_sources(cfg.sources[:2], now=MONDAY + timedelta(days=2))
    store.sync_sources(cfg.sources, now=MONDAY + timedelta(days=8))
    for day in range(2, 7):
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=True, items_new=1)
        add_run(store, "cong-moi", MONDAY + timedelta(days=day), ok=True, items_new=1)

    data = collect_digest(store, cfg, WEEK)
    text, html = render_text(data, TZ), render_html(data, TZ, "cid:chart")
    assert "Cần xử lý: không có việc tồn đọng. Lưu ý: tuần này chỉ được theo dõi từ 18/11/2026 10:00 (phần 5)." \
           in text
    assert "Mục thu thập trong tuần: 0 (theo dõi từ 18/11/2026 10:00)" in text
    assert "2 nguồn được thêm trong tuần, chỉ được theo dõi từ lúc thêm: bao-tinh từ 18/11/2026 10:00, " \
           "cong-moi từ 18/11/2026 10:00" in text
    assert ("nguồn được thêm sau khi tuần kết thúc" in text) == later
    assert NORMAL not in text and NORMAL.capitalize() not in html
    assert "Lưu ý: tuần này chỉ được theo dõi từ 18/11/2026 10:00 (phần 5)." in html


def test_a_purged_week_before_any_source_says_none_was_watched(store: Store, db_url: str) -> None:
    """canhgac installed after the week, its first runs purged since: section 5 says nothing was watched, as the
    to-do line points there, rather than only that runs before the cutoff were deleted."""
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n{_sources("bao-tinh", "cho-rao")}', "test.toml")
    store.sync_sources(cfg.sources, now=MONDAY + timedelta(days=20))
    for day in range(20, 40):
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=True, items_new=1)
    assert purge_retention(store, 14, now=MONDAY + timedelta(days=40)).runs > 0  # cutoff: 26 days after MONDAY

    data = collect_digest(store, cfg, WEEK)
    assert data.runs_kept_since is not None and (data.coverage.watched, data.coverage.added_later) == (0, 2)
    text, html = render_text(data, TZ), render_html(data, TZ, "cid:chart")
    assert "Lưu ý: tuần này chưa theo dõi nguồn nào (2 nguồn đang cấu hình được thêm sau khi tuần kết thúc; " \
           "phần 5)" in text
    unwatched = "chưa theo dõi nguồn nào trong tuần này: 2 nguồn đang cấu hình được thêm sau khi tuần kết thúc"
    section, html5 = _section(text, 5), _section(html, 5)
    assert f"({unwatched})" in section, section
    assert f"{unwatched.capitalize()}." in html5, html5
    # no run of that week can be missing: the purge is no reason to doubt section 5
    assert "đã được xóa" not in section and "đã được xóa" not in html5
    assert "Không có lỗi nào còn lưu" not in html5


def test_no_source_configured_says_the_digest_holds_only_citizen_reports(store: Store, db_url: str) -> None:
    """An office taking only citizen reports (`[[sources]]` empty): its figures do tell the week."""
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n', "test.toml")
    assert not cfg.sources
    add_flagged(store, title="Lừa đảo nộp phí căn cước", category="scam", at=MONDAY + timedelta(days=1))

    data = collect_digest(store, cfg, WEEK)
    assert (data.coverage.watched, data.coverage.configured) == (0, 0)
    text, html = render_text(data, TZ), render_html(data, TZ, "cid:chart")
    assert subject(data).endswith(": 1 mục bị gắn cờ, 1 mục chờ duyệt"), subject(data)
    only = "chưa cấu hình nguồn thu thập nào: bản tin chỉ gồm phản ánh của người dân"
    assert f"phần 4). Lưu ý: {only}." in text
    assert f"({only})" in _section(text, 5)
    assert f"{only.capitalize()}." in _section(html, 5)
    assert f"Lưu ý: {only}." in html
    for body in (text, html):
        assert "chưa theo dõi nguồn nào" not in body and "không cho biết tình hình" not in body
    assert "Mục thu thập trong tuần: 1\n" in text

    empty = collect_digest(store, cfg, "2026-W46")  # the week before: no report, no flag
    assert [t.get_text() for t in flags_chart(empty).axes[0].texts] == ["Không có cờ mới trong tuần"]
    assert "chưa theo dõi nguồn nào" not in subject(empty) + render_text(empty, TZ)
