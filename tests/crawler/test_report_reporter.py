"""The reporter and note an officer types are stored cleaned: NFC (a name pasted from a phone may be NFD),
the reporter on one line, blanks around both dropped, terminal escape sequences gone. So a citizen's report
typed again with the name spelled in NFD is recognised as the same report, not recorded as a second one. The
real CLI, a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from review.models import AuditLog, Item
from review.store import Store

NO_MODEL = '\n[classifier]\nmodel = "no-model-here.skops"\n'
TEXT = "Bán thuốc giảm cân không rõ nguồn gốc qua livestream, cam kết giảm 10 kg trong một tuần, liên hệ 0901234567"
NAME = "Nguyễn Thị Hoa, 0912 345 678"


@pytest.fixture
def cfg(tmp_path: Path, db_url: str) -> Path:
    Store.open(db_url, create=True).close()
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n' + NO_MODEL, encoding="utf-8")
    return path


def test_the_same_report_with_the_reporter_typed_in_nfd_is_one_report(cfg: Path, db_url: str,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cfg), "report", "--text", TEXT, "--reporter", NAME]) == 0
    nfd = unicodedata.normalize("NFD", NAME)
    assert nfd != NAME
    assert main(["--config", str(cfg), "report", "--text", TEXT, "--reporter", f"  {nfd}\n"]) == 0
    out = capsys.readouterr().out
    assert "đã có từ trước" in out, out
    store = Store.open(db_url)
    try:
        with store.session() as s:
            [extra] = list(s.scalars(select(Item.extra)))
            reports = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "report"))
    finally:
        store.close()
    assert extra["reporter"] == NAME and reports == 0


def test_reporter_and_note_are_stored_clean(cfg: Path, db_url: str) -> None:
    assert main(["--config", str(cfg), "report", "--text", TEXT, "--reporter", "Anh\tBa\r\n 0987\x1b[31m",
                 "--note", unicodedata.normalize("NFD", " gọi lúc 9h\r\nđã chuyển tiền\x1b[0m \n")]) == 0
    store = Store.open(db_url)
    try:
        with store.session() as s:
            [extra] = list(s.scalars(select(Item.extra)))
    finally:
        store.close()
    assert extra["reporter"] == "Anh Ba 0987 [31m" and extra["note"] == "gọi lúc 9h\nđã chuyển tiền[0m"


def test_a_blank_reporter_is_no_reporter(cfg: Path, db_url: str) -> None:
    assert main(["--config", str(cfg), "report", "--text", TEXT, "--reporter", "   ", "--note", " \n "]) == 0
    store = Store.open(db_url)
    try:
        with store.session() as s:
            [extra] = list(s.scalars(select(Item.extra)))
    finally:
        store.close()
    assert "reporter" not in extra and "note" not in extra


def test_invisible_format_characters_around_a_reporter_do_not_make_a_second_reporter(cfg: Path, db_url: str) -> None:
    # a contact copied on an iPhone comes wrapped in bidi marks (U+202A … U+202C); a zero-width space or a BOM is
    # invisible too: kept, "Nguyễn Thị Hoa" would be a second, different reporter of the same report
    assert main(["--config", str(cfg), "report", "--text", TEXT, "--reporter", NAME]) == 0
    marked = f"\u202a{NAME[:7]}\u200b{NAME[7:]}\u202c\ufeff"
    assert main(["--config", str(cfg), "report", "--text", TEXT, "--reporter", marked]) == 0
    store = Store.open(db_url)
    try:
        with store.session() as s:
            [extra] = list(s.scalars(select(Item.extra)))
            reports = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "report"))
    finally:
        store.close()
    assert extra["reporter"] == NAME and reports == 0, (extra, reports)


def test_line_separators_in_a_note_are_line_breaks(cfg: Path, db_url: str) -> None:
    # NEL, LINE/PARAGRAPH SEPARATOR and form feed end a line (a note pasted from a Word file or a web form): deleted,
    # "dòng 1dòng 2" would glue two words into one; invisible format characters go
    note = "\u202adòng 1\x85dòng 2\u2028dòng 3\u2029dòng 4\x0cdòng\u200b 5\u202c"
    assert main(["--config", str(cfg), "report", "--text", TEXT, "--note", note]) == 0
    store = Store.open(db_url)
    try:
        with store.session() as s:
            [extra] = list(s.scalars(select(Item.extra)))
    finally:
        store.close()
    assert extra["note"] == "dòng 1\ndòng 2\ndòng 3\ndòng 4\ndòng 5", extra
