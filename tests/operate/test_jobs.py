"""The daemon's job functions called directly, as plain functions of (config, store)."""

from __future__ import annotations

import logging

import pytest

from crawler import jobs
from review.config import parse_config
from review.store import Store


def test_retrain_job_reports_and_never_activates(store: Store, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n[daemon]\nretrain_weekly = true\n')
    with caplog.at_level(logging.INFO, logger="canhgac.jobs"):
        jobs.retrain(cfg, store)
    text = caplog.text
    assert "retrain: Chưa có quyết định nào để học" in text and "not active until a person activates it" in text


def test_digest_jobs_do_nothing_without_smtp(store: Store, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n[digest]\nrecipients = ["a@so.example.vn"]\n')
    with caplog.at_level(logging.INFO, logger="canhgac.jobs"):
        jobs.weekly_digest(cfg, store)
        jobs.retry_digests(cfg, store)
    assert "weekly digest skipped" in caplog.text
    assert store.digest_deliveries() == []
