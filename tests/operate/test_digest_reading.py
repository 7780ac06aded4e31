"""The weekly mail as the head of the office reads it (not technical, on a phone): the period in the subject
as dates, the backlog with the time it was counted (the mail may go out days after the week, numbers of "now"
must not read as the week's), what needs doing said first, and a long source error cut at a word."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from review.digest import collect_digest
from review.digest_render import render_html, render_text, subject
from review.mailer import deliver_week
from review.models import Source
from review.store import Store
from tests.operate.seed import add_flagged, add_run
from tests.operate.smtp import Inbox, free_port, start_smtp
from tests.operate.test_digest_mail import MONDAY, WEEK, config

LONG_ERROR = ("không tải được địa chỉ nào trong urls của nguồn: https://chorao.example.vn/: máy chủ từ chối kết nối "
              "(DownloadConnectionRefusedError: Connection was refused by other side: 111: Connection refused.)")


def test_the_mail_reads_clearly(store: Store, db_url: str) -> None:
    cfg = config(free_port(), db_url)
    store.sync_sources(cfg.sources)
    add_run(store, "bao-tinh", MONDAY, ok=True, items_new=2)
    for hour in range(3):
        add_run(store, "cho-rao", MONDAY + timedelta(hours=hour), ok=False)
    with store.session() as s:
        s.query(Source).filter_by(name="cho-rao").one().last_error = LONG_ERROR
    add_flagged(store, title="Đầu tư tiền ảo lãi 30%/tháng", category="scam", at=MONDAY)
    add_flagged(store, title="Tin đồn", category="misinformation", at=MONDAY + timedelta(days=1))

    inbox, port = Inbox(), free_port()
    server = start_smtp(port, inbox)
    try:
        cfg = config(port, db_url)
        deliver_week(store, cfg, WEEK, now=MONDAY + timedelta(days=7))
    finally:
        server.stop()
    msg = inbox.parsed()[0]
    assert "16/11/2026" in msg["Subject"] and "22/11/2026" in msg["Subject"], msg["Subject"]

    data = collect_digest(store, cfg, WEEK)
    counted = data.generated_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")
    text = render_text(data, cfg.digest.timezone)
    html = render_html(data, cfg.digest.timezone, "cid:chart")
    for body in (text, html):
        backlog = body.split("4. Hàng chờ duyệt")[1].split("5. ")[0]
        assert f"tính đến {counted}" in backlog, backlog
        # what needs doing, before the numbered sections
        head = body.split("1. Cờ mới theo loại")[0]
        assert "Cần xử lý" in head and "2 mục đang chờ duyệt" in head and "1 nguồn" in head, head
    section = text.split("5. Nguồn có vấn đề")[1].split("6. ")[0]
    line = next(x for x in section.splitlines() if "cho-rao" in x)
    assert "DownloadConnec)" not in line and "…" in line, line
    assert subject(data) == msg["Subject"]
