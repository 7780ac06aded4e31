"""Which configuration file is read, how its bytes become text, and where its relative paths point.

`--config` wins over `CANHGAC_CONFIG` over `./canhgac.toml`; without any, the built-in defaults. The text must be
UTF-8 (a Notepad byte order mark is dropped, so line numbers stay the editor's), and relative paths count from
the file's folder so that crawls started elsewhere open the same database and model.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from classifier.os_errors import reason_vi
from review.config_sections import Config
from review.errors import ConfigError, UsageError

DEFAULT_CONFIG_NAME = "canhgac.toml"


def resolve_config_path(explicit: str | None = None) -> Path | None:
    """`--config` wins, then `CANHGAC_CONFIG`, then ./canhgac.toml if present; None means built-in defaults."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CANHGAC_CONFIG")
    if env:
        return Path(env)
    default = Path(DEFAULT_CONFIG_NAME)
    return default if default.exists() else None


def describe_origin(cfg: Config) -> str:
    """Where `cfg` came from, for operators: the file, or (in Vietnamese, like the other operator messages)
    that no file was found and the built-in defaults are in use."""
    if cfg.path:
        return cfg.path
    return (f"không tìm thấy tệp cấu hình ./{DEFAULT_CONFIG_NAME} (và không có --config hay CANHGAC_CONFIG): "
            "đang dùng cấu hình mặc định")


def no_config_file_vi() -> str:
    """The one line (stderr) of every command run on the built-in defaults because no file was found: where it looked
    and how to point at the office's file. Without it, a command run from the wrong folder quietly used a new empty
    database of its own there."""
    return (f"cảnh báo: không tìm thấy tệp cấu hình {Path.cwd() / DEFAULT_CONFIG_NAME} (và không có --config hay biến "
            "môi trường CANHGAC_CONFIG): đang dùng cấu hình mặc định, không phải của đơn vị; hãy chạy trong thư mục có "
            f"{DEFAULT_CONFIG_NAME} hoặc chỉ tới tệp: canhgac --config PATH ... hay CANHGAC_CONFIG=PATH")


def refuse_new_default_database(cfg: Config, command: str) -> None:
    """What `init`, `report`, `crawl` and `run` call before writing: on the built-in defaults (no config file) with
    their SQLite database not there yet, they refuse (UsageError, exit 2) instead of starting a stray database in
    whatever folder they were run from, which the office's queue never sees. An existing database (created on
    purpose earlier) is used, with `no_config_file_vi`'s line; a config file, even an empty one, says the defaults
    are meant."""
    if cfg.path:
        return
    url = cfg.database.url
    db = Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None
    if db is None or db.exists():
        return
    raise UsageError(f"`canhgac {command}` từ chối: không có tệp cấu hình nên sẽ ghi vào cơ sở dữ liệu mặc định {db} "
                     "chưa có (cơ sở dữ liệu mới, trống: hàng chờ của đơn vị sẽ không thấy những gì ghi vào đó); hãy chỉ tới tệp cấu hình của đơn vị "
                     f"(--config PATH hoặc CANHGAC_CONFIG=PATH). Nếu thật sự muốn dùng cấu hình mặc định ở thư mục "
                     f"này, hãy tạo tệp {DEFAULT_CONFIG_NAME} (để trống cũng được) rồi chạy lại")


def anchor_paths(cfg: Config, base: Path) -> Config:
    """Relative file paths in the configuration (a SQLite database, the model, the rules) made absolute from
    `base` — the config file's folder, or the working directory for the built-in defaults — so every process
    sees the same files: crawls run in subprocesses started in the project's folder, not the caller's."""
    url = cfg.database.url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        db = url[len("sqlite:///"):]
        if db and not db.startswith(":"):
            url = "sqlite:///" + str((base / db).resolve())

    def _abs(value: str) -> str:
        return str((base / value).resolve()) if value and not Path(value).is_absolute() else value

    return replace(cfg, database=replace(cfg.database, url=url),
                   classifier=replace(cfg.classifier, model=_abs(cfg.classifier.model),
                                      rules=_abs(cfg.classifier.rules)))



def read_config_text(path: Path) -> str:
    """The text of a config file: UTF-8, a leading byte order mark dropped (Windows Notepad writes one), so
    line numbers are the editor's; UTF-16 (Notepad's "Unicode") and other encodings are refused, saying how to
    save the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("không tìm thấy tệp", file=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"không đọc được: {reason_vi(exc)}", file=str(path)) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:  # a BOM, or the zero bytes of ASCII
        raise ConfigError("tệp được lưu với bảng mã UTF-16 (Notepad gọi là \"Unicode\"), không phải UTF-8: hãy lưu "
                          "lại tệp với bảng mã UTF-8 (Notepad: File > Save As..., mục Encoding chọn UTF-8)",
                          file=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"không phải văn bản UTF-8 (byte không hợp lệ ở vị trí {exc.start}): hãy lưu lại tệp với "
                          "bảng mã UTF-8", file=str(path)) from None
