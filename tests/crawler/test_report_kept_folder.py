"""Where a citizen's report that could not be filed is kept (`crawler.report_kept`): a folder only the officer
can open — never one another user made or pointed elsewhere in the shared temporary folder, never the root or the
working folder when HOME is empty or relative — and kept even when the account has no home at all (a container run
as `--user 1001`, a systemd DynamicUser). Real files and folders; the real CLI for what the officer is told."""

from __future__ import annotations

import os
import pwd
import stat
import tempfile
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.report_kept import KEPT_DIR, keep_text
from review.store import Store

TEXT = "Chúc mừng quý khách đã trúng thưởng 50 triệu đồng, kết bạn Zalo 0987654321 để nhận quà."
SHARED_NAME = f"{KEPT_DIR}-{os.getuid()}"  # this officer's folder in the shared temporary folder


@pytest.fixture
def tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder keep_text falls back to (what $TMPDIR names), shared like /tmp: sticky, 1777."""
    where = tmp_path / "tmp"
    where.mkdir()
    where.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


@pytest.fixture
def no_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An account without a home: HOME unset and no passwd entry for the uid."""
    monkeypatch.delenv("HOME", raising=False)

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_entry)


def _config(tmp_path: Path) -> Path:
    Store.open(f"sqlite:///{tmp_path / 'canhgac.db'}", create=True).close()
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "canhgac.db"}"\n', encoding="utf-8")
    return cfg


def _private_dir(path: Path) -> bool:
    st = os.lstat(path)
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077 == 0


def _kept_in(folder: Path) -> Path:
    [kept] = folder.iterdir()
    assert kept.read_text(encoding="utf-8") == TEXT and stat.S_IMODE(kept.stat().st_mode) == 0o600
    return kept


def test_a_text_is_kept_when_the_account_has_no_home(tmp_path: Path, tmp: Path, no_home: None,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cfg = _config(tmp_path)
    # a usage error after the text was read: the officer is told the file, exit 2, no traceback
    assert main(["--config", str(cfg), "report", "javascript:alert(1)", "--text", TEXT]) == 2
    err = capsys.readouterr().err.strip()
    kept = _kept_in(tmp / SHARED_NAME)
    assert _private_dir(kept.parent)
    assert len(err.splitlines()) == 1 and str(kept) in err and "sửa lỗi trên rồi gửi lại" in err, err


@pytest.mark.parametrize("home", ["", "nha-rieng", "/"])
def test_an_empty_relative_or_root_home_is_not_used(home: str, tmp_path: Path, tmp: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # HOME="" made the home "/" (root wrote /canhgac-phan-anh-chua-ghi/), a relative one a folder in the cwd
    work = tmp_path / "lam-viec"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", home)
    kept = keep_text(TEXT)
    assert kept.parent == tmp / SHARED_NAME and _private_dir(kept.parent), kept
    assert list(work.iterdir()) == [] and not Path("/", KEPT_DIR).exists()


def test_when_nothing_can_be_written_the_original_error_is_still_told(tmp_path: Path, no_home: None,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "khong-co"))  # no temporary folder either
    cfg = _config(tmp_path)
    assert main(["--config", str(cfg), "report", "javascript:alert(1)", "--text", TEXT]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "http://" in err, err  # the usage error itself
    assert "CHƯA được ghi, và không lưu được nội dung vào tệp" in err and "hãy giữ lại nội dung" in err, err


def _plant(folder: Path, how: str, tmp_path: Path) -> Path:
    """`folder` made beforehand the way another user (or a mistake) could: a link elsewhere, open to all, or
    another user's; returns where a file put through it would land."""
    if how == "symlink":
        target = tmp_path / "cua-nguoi-khac"
        target.mkdir(mode=0o777)
        target.chmod(0o777)
        folder.symlink_to(target)
        return target
    folder.mkdir()
    if how == "open-to-all":
        folder.chmod(0o777)
    else:  # another user's, private to them
        folder.chmod(0o700)
        os.chown(folder, 65534, 65534)
    return folder


_PLANTED = ["symlink", "open-to-all",
            pytest.param("another-user", marks=pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root"))]


@pytest.mark.parametrize("how", _PLANTED)
def test_a_planted_shared_folder_is_not_used(how: str, tmp_path: Path, tmp: Path, no_home: None) -> None:
    landed = _plant(tmp / SHARED_NAME, how, tmp_path)
    kept = keep_text(TEXT)
    assert list(landed.iterdir()) == [], list(landed.iterdir())
    # a new folder of its own, made for this file
    assert kept.parent.parent == tmp and kept.parent.name.startswith("canhgac-phan-anh-"), kept
    assert kept.parent.name not in (SHARED_NAME, KEPT_DIR) and _private_dir(kept.parent)
    assert _kept_in(kept.parent) == kept


@pytest.mark.parametrize("how", _PLANTED)
def test_a_home_folder_that_is_not_private_is_not_used(how: str, tmp_path: Path, tmp: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    landed = _plant(home / KEPT_DIR, how, tmp_path)
    kept = keep_text(TEXT)
    assert list(landed.iterdir()) == [] and kept.parent == tmp / SHARED_NAME, kept
    assert _private_dir(kept.parent) and _kept_in(kept.parent) == kept


def test_the_folders_made_are_private_and_reused(tmp_path: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    first, second = keep_text(TEXT), keep_text(TEXT + " lần 2")
    assert first.parent == second.parent == tmp_path / "home" / KEPT_DIR and _private_dir(first.parent)
    monkeypatch.setenv("HOME", str(tmp_path / "tep"))
    (tmp_path / "tep").write_text("", encoding="utf-8")  # home cannot hold a folder: the shared temporary one
    third, fourth = keep_text(TEXT), keep_text(TEXT + " lần 3")
    assert third.parent == fourth.parent == tmp / SHARED_NAME and _private_dir(third.parent)
