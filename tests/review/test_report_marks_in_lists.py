"""`canhgac queue` and the year-end workbook tell the citizen reports behind an entry apart as `show` does: a text
pasted (no page read for the report) or a link whose page was read; the text a report joined only by where its link
leads (`same_place`: never compared with the entry's own) is written out in `queue` and pointed to in the workbook.
The real CLI, a real HTTP server on 127.0.0.1 (the short link served as "localhost", another host), the bundled
model, a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from openpyxl import load_workbook

from crawler.demo_site.server import DemoSite, serve
from review.store import Store
from review.vi import VN_TZ
from tests.review.factory import config_file

CLI = Callable[..., tuple[int, str, str]]
LANDING = ("<html><head><title>Nhận quà tri ân khách hàng</title></head><body><article><h1>Nhận quà tri ân khách "
           "hàng</h1><p>Chúc mừng quý khách đã trúng thưởng 50 triệu đồng trong chương trình tri ân của ngân hàng. "
           "Kết bạn Zalo 0987654321 và chuyển phí hồ sơ 500 nghìn đồng để nhận quà trong hôm nay, số lượng có hạn. "
           "Quý khách không chuyển phí trước 17 giờ sẽ mất quyền nhận quà.</p></article></body></html>")
# what a citizen pasted: the Zalo message that carried the link, written decomposed (NFD) as some phones send it
MESSAGE = "Ngân hàng tri ân khách hàng, bấm vào link để nhận quà 50 triệu ngay hôm nay, số lượng có hạn"
SMS = "Tin nhắn: quý khách trúng thưởng xe SH, chuyển 2 triệu phí nhận giải vào tài khoản 0123456789"
MARK = "nội dung người dân gửi (chỉ trùng đường dẫn)"


@pytest.fixture
def site() -> Iterator[DemoSite]:
    s = serve()
    s.set("/nhan-qua", LANDING)
    s.set_handler("/s/qua", _redirect(f"{s.base_url}/nhan-qua?utm_source=zalo"))
    yield s
    s.close()


@pytest.fixture
def cfg(tmp_path: Path, db_url: str, store: Store) -> Path:
    """The review tests' config, fetching from the test server on 127.0.0.1."""
    path = config_file(tmp_path, db_url)
    path.write_text(path.read_text(encoding="utf-8") + "\n[crawler]\nallow_private_hosts = true\n", encoding="utf-8")
    return path


def _redirect(to: str):  # type: ignore[no-untyped-def]
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return handle


def _run(cli: CLI, *args: str) -> str:
    code, out, err = cli("--as", "lan", *args)
    assert code == 0, err
    return out


@pytest.fixture
def reported(cli: CLI, site: DemoSite) -> tuple[int, int]:
    """#1: a short link whose page was read (Anh Nam), joined by a text pasted with the same link (Chị Hoa);
    #2: a text pasted with no link (Ông Ba)."""
    short = site.base_url.replace("127.0.0.1", "localhost") + "/s/qua"
    _run(cli, "report", short, "--reporter", "Anh Nam")
    nfd = unicodedata.normalize("NFD", MESSAGE)
    assert "gộp vào mục #1" in _run(cli, "report", short, "--text", nfd, "--reporter", "Chị Hoa")
    assert "#2" in _run(cli, "report", "--text", SMS, "--reporter", "Ông Ba")
    return 1, 2


def test_queue_marks_pasted_reports_and_shows_a_same_place_text(cli: CLI, reported: tuple[int, int]) -> None:
    out = _run(cli, "queue")
    lines = out.splitlines()
    [one] = [i for i, line in enumerate(lines) if line.startswith("1  ")]
    [two] = [line for line in lines if line.startswith("2  ")]
    assert "[PA dán 1/2]" in lines[one], out  # one pasted, one fetched
    assert "[PA dán]" in two, out
    # the text Chị Hoa sent, under its entry's row: the entry's own first line is the landing page's
    assert lines[one + 1].startswith(f"    ↳ {MARK}") and MESSAGE in lines[one + 1], out  # NFC, as `show` prints it
    assert out.count(MARK) == 1 and "[PA dán] = người dân dán nội dung, không có trang được đọc" in out, out

    rows = {r["id"]: r for r in json.loads(_run(cli, "queue", "--json"))}
    assert [(x["reporter"], x["pasted"], x["match"]) for x in rows[1]["reporters"]] == [
        ("Anh Nam", False, None), ("Chị Hoa", True, "same_place")], rows[1]
    assert [(x["reporter"], x["pasted"]) for x in rows[2]["reporters"]] == [("Ông Ba", True)], rows[2]
    # as `show --json` has them
    assert json.loads(_run(cli, "show", "1", "--json"))["reporters"] == rows[1]["reporters"]


def test_the_year_end_workbook_says_how_each_case_was_reported(cli: CLI, reported: tuple[int, int],
                                                               tmp_path: Path) -> None:
    _run(cli, "decide", "1", "--verdict", "violation", "--category", "scam")
    _run(cli, "decide", "2", "--verdict", "escalate", "--category", "scam", "--note", "Công an phường")
    path = tmp_path / "tong-ket.xlsx"
    _run(cli, "export", "summary", "--year", str(datetime.now(VN_TZ).year), "-o", str(path))
    wb = load_workbook(path, read_only=True)
    head, *rows = list(wb["Vụ việc nổi bật"].iter_rows(values_only=True))
    wb.close()
    by_id = {r[0]: dict(zip(head, r, strict=True)) for r in rows}
    # what Chị Hoa sent is not written out (the workbook goes to the superior, naming no reporter): where to read it
    assert by_id[1]["Người dân phản ánh"] == ("có — 2 phản ánh: 1 dán nội dung, 1 gửi đường dẫn, đã đọc trang; kèm 1 "
                                               "nội dung người dân gửi chưa đối chiếu (chỉ trùng đường dẫn): xem bằng "
                                               "canhgac show 1")
    assert by_id[2]["Người dân phản ánh"] == "có — dán nội dung"  # its own text is the case's first line
    assert MARK not in head
    assert by_id[2]["Ghi chú của cán bộ"] == "Công an phường"
