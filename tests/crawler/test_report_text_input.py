"""`canhgac report --text -` reads the pasted text from stdin, `--text-file FILE` from a file (a long text does
not fit on the command line), and a "text" with no letter or digit at all ("-", "...", spaces) is refused
instead of being filed as a citizen report. The real CLI in a subprocess, a real database (SQLite, and
PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.runner import PROJECT_DIR, crawl_env
from review.models import Item
from review.store import Store

NO_MODEL = '\n[classifier]\nmodel = "models/khong-co.skops"\n'  # scoring off: no model load per report
SENTENCE = ("Chúc mừng quý khách đã trúng thưởng 50 triệu đồng, vui lòng kết bạn Zalo 0987654321 và chuyển "
            "phí hồ sơ 500 nghìn đồng để nhận quà. ")
LONG_TEXT = "Nhận quà tri ân khách hàng qua Zalo\n" + SENTENCE * 1500  # ~200 KB: over Linux's 128 KiB per argument


@pytest.fixture
def cfg(tmp_path: Path, db_url: str) -> Path:
    Store.open(db_url, create=True).close()
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n' + NO_MODEL, encoding="utf-8")
    return path


def _report(cfg: Path, *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "report", *args],
                          cwd=PROJECT_DIR, env=crawl_env(None), input=stdin, capture_output=True, timeout=120)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def _texts(db_url: str) -> list[str]:
    store = Store.open(db_url)
    try:
        with store.session() as s:
            return list(s.scalars(select(Item.text)))
    finally:
        store.close()


def test_text_dash_reads_the_report_from_stdin(cfg: Path, db_url: str) -> None:
    code, out, err = _report(cfg, "--text", "-", "--reporter", "Anh Minh", stdin=LONG_TEXT.encode("utf-8"))
    assert code == 0, (out, err)
    assert "Phản ánh" in out and "Nhận quà tri ân khách hàng qua Zalo" in out, out
    [text] = _texts(db_url)
    assert text != "-" and "kết bạn Zalo 0987654321" in text and len(text) > 100_000


def test_text_file_reads_the_report_from_a_file(cfg: Path, db_url: str, tmp_path: Path) -> None:
    pasted = tmp_path / "phan-anh.txt"
    pasted.write_text(LONG_TEXT, encoding="utf-8")
    code, out, err = _report(cfg, "--text-file", str(pasted))
    assert code == 0, (out, err)
    [text] = _texts(db_url)
    assert "kết bạn Zalo 0987654321" in text and len(text) > 100_000


def test_text_file_that_is_missing_is_a_usage_error(cfg: Path, db_url: str, tmp_path: Path) -> None:
    code, out, err = _report(cfg, "--text-file", str(tmp_path / "khong-co.txt"))
    assert code == 2, (out, err)
    assert "khong-co.txt" in err and "Traceback" not in err, err
    assert _texts(db_url) == []


def test_stdin_that_is_not_utf8_is_refused_naming_stdin(cfg: Path, db_url: str) -> None:
    code, out, err = _report(cfg, "--text", "-", stdin=b"B\xe1o c\xe1o l\xf9a \xf0\xe3o qua Zalo\n")  # a legacy 8-bit code page
    assert code == 2, (out, err)
    assert "stdin" in err and "UTF-8" in err and "Traceback" not in err, err
    assert _texts(db_url) == []


@pytest.mark.parametrize("text", ["...", "   ", "- ? !", "—"])
def test_text_without_letters_or_digits_is_refused(cfg: Path, db_url: str, text: str) -> None:
    code, out, err = _report(cfg, "--text", text)
    assert code == 2, (out, err)
    assert "Traceback" not in err and err.startswith("canhgac: "), err
    assert _texts(db_url) == []


@pytest.mark.parametrize("stdin", [b"-\n", b"", b" \n\t\n"], ids=["dash", "empty", "blank"])
def test_stdin_without_letters_or_digits_is_refused(cfg: Path, db_url: str, stdin: bytes) -> None:
    code, out, err = _report(cfg, "--text", "-", stdin=stdin)
    assert code == 2, (out, err)
    assert "stdin" in err and "Traceback" not in err, err
    assert _texts(db_url) == []


def test_dash_alone_is_never_filed_and_not_counted(cfg: Path, db_url: str) -> None:
    """The defect itself: `--text -` with nothing meant on stdin filed the literal "-" as a report."""
    code, out, err = _report(cfg, "--text", "-")
    assert code == 2, (out, err)
    assert "-" not in _texts(db_url)


@pytest.mark.parametrize("text", ["lừa đảo", "0987654321"])
def test_short_real_text_is_accepted(cfg: Path, db_url: str, text: str) -> None:
    code, out, err = _report(cfg, "--text", text)
    assert code == 0, (out, err)
    assert _texts(db_url) == [text]


def test_text_and_text_file_together_are_a_usage_error(cfg: Path, db_url: str, tmp_path: Path) -> None:
    pasted = tmp_path / "phan-anh.txt"
    pasted.write_text("lừa đảo", encoding="utf-8")
    code, out, err = _report(cfg, "--text", "lừa đảo", "--text-file", str(pasted))
    assert code == 2, (out, err)
    assert _texts(db_url) == []
