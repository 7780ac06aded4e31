"""What `canhgac report` answers names the queue entry as every other command does ("mục #N", the number `show`
takes), not beside a second number an officer would take for it: it printed "Phản ánh #15 đã lưu (mục dữ liệu 38)",
and `canhgac show 38` answered "không có mục #38". The internal item id shows only while there is no entry yet,
labelled as the audit export labels it ("mã tin"). A long title is cut at a word with "…", not mid-word ("…tham gia
rất đ"). A real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set), the real CLI and the bundled
model."""

from __future__ import annotations

import re

from sqlalchemy import select

from crawler.cli import main
from review.models import ReviewEntry
from tests.crawler.test_report_safety import NO_MODEL
from tests.review.factory import add_item

# the first line of a pasted message is its title: 104 characters, the 80th inside the word "đông"
LONG_FIRST_LINE = ("Người dân phản ánh trang kêu gọi đầu tư lãi cao, kêu gọi bà con tham gia rất đông vào nhóm Zalo "
                   "nhận quà")
SHOWN_TITLE = "Người dân phản ánh trang kêu gọi đầu tư lãi cao, kêu gọi bà con tham gia rất…"
MESSAGE = LONG_FIRST_LINE + "\nChuyển khoản 500 nghìn phí giữ suất trước, lãi 30% mỗi tháng, liên hệ 0987654321."


def _item_of(crawl_env, entry_id: int) -> int:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        item_id = s.scalar(select(ReviewEntry.item_id).where(ReviewEntry.id == entry_id))
    assert item_id is not None
    return int(item_id)


def test_report_names_the_entry_show_takes_and_cuts_the_title_at_a_word(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure())
    for n in range(3):  # items without a review entry first, so item ids and entry ids differ
        add_item(crawl_env.store, f"Thông báo lịch cắt điện số {n}")
    capsys.readouterr()
    assert main(["--config", cfg, "report", "--text", MESSAGE]) == 0
    out = capsys.readouterr().out
    m = re.search(r"^Phản ánh đã lưu — mục #(\d+), đã chấm điểm, vào hàng chờ duyệt: (.*)$", out, re.M)
    assert m, out
    entry_id, title = int(m.group(1)), m.group(2)
    item_id = _item_of(crawl_env, entry_id)
    assert item_id != entry_id
    assert title == SHOWN_TITLE, title  # whole words, then "…"
    assert "mục dữ liệu" not in out and "mã tin" not in out and str(item_id) not in out, out
    assert main(["--config", cfg, "show", str(entry_id)]) == 0
    assert f"Mục #{entry_id} " in capsys.readouterr().out

    # the same text again: the same entry, named the same way, its title cut the same way
    assert main(["--config", cfg, "report", "--text", MESSAGE]) == 0
    out = capsys.readouterr().out
    assert f"Phản ánh đã có từ trước — mục #{entry_id}, " in out and out.rstrip().endswith(SHOWN_TITLE), out
    assert str(item_id) not in out, out


def test_a_report_joined_to_an_entry_cuts_its_title_at_a_word(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure())
    assert main(["--config", cfg, "report", "--text", MESSAGE, "--reporter", "Anh Nam"]) == 0
    with crawl_env.store.session() as s:
        [entry_id] = s.scalars(select(ReviewEntry.id))
    capsys.readouterr()
    # the same message from another citizen, sent with other line breaks: it joins the entry
    assert main(["--config", cfg, "report", "--text", MESSAGE.replace("\n", "\n\n") + "\n",
                 "--reporter", "Chị Hoa"]) == 0
    out = capsys.readouterr().out
    assert f"mục #{entry_id}" in out and out.rstrip().endswith(": " + SHOWN_TITLE), out


def test_a_report_without_an_entry_labels_the_item_id(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))  # no classifier: stored, not scored, no queue entry yet
    add_item(crawl_env.store, "Thông báo lịch cắt điện")
    capsys.readouterr()
    assert main(["--config", cfg, "report", "--text", MESSAGE]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first == ("Phản ánh đã lưu nhưng CHƯA vào hàng chờ duyệt, chưa có số mục (mã tin 2): " + SHOWN_TITLE), out
    assert "#" not in first, first


def test_a_decomposed_title_is_cut_where_the_composed_one_is() -> None:
    """Some phones send NFD: counted by code points, the title was cut ~20 letters early."""
    import unicodedata

    from crawler.commands import _title_line

    title = ("TIN NÓNG: Ủy ban phường thông báo lịch tiêm chủng mở rộng cho trẻ em dưới năm tuổi, kêu gọi bà con "
             "tham gia rất đông đủ và đúng giờ")
    composed = _title_line(title)
    assert composed.endswith("…") and _title_line(unicodedata.normalize("NFD", title)) == composed
