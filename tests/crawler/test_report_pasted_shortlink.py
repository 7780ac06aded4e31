"""A citizen who pastes what they saw (`--text`, with the link it came from) and another who sends the same short
link (fetched and followed) reported one thing: the officer gets one entry with both reporters when the pasted
link leads to the page the other report was read from (the pasted link is followed, without reading the page),
or when the texts are near copies; never when the links lead to different pages of unrelated texts, nor when two
pasted texts only share a site's home page. A real HTTP server on 127.0.0.1 (the short links served as
"localhost", another host), the real CLI, the bundled model, a real database (SQLite, and PostgreSQL when
CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from sqlalchemy import func, select

from crawler.cli import main
from review.models import AuditLog, ReviewEntry

LANDING = ("<html><head><title>Nhận quà tri ân khách hàng</title></head><body><article><h1>Nhận quà tri ân khách "
           "hàng</h1><p>Chúc mừng quý khách đã trúng thưởng 50 triệu đồng trong chương trình tri ân của ngân hàng. "
           "Kết bạn Zalo 0987654321 và chuyển phí hồ sơ 500 nghìn đồng để nhận quà trong hôm nay, số lượng có hạn. "
           "Quý khách không chuyển phí trước 17 giờ sẽ mất quyền nhận quà.</p></article></body></html>")
OTHER = ("<html><head><title>Lễ hội văn hoá dân gian</title></head><body><article><h1>Lễ hội văn hoá dân gian</h1>"
         "<p>Phường tổ chức lễ hội văn hoá dân gian với nhiều hoạt động thể thao, văn nghệ cho thiếu nhi và người "
         "cao tuổi vào cuối tuần này tại nhà văn hoá khu phố.</p></article></body></html>")
# what the first citizen pasted: the Zalo message that carried the link, not the page it leads to
MESSAGE = "Ngân hàng tri ân khách hàng, bấm vào link để nhận quà 50 triệu ngay hôm nay, số lượng có hạn"
# another citizen's message about something else entirely
UNRELATED = "Cho thuê phòng trọ giá rẻ gần chợ, có chỗ để xe, liên hệ chủ nhà để xem phòng"


def _redirect(to: str):  # type: ignore[no-untyped-def]
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return handle


def _setup(crawl_env) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(config, the short link) : /s/qua -> /nhan-qua (the scam landing), /s/le-hoi -> /le-hoi (another page)."""
    cfg = str(crawl_env.configure())
    site = crawl_env.site
    site.set("/nhan-qua", LANDING)
    site.set("/le-hoi", OTHER)
    site.set_handler("/s/qua", _redirect(f"{site.base_url}/nhan-qua?utm_source=zalo"))
    site.set_handler("/s/le-hoi", _redirect(f"{site.base_url}/le-hoi"))
    return cfg, _short(crawl_env, "/s/qua")


def _short(crawl_env, path: str) -> str:  # type: ignore[no-untyped-def]
    return crawl_env.site.base_url.replace("127.0.0.1", "localhost") + path


def _report(cfg: str, capsys, *args: str) -> str:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--config", cfg, "--as", "lan", "report", *args]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def _entries(crawl_env) -> int:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return s.scalar(select(func.count()).select_from(ReviewEntry)) or 0


def _matches(crawl_env) -> list[str]:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return [d["match"] for d in s.scalars(select(AuditLog.details).where(AuditLog.action == "report"))]


def test_a_pasted_text_then_the_same_short_link_is_one_entry(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--text", MESSAGE, "--reporter", "Chị Hoa")
    out = _report(cfg, capsys, short + "?fbclid=IwAR0abc", "--reporter", "Anh Nam")
    assert "gộp vào mục #1" in out, out
    # only the link's page matched: the officer is not told the content is the same
    assert "dẫn tới cùng trang với mục #1" in out and "Nội dung này đã có" not in out, out
    assert _entries(crawl_env) == 1 and _matches(crawl_env) == ["same_place"]
    reporters = crawl_env.store.entry_detail(1).reporters
    assert [r.reporter for r in reporters] == ["Chị Hoa", "Anh Nam"], reporters


def test_the_short_link_then_a_pasted_text_of_it_is_one_entry(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--reporter", "Anh Nam")
    out = _report(cfg, capsys, short, "--text", MESSAGE, "--reporter", "Chị Hoa")
    assert "gộp vào mục #1" in out, out
    assert _entries(crawl_env) == 1 and _matches(crawl_env) == ["same_place"]


def test_a_pasted_text_with_the_landing_address_meets_the_short_link(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # one citizen copied the address from the browser after the redirect, the other the short link
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, crawl_env.site.base_url + "/nhan-qua", "--text", MESSAGE, "--reporter", "Chị Hoa")
    out = _report(cfg, capsys, short, "--reporter", "Anh Nam")
    assert "gộp vào mục #1" in out, out
    assert _entries(crawl_env) == 1


def test_a_near_copy_of_the_page_pasted_without_a_link_joins_the_short_links_entry(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    pasted = ("Chúc mừng quý khách đã trúng thưởng 50 triệu đồng trong chương trình tri ân của ngân hàng. Kết bạn "
              "Zalo 0987654321 và chuyển phí hồ sơ 500 nghìn đồng để nhận quà trong hôm nay, số lượng có hạn. Quý "
              "khách không chuyển phí trước 17 giờ sẽ mất quyền nhận quà.")
    _report(cfg, capsys, "--text", pasted, "--reporter", "Chị Hoa")
    out = _report(cfg, capsys, short, "--reporter", "Anh Nam")
    assert "gộp vào mục #1" in out, out
    assert _entries(crawl_env) == 1


def test_links_to_different_pages_stay_apart(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, _short(crawl_env, "/s/le-hoi"), "--text", UNRELATED, "--reporter", "Chị Hoa")
    out = _report(cfg, capsys, short, "--reporter", "Anh Nam")
    assert "gộp vào mục" not in out, out
    # a third citizen's own words with the short link: the short link's entry, not the other one
    out = _report(cfg, capsys, short, "--text", "Có người gửi link này bảo nhận quà của ngân hàng", "--reporter", "Bà Tư")
    assert "gộp vào mục #2" in out, out
    assert _entries(crawl_env) == 2


def test_two_pasted_texts_naming_only_a_home_page_stay_apart(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, _ = _setup(crawl_env)
    home = crawl_env.site.base_url + "/"
    _report(cfg, capsys, home, "--text", MESSAGE, "--reporter", "Chị Hoa")
    out = _report(cfg, capsys, home, "--text", UNRELATED, "--reporter", "Anh Nam")
    assert "gộp vào mục" not in out, out
    assert _entries(crawl_env) == 2


def test_a_pasted_text_of_a_decided_page_is_an_entry_of_its_own_and_says_so(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # the page was judged; what a citizen pastes now is not compared with it, so it gets its own look, and the
    # officer learns the address was dealt with (what to tell the citizen) instead of only "đã lưu"
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--reporter", "Anh Nam")
    crawl_env.store.decide(1, "lan", "violation", category="scam")
    out = _report(cfg, capsys, short, "--text", MESSAGE, "--reporter", "Chị Hoa")
    assert "Phản ánh đã lưu — mục #2," in out and "đã được xử lý ở mục #1 (kết luận «vi phạm, nhóm " in out, out
    # the page itself again, unchanged: its verdict, not the pasted text waiting on its address
    out = _report(cfg, capsys, short, "--reporter", "Bà Tư")
    assert "đã được xử lý: mục #1" in out, out
    assert _entries(crawl_env) == 2


def test_a_changed_page_of_a_decided_address_says_so(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--reporter", "Anh Nam")
    crawl_env.store.decide(1, "lan", "dismiss")
    crawl_env.site.set("/nhan-qua", LANDING.replace("50 triệu", "80 triệu").replace("500 nghìn", "900 nghìn"))
    out = _report(cfg, capsys, short, "--reporter", "Bà Tư")
    assert "Phản ánh đã lưu — mục #2," in out and "đã được xử lý ở mục #1 (kết luận «bỏ qua»)" in out, out

