"""Small things officers read: times (the year shown when it is not this year) and why a file could not be
read or written (in Vietnamese, not the system's English)."""

from __future__ import annotations

import errno
from datetime import UTC, datetime, timedelta
from pathlib import Path

from classifier.os_errors import reason_vi
from review.vi import VN_TZ, hhmm


def test_times_show_the_year_only_when_it_is_not_this_year() -> None:
    now = datetime.now(VN_TZ)
    assert hhmm(now) == now.strftime("%H:%M")
    yesterday = now - timedelta(days=1)
    if yesterday.year == now.year:
        assert hhmm(yesterday) == yesterday.strftime("%d/%m %H:%M")
    old = datetime(2019, 3, 4, 1, 30, tzinfo=UTC)  # 08:30 in Vietnam
    assert hhmm(old) == "04/03/2019 08:30"
    assert hhmm(now - timedelta(days=400)).count("/") == 2


def test_file_errors_read_in_vietnamese(tmp_path: Path) -> None:
    try:
        (tmp_path / "khong-co" / "x.csv").write_text("x")
    except OSError as exc:
        assert reason_vi(exc) == "không có tệp hoặc thư mục này"
    assert reason_vi(PermissionError(errno.EACCES, "Permission denied")) == "không có quyền truy cập"
    assert reason_vi(OSError(errno.ENOSPC, "No space left on device")) == "hết dung lượng đĩa"
    assert reason_vi(OSError(errno.ECONNRESET, "Connection reset by peer")) == "Connection reset by peer"


def test_cli_says_why_an_output_file_cannot_be_written_in_vietnamese(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from crawler.cli import main

    data = tmp_path / "in.jsonl"
    data.write_text('{"text": "Chuyển khoản ngay để nhận quà"}\n', encoding="utf-8")
    code = main(["classify", "--input", str(data), "--output", str(tmp_path / "khong-co" / "out.jsonl")])
    err = capsys.readouterr().err
    assert code != 0 and "không có tệp hoặc thư mục này" in err and "No such file" not in err, err
