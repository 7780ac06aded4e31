"""`canhgac config check` with a [classifier] rules path that names no readable file (a typo, a file not copied
to this worker, a folder). The crawl's scorer cannot load it either (`crawler.pipelines.score.load_scorer` logs
"scoring is off" and every page is stored unscored), so config check must not call that configuration valid: exit
2 naming the file, as for a rules file that does not parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main


def _config(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "c.db"}"\n\n[classifier]\nrules = "{rules}"\n',
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("rules", ["quy-tắc-của-tỉnh.toml", "thư mục quy tắc"])
def test_config_check_refuses_a_rules_path_that_is_no_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           rules: str) -> None:
    if rules.startswith("thư mục"):
        (tmp_path / rules).mkdir()
    code = main(["--config", str(_config(tmp_path, rules)), "config", "check"])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Cấu hình hợp lệ" not in out, out
    assert f"tệp quy tắc {tmp_path / rules}" in err and "Traceback" not in err, err


def test_config_check_still_accepts_the_rules_file_once_it_is_there(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "quy-tắc-của-tỉnh.toml"
    rules.write_text('[[rule]]\nid = "scam.ctv"\ncategory = "scam"\nkeywords = ["tuyển cộng tác viên"]\n'
                     'weight = 0.5\n', encoding="utf-8")
    code = main(["--config", str(_config(tmp_path, rules.name)), "config", "check"])
    out, err = capsys.readouterr()
    assert code == 0 and "Cấu hình hợp lệ" in out, (out, err)
