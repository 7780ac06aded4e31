"""Moderator names are compared NFC-normalised, stripped and case-insensitively; the name recorded is always
the one configured (in NFC), so the same person never appears under two spellings."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from review.config import parse_config
from review.errors import ConfigError
from review.models import AuditLog, ReviewEntry
from review.store import Store
from tests.review.factory import config_file, flagged

HUNG = unicodedata.normalize("NFC", "Nguyễn Văn Hùng")
HUNG_NFD = unicodedata.normalize("NFD", HUNG)
CLI = Callable[..., tuple[int, str, str]]


def _recorded(store: Store, entry: int) -> tuple[str | None, list[str]]:
    with store.session() as s:
        claimant = s.get_one(ReviewEntry, entry).claimant
        actors = list(s.scalars(select(AuditLog.actor).where(AuditLog.entry_id == entry).order_by(AuditLog.id)))
    return claimant, actors


def _run(cfg: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config", str(cfg), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_nfd_name_after_as_claims_under_the_configured_name(store: Store, tmp_path: Path, db_url: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert HUNG != HUNG_NFD
    cfg = config_file(tmp_path, db_url, moderators=("lan", "minh", HUNG))
    entry = flagged(store, "Chuyển khoản ngay nhận quà")
    code, out, err = _run(cfg, capsys, "--as", HUNG_NFD, "claim", str(entry))
    assert code == 0, err
    assert _recorded(store, entry) == (HUNG, [HUNG])
    code, out, err = _run(cfg, capsys, "--as", HUNG, "release", str(entry))  # the same person, NFC this time
    assert code == 0, err
    assert _recorded(store, entry) == (None, [HUNG, HUNG])


def test_nfd_name_in_canhgac_moderator(store: Store, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config_file(tmp_path, db_url, moderators=("lan", HUNG))
    entry = flagged(store, "Tin giả về dịch bệnh", "misinformation")
    monkeypatch.setenv("CANHGAC_MODERATOR", HUNG_NFD)
    code, _, err = _run(cfg, capsys, "claim", str(entry))
    assert code == 0, err
    assert _recorded(store, entry) == (HUNG, [HUNG])


def test_nfd_name_in_the_config_is_recorded_in_nfc(store: Store, tmp_path: Path, db_url: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config_file(tmp_path, db_url, moderators=("lan", HUNG_NFD))
    assert HUNG_NFD in cfg.read_text(encoding="utf-8")
    first, second = flagged(store, "Chuyển khoản ngay nhận quà"), flagged(store, "Việc nhẹ lương cao")
    code, _, err = _run(cfg, capsys, "--as", HUNG, "claim", str(first))
    assert code == 0, err
    code, _, err = _run(cfg, capsys, "--as", HUNG_NFD, "claim", str(second))
    assert code == 0, err
    assert _recorded(store, first) == (HUNG, [HUNG])
    assert _recorded(store, second) == (HUNG, [HUNG])
    code, out, _ = _run(cfg, capsys, "config", "check")
    assert code == 0 and HUNG in out and HUNG_NFD not in out


@pytest.mark.parametrize("typed", ["LAN", " lan ", "Lan"])
def test_case_and_spaces_do_not_matter_and_the_configured_spelling_is_recorded(
        typed: str, store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản ngay nhận quà")
    code, out, err = cli("--as", typed, "claim", str(entry))
    assert code == 0, err
    assert _recorded(store, entry) == ("lan", ["lan"])
    code, _, err = cli("--as", "lan", "release", str(entry))  # the holder is the same person
    assert code == 0, err


def test_vietnamese_capitals_match_too(store: Store, tmp_path: Path, db_url: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config_file(tmp_path, db_url, moderators=(HUNG,))
    entry = flagged(store, "Chuyển khoản ngay nhận quà")
    code, _, err = _run(cfg, capsys, "--as", unicodedata.normalize("NFD", HUNG.upper()), "claim", str(entry))
    assert code == 0, err
    assert _recorded(store, entry) == (HUNG, [HUNG])


def test_someone_else_is_still_refused(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Chuyển khoản ngay nhận quà")
    code, _, err = cli("--as", "lanh", "claim", str(entry))
    assert code == 2 and "'lanh' không phải cán bộ duyệt (được phép: lan, minh)" in err
    assert _recorded(store, entry) == (None, [])


@pytest.mark.parametrize(("names", "shown"), [
    ('"Lan", "minh", "lan"', "'lan'"),
    (f'"{HUNG}", "minh", "{HUNG_NFD}"', repr(HUNG)),
    (f'"{HUNG}", "{HUNG.lower()}"', repr(HUNG.lower())),
    ('"lan", " lan"', "'lan'"),
])
def test_duplicate_moderators_are_a_config_error(names: str, shown: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(f'[database]\nurl = "sqlite:///x.db"\n\n[review]\nmoderators = [{names}]\n', "c.toml")
    assert (info.value.file, info.value.key, info.value.line) == ("c.toml", "review.moderators", 5)
    assert "trùng tên cán bộ duyệt" in info.value.reason and shown in info.value.reason


def test_duplicate_on_its_own_line_is_named_by_that_line() -> None:
    body = '[review]\nmoderators = [\n  "Lan",\n  "minh",\n  "lan",\n]\n'
    with pytest.raises(ConfigError) as info:
        parse_config(body, "c.toml")
    assert (info.value.key, info.value.line) == ("review.moderators", 5)


def test_config_check_refuses_duplicate_moderators(write_config, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path = write_config('[database]\nurl = "sqlite:///x.db"\n\n[review]\nmoderators = ["Lan", "lan"]\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"{path}:5" in err and "review.moderators" in err and "trùng tên cán bộ duyệt" in err
