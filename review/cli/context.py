"""What every command handler receives: the parsed config and store, opened lazily, and the streams."""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from review.config import Config, load_config
from review.errors import UsageError

if TYPE_CHECKING:
    from review.store import Store

Handler = Callable[[argparse.Namespace, "Context"], int]
Subparsers = "argparse._SubParsersAction[argparse.ArgumentParser]"


@dataclass
class Context:
    config_path: str | None = None
    moderator_flag: str | None = None
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _config: Config | None = None
    _store: Store | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    @property
    def store(self) -> Store:
        """The database, whose schema must be current (`canhgac init` creates/upgrades it)."""
        if self._store is None:
            from review.store import Store

            self._store = Store.open(self.config.database.url, zone=self.config.digest.timezone)
        return self._store

    def moderator(self) -> str:
        """Who is acting: --as, then CANHGAC_MODERATOR, then the OS user; must be a configured moderator.
        Returned (and so recorded) as configured, however it was typed: NFD, another case, spaces around."""
        typed = self.moderator_flag or os.environ.get("CANHGAC_MODERATOR") or _os_user()
        name = self.config.review.moderator(typed)
        if name is None:
            name = unicodedata.normalize("NFC", typed).strip()
            allowed = self.config.review.moderators
            if not allowed:
                raise UsageError(f"'{name}' không phải cán bộ duyệt: chưa cấu hình cán bộ duyệt nào "
                                 "(thêm [review] moderators vào canhgac.toml)")
            raise UsageError(f"'{name}' không phải cán bộ duyệt (được phép: {', '.join(allowed)}); "
                             + (_meant_moderator(name, allowed) or "dùng --as TÊN để chọn người thực hiện"))
        return name

    def print(self, *parts: object) -> None:
        print(*parts, file=self.out)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _meant_moderator(typed: str, allowed: tuple[str, ...] | list[str]) -> str:
    """"có phải 'Nguyễn Văn Hùng'? …": the one configured moderator a name typed without diacritics (no Unikey on
    an SSH session: "nguyen van hung") stands for. Only said, never taken for it: two colleagues may differ by their
    diacritics alone (Lan, Lân)."""
    from review.filters import _fold

    folded = _fold(typed)
    same = [m for m in allowed if _fold(m) == folded]
    if len(same) != 1:
        return ""
    return f"có phải '{same[0]}'? tên phải gõ đúng dấu như trong [review] moderators: --as \"{same[0]}\""


def _os_user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("USER", "unknown")
