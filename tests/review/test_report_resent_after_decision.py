"""A citizen's report sent again word for word (the same pasted text or the same link, the same reporter and note)
after a moderator decided its entry: `canhgac report` says the content was already handled, with the verdict (and
the harm category of a violation or a warning), as it does for a report of the same content by someone else
(`review.citizen.file_report`, ALREADY_DECIDED) — not that the report is "vào hàng chờ duyệt": the entry is out of
the queue. Sent again while the entry still waits, the report is told it was there before, in the queue. The real CLI,
a real HTTP server on 127.0.0.1 for the link, a real database (SQLite, and PostgreSQL when
CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.demo_site.server import DemoSite, serve
from review.models import Item
from review.store import Store
from review.vi import category_vi
from tests.review.factory import config_file

CLI = Callable[..., tuple[int, str, str]]
BODY = "Chuyển khoản 500 nghìn để nhận quà tri ân khách hàng, liên hệ zalo 0912345678 ngay hôm nay nhé cả nhà"
PAGE = ("<html><head><title>Nhận quà tri ân</title></head><body><article><h1>Nhận quà tri ân khách hàng</h1>"
        "<p>Chuyển khoản 500 nghìn đồng phí hồ sơ để nhận quà tri ân khách hàng, liên hệ Zalo 0912345678 ngay hôm "
        "nay, số lượng quà có hạn, cả nhà nhanh tay kẻo lỡ.</p>" + "<p>Nội dung chương trình tri ân. </p>" * 30
        + "</article></body></html>")


@pytest.fixture
def site() -> Iterator[DemoSite]:
    s = serve()
    yield s
    s.close()


@pytest.fixture
def cfg(tmp_path: Path, db_url: str, store: Store) -> Path:
    """The review tests' config, fetching from the test server on 127.0.0.1."""
    path = config_file(tmp_path, db_url)
    path.write_text(path.read_text(encoding="utf-8") + "\n[crawler]\nallow_private_hosts = true\n", encoding="utf-8")
    return path


def _reports(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Item).where(Item.kind == "report")) or 0


def _report(cli: CLI, how: list[str]) -> tuple[int, str]:
    code, out, err = cli("--as", "lan", "report", *how, "--reporter", "Chị Hoa", "--note", "gửi qua Zalo")
    assert code == 0, err
    found = re.search(r"#(\d+)", out)
    assert found, out
    return int(found.group(1)), out


@pytest.mark.parametrize("verdict", ["warn", "violation", "dismiss"])
@pytest.mark.parametrize("by", ["text", "link"])
def test_a_report_resent_after_its_entry_was_decided_says_it_was_handled(
    store: Store, cli: CLI, site: DemoSite, verdict: str, by: str
) -> None:
    site.set("/qua-tri-an", PAGE)
    how = ["--text", BODY] if by == "text" else [site.base_url + "/qua-tri-an"]
    entry, out = _report(cli, how)
    assert "vào hàng chờ duyệt" in out, out
    store.decide(entry, "minh", verdict, category="scam" if verdict != "dismiss" else None)
    again, out = _report(cli, how)
    assert again == entry, out
    assert "vào hàng chờ duyệt" not in out, out  # decided: not in the queue
    scam = f"nhóm {category_vi('scam')}"
    told = {"warn": f"đã cảnh báo, {scam}", "violation": f"vi phạm, {scam}", "dismiss": "bỏ qua"}[verdict]
    assert re.search(rf"đã được xử lý: mục #{entry}, kết luận «{re.escape(told)}»", out), out
    assert "(phản ánh này đã được ghi nhận trước đó)" in out, out
    assert _reports(store) == 1  # the resend stored nothing new


@pytest.mark.parametrize("by", ["text", "link"])
def test_a_report_resent_while_its_entry_waits_says_it_is_in_the_queue(store: Store, cli: CLI, site: DemoSite,
                                                                       by: str) -> None:
    site.set("/qua-tri-an", PAGE)
    how = ["--text", BODY] if by == "text" else [site.base_url + "/qua-tri-an"]
    entry, _ = _report(cli, how)
    again, out = _report(cli, how)
    assert again == entry, out
    assert f"Phản ánh đã có từ trước — mục #{entry}," in out and "vào hàng chờ duyệt" in out, out
    assert _reports(store) == 1
