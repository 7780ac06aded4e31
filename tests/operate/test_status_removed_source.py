"""`canhgac status` warns about (and exits 1 for) a failing source only while it is configured and enabled: taking
a broken source out of the configuration, or switching it off (`enabled = false`), is what an officer does about
it, and nothing will ever run it again to reset its streak — the check used to stay red for ever. The source is
still shown, marked "(bỏ cấu hình)" or "(đang tắt)"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.cli import main
from review.config import load_config
from review.models import Source
from review.store import Store
from tests.operate.test_status_attention import SOURCE

OTHER = """[[sources]]
name = "cong-xa"
kind = "rss"
urls = ["https://cong-xa.example.vn/rss"]
"""


@pytest.mark.parametrize(("later", "mark"), [("", "(bỏ cấu hình)"), (OTHER + "enabled = false\n", "(đang tắt)")],
                         ids=["removed", "disabled"])
def test_a_source_taken_out_of_the_configuration_does_not_keep_status_failing(
        store: Store, db_url: str, write_config, capsys: pytest.CaptureFixture[str], later: str,  # type: ignore[no-untyped-def]
        mark: str) -> None:
    path: Path = write_config(f'[database]\nurl = "{db_url}"\n' + SOURCE + OTHER)
    store.sync_sources(load_config(str(path)).sources)
    with store.session() as s:  # cong-xa failed five times in a row
        s.query(Source).filter_by(name="cong-xa").one().consecutive_failures = 5
    capsys.readouterr()
    assert main(["--config", str(path), "status"]) == 1  # while configured, it is warned about
    assert "CẢNH BÁO: nguồn lỗi" in capsys.readouterr().out
    path.write_text(f'[database]\nurl = "{db_url}"\n' + SOURCE + later, encoding="utf-8")  # the officer drops it
    code = main(["--config", str(path), "status"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"cong-xa {mark}" in out and "CẢNH BÁO" not in out, out
    assert main(["--config", str(path), "status", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["warnings"] == [] and shown["failing"] == [], shown
    assert {s["name"]: s["consecutive_failures"] for s in shown["sources"]}["cong-xa"] == 5
