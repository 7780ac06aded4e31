"""Edges of the command line found in review: the yearly workbook with a control character in a notable case's
title; output to a full disk (`canhgac queue > /dev/full`); Ctrl-C while the modules load; `--as` after `report`;
`config check` with digest recipients but no SMTP host. Real SQLite file (and PostgreSQL when configured), the
real CLI in a subprocess where the output stream or a signal is what is tested."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from crawler.runner import PROJECT_DIR, crawl_env
from review.models import AuditLog
from review.store import Store
from review.types import utcnow
from review.vi import VN_TZ
from tests.operate.seed import add_flagged

CLI = Callable[..., tuple[int, str, str]]
FULL_DISK = "canhgac: không ghi được kết quả ra đầu ra chuẩn: hết dung lượng đĩa\n"
REPORT = ("Chúc mừng quý khách đã trúng thưởng 50 triệu đồng, vui lòng kết bạn Zalo 0987654321 và chuyển phí hồ sơ "
          "500 nghìn đồng để nhận quà.")


def _canhgac(cfg: Path, *args: str, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), *args], cwd=PROJECT_DIR,
                          env=crawl_env(None), stdout=stdout, stderr=subprocess.PIPE, timeout=120, check=False)


def test_yearly_summary_with_control_characters_in_a_title(store: Store, cli: CLI, tmp_path: Path) -> None:
    now = utcnow()
    year = now.astimezone(VN_TZ).year
    add_flagged(store, title="\x1b[31mLừa đảo\x0b trúng thưởng\x07", category="scam", at=now, verdict="violation",
                decided_at=now, source="=nguon\x1f")
    out = tmp_path / "tong-ket.xlsx"
    code, _, err = cli("export", "summary", "--year", str(year), "--output", str(out))
    assert code == 0, err
    wb = load_workbook(out, read_only=True)
    [row] = list(wb["Vụ việc nổi bật"].iter_rows(min_row=2, values_only=True))
    *sources, total = [r[0] for r in wb["Theo nguồn"].iter_rows(min_row=2, values_only=True)]
    wb.close()
    assert "\ufffd[31mLừa đảo\ufffd trúng thưởng\ufffd" in row, row
    assert "'=nguon\ufffd" in row and sources == ["'=nguon\ufffd"] and total == "Tổng cộng", (row, sources)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("queue",), ("status", "--json"), ("show", "{entry}"), ("queue", "--json")])
def test_output_to_a_full_disk_is_one_line(store: Store, cfg: Path, args: tuple[str, ...]) -> None:
    entry = add_flagged(store, title="Quảng cáo thuốc chữa bách bệnh", category="illegal_ad", at=utcnow())
    with open("/dev/full", "wb") as full:
        proc = _canhgac(cfg, *(a.format(entry=entry) for a in args), stdout=full)
    assert (proc.returncode, proc.stderr.decode("utf-8")) == (2, FULL_DISK)


def test_a_failing_file_of_the_command_is_not_called_full_output(cfg: Path, tmp_path: Path) -> None:
    """Only our output's failures are reported as such: an OSError of a file the command opens is the command's."""
    proc = _canhgac(cfg, "export", "items", "--output", str(tmp_path / "khong-co" / "x.csv"))
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2 and "đầu ra chuẩn" not in err and "không có tệp hoặc thư mục này" in err, err


CTRL_C_WHILE_LOADING = """
import os, signal, sys

class CtrlC:
    # Ctrl-C pressed while the command's modules load: a real SIGINT when SQLAlchemy is first imported
    def find_spec(self, name, path=None, target=None):
        if name == "sqlalchemy":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
from crawler.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_while_the_modules_load(cfg: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_LOADING, "--config", str(cfg), "queue"],
                          cwd=PROJECT_DIR, env=crawl_env(None), capture_output=True, timeout=120, check=False)
    assert (proc.returncode, proc.stderr.decode("utf-8"), proc.stdout) == (130, "canhgac: đã dừng (Ctrl-C)\n", b"")


def test_report_takes_as_after_the_command(store: Store, cli: CLI) -> None:
    code, out, err = cli("report", "--text", REPORT, "--reporter", "Chị Hoa")
    assert code == 0, err
    code, out, err = cli("report", "--text", REPORT, "--reporter", "Anh Nam", "--as", "Minh")
    assert code == 0 and "gộp vào mục" in out, (out, err)
    with store.session() as s:
        actors = list(s.scalars(select(AuditLog.actor).where(AuditLog.action == "report")))
    assert actors == ["minh"]  # the configured spelling of the moderator named after the command
    code, out, err = cli("--as", "lan", "report", "--text", REPORT, "--reporter", "Cô Mai", "--as", "minh")
    assert code == 0, err
    with store.session() as s:
        actors = list(s.scalars(select(AuditLog.actor).where(AuditLog.action == "report").order_by(AuditLog.id)))
    assert actors == ["minh", "minh"]  # given in both places, the one after the command counts, as for decide


def test_config_check_warns_of_recipients_without_smtp_host(cfg: Path, cli: CLI) -> None:
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text + '\n[digest]\nrecipients = ["vanhoa@sovhtt.gov.vn", "lan@sovhtt.gov.vn"]\n',
                   encoding="utf-8")
    code, out, err = cli("config", "check")
    assert code == 0, err
    assert ("  cảnh báo: [digest] recipients có 2 người nhận nhưng [smtp] host chưa cấu hình: bản tin tuần sẽ không "
            "được gửi cho ai; hãy điền [smtp] host (máy chủ gửi thư)") in out.splitlines(), out

    cfg.write_text(text + '\n[digest]\nrecipients = ["vanhoa@sovhtt.gov.vn"]\n\n[smtp]\nhost = "mail.sovhtt.gov.vn"\n',
                   encoding="utf-8")
    code, out, err = cli("config", "check")
    assert code == 0 and "cảnh báo" not in out, (out, err)
    cfg.write_text(text, encoding="utf-8")  # no recipients: nothing to send, nothing to warn about
    code, out, err = cli("config", "check")
    assert code == 0 and "cảnh báo" not in out, (out, err)
