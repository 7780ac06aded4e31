"""`[[sources]] locality` naming a province from before the 1 July 2025 merger is read as the province it is now part
of, as `[review] locality` is (`review/config_locality.py`), and `config check` says so, naming file, line and key.

A source's locality is put on every item it collects (`crawler/spiders/base.py`); "Tỉnh Kon Tum" there matched
none of the 34-province tags, so an office in Quảng Ngãi never ranked that source's items as local. Real config
files, a real crawl of the demo site on 127.0.0.1 into a real database (SQLite, and PostgreSQL when
CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from crawler.demo_site.server import DemoSite, serve
from crawler.runner import run_source
from review.config import load_config
from review.models import Item, ReviewEntry, Source
from review.store import Store
from tests.review.factory import FakeResult, add_item

CLI = Callable[..., tuple[int, str, str]]
CRAWLER = """
[crawler]
user_agent = "canhgac-test/0.1"
contact = "mailto:vhtt@example.vn"
autothrottle = false
download_timeout_s = 30
crawl_timeout_s = 600
allow_private_hosts = true  # the demo site is on 127.0.0.1
"""


def _config(tmp_path: Path, db_url: str, locality: str, *, base_url: str = "https://so-vhttdl.example.vn",
            office: str = "Quảng Ngãi") -> Path:
    """A config with the office in `office` and two feed sources, the second one in `locality`."""
    path = tmp_path / "canhgac.toml"
    b = base_url.rstrip("/")
    path.write_text(f'[database]\nurl = "{db_url}"\n{CRAWLER}\n[review]\nmoderators = ["lan"]\nlocality = "{office}"\n'
                    f'\n[[sources]]\nname = "bao-ha-noi"\nkind = "rss"\nurls = ["{b}/ha-noi/rss.xml"]\n'
                    f'locality = "Hà Nội"\n'
                    f'\n[[sources]]\nname = "so-vhttdl-rss"\nkind = "rss"\nurls = ["{b}/tin-tuc/rss.xml"]\n'
                    f'official = true\nlocality = "{locality}"\n', encoding="utf-8")
    return path


def _line(path: Path, text: str) -> int:
    return next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if t == text)


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    code = main(["--config", str(path), "config", "check"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.fixture
def site() -> Iterator[DemoSite]:
    s = serve()
    yield s
    s.close()


@pytest.mark.parametrize(("setting", "now"), [("Kon Tum", "Quảng Ngãi"), ("Tỉnh Kon Tum", "Quảng Ngãi"),
                                             ("tinh kon tum", "Quảng Ngãi"), ("Bình Dương", "Thành phố Hồ Chí Minh"),
                                             ("Tỉnh Hà Giang", "Tuyên Quang"),
                                             ("Phường Kon Tum, Tỉnh Kon Tum", "Phường Kon Tum, Quảng Ngãi")])
def test_a_source_in_an_old_province_is_read_as_its_new_one(tmp_path: Path, db_url: str, setting: str,
                                                            now: str) -> None:
    sources = load_config(str(_config(tmp_path, db_url, setting))).sources
    assert [s.locality for s in sources] == ["Hà Nội", now]


def test_config_check_names_the_file_line_and_key(tmp_path: Path, db_url: str, store: Store,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, db_url, "Tỉnh Kon Tum")
    out = _check(path, capsys)
    notes = [t for t in out.splitlines() if "locality" in t and "lưu ý" in t]
    assert len(notes) == 1, out
    line = _line(path, 'locality = "Tỉnh Kon Tum"')
    assert f"lưu ý: {path}:{line}, khoá 'sources[1].locality' (nguồn so-vhttdl-rss)" in notes[0], out
    assert '"Tỉnh Kon Tum" là tên tỉnh trước khi sáp nhập; từ 01/07/2025 thuộc Quảng Ngãi' in notes[0], out
    assert 'ghi locality = "Quảng Ngãi"' in notes[0], out


def test_an_inline_sources_array_is_named_by_its_line(tmp_path: Path, db_url: str, store: Store,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "canhgac.toml"
    path.write_text(f'sources = [\n  {{ name = "a", kind = "rss", urls = ["https://a.example.vn/rss"] }},\n'
                    f'  {{ name = "b", kind = "rss", urls = ["https://b.example.vn/rss"], locality = "Bình Dương" }},\n'
                    f']\n\n[database]\nurl = "{db_url}"\n', encoding="utf-8")
    out = _check(path, capsys)
    assert re.search(rf"lưu ý: {re.escape(str(path))}:3, khoá 'sources\[1\].locality' \(nguồn b\): \"Bình Dương\" "
                     r"là tên tỉnh trước khi sáp nhập; từ 01/07/2025 thuộc Thành phố Hồ Chí Minh", out), out
    assert load_config(str(path)).sources[1].locality == "Thành phố Hồ Chí Minh"


@pytest.mark.parametrize("setting", ["Nghệ An", "Tỉnh Nghệ An", "Huế", "Tuyên Quang", "Phường Kon Tum",
                                     "Phường Bình Dương", ""])
def test_current_names_and_wards_are_kept_without_a_note(tmp_path: Path, db_url: str, store: Store, setting: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, db_url, setting)
    assert load_config(str(path)).sources[1].locality == setting
    assert "locality" not in _check(path, capsys)


def test_a_crawled_item_of_a_kon_tum_source_is_local_to_quang_ngai(tmp_path: Path, db_url: str, store: Store,
                                                                   site: DemoSite) -> None:
    """The demo feed crawled for real: its items carry the new province, the source row too, and they rank +10 for
    an office in Quảng Ngãi (but not for one in Hà Nội)."""
    path = _config(tmp_path, db_url, "Tỉnh Kon Tum", base_url=site.base_url)
    out = run_source(str(path), "so-vhttdl-rss", 600, log_path=tmp_path / "crawl.log",
                     settings={"CANHGAC_SCORE_ENABLED": "0"})
    assert out.ok and out.items_new > 0, out.message
    with store.session() as s:
        tags = {tuple(i.locality) for i in s.scalars(select(Item))}
        row = s.scalars(select(Source).where(Source.name == "so-vhttdl-rss")).one()
        crawled = s.scalars(select(Item.id)).first()
        assert row.locality == "Quảng Ngãi"
    assert tags == {("Quảng Ngãi",)}
    assert crawled is not None

    def bonus(item_id: int, office: str) -> float:
        nowhere = add_item(store, "tin không rõ nơi")  # the same score, no place: never local
        entries = [store.record_score(i, FakeResult({"scam": 0.9}, ("scam",)), office_locality=office)
                   for i in (item_id, nowhere)]
        with store.session() as s:
            mine, base = (s.scalar(select(ReviewEntry.priority).where(ReviewEntry.id == e)) for e in entries)
        assert mine is not None and base is not None
        return mine - base

    assert bonus(crawled, load_config(str(path)).review.locality) > 9.0  # the +10 (aging moves a fraction)
    other = add_item(store, "tin cùng nguồn", locality=["Quảng Ngãi"])
    assert bonus(other, "Hà Nội") < 1.0
