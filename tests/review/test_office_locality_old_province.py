"""`[review] locality` naming a province from before the 1 July 2025 merger ranks the items about the province it is
now part of as local (+10), and `config check` says which province it read, naming the file and line.

Items are tagged with the 34 current provinces ("Quảng Ngãi", "Phường Kon Tum, Quảng Ngãi"), so an office that
still wrote "Kon Tum", "Hà Giang" or "Bình Dương" got no local ranking at all. Ward-level settings keep working:
a ward named like an old province ("Phường Kon Tum") stays that ward. Tags come from the real locality tagger;
real config file, real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier.locality import find_localities
from review.config import load_config
from review.models import ReviewEntry
from review.store import Store
from tests.review.factory import FakeResult, add_item

CLI = Callable[..., tuple[int, str, str]]
KON_TUM_WARD = "Lừa đảo chuyển khoản ở phường Kon Tum, tỉnh Quảng Ngãi"
DAK_HA = "Lừa đảo chuyển khoản ở xã Đăk Hà, tỉnh Quảng Ngãi"
ELSEWHERE = "Lừa đảo chuyển khoản ở phường Hoàn Kiếm, Hà Nội"


def _set_locality(cfg: Path, value: str) -> None:
    text = cfg.read_text(encoding="utf-8")
    assert 'locality = "Hà Nội"' in text
    cfg.write_text(text.replace('locality = "Hà Nội"', f'locality = "{value}"'), encoding="utf-8")


def _local(store: Store, cfg: Path, text: str) -> bool:
    """Whether an item with `text` (tagged by the real tagger) gets the locality bonus under `cfg`'s setting."""
    office = load_config(str(cfg)).review.locality
    plain = add_item(store, text, locality=list(find_localities(text)))
    entry = store.record_score(plain, FakeResult({"scam": 0.9}, ("scam",)), office_locality=office)
    same = add_item(store, text, locality=[])  # the same item, told nothing about where it is: never local
    other = store.record_score(same, FakeResult({"scam": 0.9}, ("scam",)), office_locality=office)
    with store.session() as s:
        mine, base = (s.scalar(select(ReviewEntry.priority).where(ReviewEntry.id == e)) for e in (entry, other))
    assert mine is not None and base is not None
    return mine - base > 9.0  # the +10 bonus (the two were queued a moment apart: aging moves a fraction)


def test_the_tags_are_the_new_province() -> None:
    assert set(find_localities(DAK_HA)) == {"Xã Đăk Hà, Quảng Ngãi", "Quảng Ngãi"}


@pytest.mark.parametrize("setting", ["Kon Tum", "Tỉnh Kon Tum", "tinh kon tum", "TP. Kon Tum"])
def test_an_old_province_ranks_its_new_province_first(store: Store, cfg: Path, setting: str) -> None:
    _set_locality(cfg, setting)
    assert load_config(str(cfg)).review.locality == "Quảng Ngãi"
    assert _local(store, cfg, DAK_HA)
    assert _local(store, cfg, KON_TUM_WARD)
    assert not _local(store, cfg, ELSEWHERE)


@pytest.mark.parametrize(("setting", "now"), [("Hà Giang", "Tuyên Quang"), ("Bình Dương", "Thành phố Hồ Chí Minh"),
                                             ("Thừa Thiên Huế", "Thành phố Huế"), ("Bà Rịa - Vũng Tàu",
                                                                                   "Thành phố Hồ Chí Minh"),
                                             ("Bắc Cạn", "Thái Nguyên")])
def test_other_old_provinces(store: Store, cfg: Path, setting: str, now: str) -> None:
    _set_locality(cfg, setting)
    assert load_config(str(cfg)).review.locality == now


def test_config_check_names_the_file_line_and_new_province(cfg: Path, cli: CLI) -> None:
    _set_locality(cfg, "Kon Tum")
    line = next(i for i, t in enumerate(cfg.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("locality"))
    code, out, err = cli("config", "check")
    assert code == 0, err
    notes = [t for t in out.splitlines() if "review.locality" in t]
    assert len(notes) == 1, out
    assert f"lưu ý: {cfg}:{line}, khoá 'review.locality'" in notes[0], out
    assert '"Kon Tum" là tên tỉnh trước khi sáp nhập' in notes[0] and "thuộc Quảng Ngãi" in notes[0], out
    assert 'ghi locality = "Quảng Ngãi"' in notes[0], out


@pytest.mark.parametrize("setting", ["Hà Nội", "Tỉnh Nghệ An", "Huế", "Tuyên Quang", "Phường Kon Tum",
                                     "Phường Bình Dương"])
def test_current_names_and_wards_are_kept_without_a_note(cfg: Path, cli: CLI, setting: str) -> None:
    _set_locality(cfg, setting)
    assert load_config(str(cfg)).review.locality == setting
    code, out, err = cli("config", "check")
    assert code == 0, err
    assert "review.locality" not in out, out


def test_a_ward_named_like_an_old_province_stays_that_ward(store: Store, cfg: Path) -> None:
    _set_locality(cfg, "Phường Kon Tum")
    assert _local(store, cfg, KON_TUM_WARD)
    assert not _local(store, cfg, DAK_HA)  # elsewhere in Quảng Ngãi: not this ward's


def test_a_ward_with_its_old_province(store: Store, cfg: Path, cli: CLI) -> None:
    _set_locality(cfg, "Phường Kon Tum, Tỉnh Kon Tum")
    assert load_config(str(cfg)).review.locality == "Phường Kon Tum, Quảng Ngãi"
    assert _local(store, cfg, KON_TUM_WARD)
    assert not _local(store, cfg, ELSEWHERE)
    code, out, _ = cli("config", "check")
    assert code == 0 and re.search(r'"Tỉnh Kon Tum" là tên tỉnh trước khi sáp nhập.*thuộc Quảng Ngãi', out), out
