"""`canhgac config check` is how an operator validates an edited configuration (README). It used to say "Cấu hình
hợp lệ" for a config whose [classifier] rules file did not load; the next crawl then logged "scoring is off" and
stored every page unscored. It now reads the rules file as the scorer does: exit 2 with the file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main

BROKEN = '[[rule]]\nid = "scam.ctv"\ncategory = "scams"\nkeywords = ["tuyển cộng tác viên"]\nweight = 0.5\n'


def _config(tmp_path: Path, rules: str) -> Path:
    (tmp_path / "my-rules.toml").write_text(rules, encoding="utf-8")
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "c.db"}"\n\n[classifier]\nrules = "my-rules.toml"\n',
                    encoding="utf-8")
    return path


def test_config_check_refuses_a_rules_file_that_does_not_load(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--config", str(_config(tmp_path, BROKEN)), "config", "check"])
    out, err = capsys.readouterr()
    assert code == 2, out
    assert f"tệp quy tắc {tmp_path / 'my-rules.toml'}, dòng 3" in err and "(có phải 'scam'?)" in err, err
    assert "Cấu hình hợp lệ" not in out


def test_config_check_accepts_the_fixed_rules_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--config", str(_config(tmp_path, BROKEN.replace('"scams"', '"scam"'))), "config", "check"])
    out, err = capsys.readouterr()
    assert code == 0 and "Cấu hình hợp lệ" in out, (out, err)


def test_config_check_notes_keywords_written_without_diacritics(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A keyword "lua dao" matches only text written without diacritics (classifier.rules): the file is valid, and
    the operator is told which keywords and where, so a rule that misses "lừa đảo" does not go unnoticed."""
    fixed = BROKEN.replace('"scams"', '"scam"').replace('["tuyển cộng tác viên"]', '["tuyen cong tac vien", "vape"]')
    code = main(["--config", str(_config(tmp_path, fixed)), "config", "check"])
    out, err = capsys.readouterr()
    assert code == 0 and "Cấu hình hợp lệ" in out, (out, err)
    notes = [line for line in out.splitlines() if line.startswith("  lưu ý: ")]
    assert len(notes) == 1 and f"tệp quy tắc {tmp_path / 'my-rules.toml'}, dòng 4" in notes[0], out
    assert "'tuyen cong tac vien'" in notes[0] and "vape" not in notes[0], notes
