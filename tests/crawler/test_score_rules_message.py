"""A crawl whose rules file does not load stores its pages unscored with one log line. It said "cannot load the
model" (the RulesError after it names the rules file): an operator looking at the bundled model, which is fine,
was sent the wrong way. It now says the rules file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from crawler.pipelines.score import load_scorer
from review.config import parse_config
from review.store import Store


def test_a_broken_rules_file_is_named_as_the_reason_scoring_is_off(db_url: str, tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    rules = tmp_path / "my-rules.toml"
    rules.write_text('[[rule]]\nid = "x"\ncategory = "scams"\nkeywords = ["nạp tiền"]\n', encoding="utf-8")
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n\n[classifier]\nrules = "{rules}"\n')
    store = Store.open(db_url, create=True)
    try:
        with caplog.at_level(logging.ERROR):
            assert load_scorer(cfg.classifier, store) == (None, None)
    finally:
        store.close()
    lines = [r.getMessage() for r in caplog.records if "scoring is off" in r.getMessage()]
    assert len(lines) == 1 and lines[0].startswith(f"scoring is off: cannot load the rules file: tệp quy tắc {rules}"), lines
    assert "the model" not in lines[0]
