"""Every exception canhgac raises on purpose, in one place.

    CanhgacError                 base; the CLI prints its message on one line, exit code 1
    ├── UsageError               the user asked for something impossible; exit code 2
    │   ├── ConfigError          the configuration file is wrong; names file, key and line
    │   └── NotFound             an id that does not exist
    ├── ConflictError            optimistic-locking / claim conflicts (someone else holds it, stale version)
    ├── AuditIntegrityError      the audit hash chain does not verify
    └── DaemonLockedError        another daemon already runs on this database

A traceback from the CLI means a bug, never a user mistake.
"""

from __future__ import annotations


class CanhgacError(Exception):
    exit_code = 1


class UsageError(CanhgacError):
    exit_code = 2


class ConfigError(UsageError):
    """A configuration problem, located as precisely as we can: file, dotted key, line."""

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None,
                 line: int | None = None) -> None:
        self.file, self.key, self.line, self.reason = file, key, line, message
        where = []
        if file:
            where.append(f"{file}:{line}" if line else file)
        if key:
            where.append(f"khoá '{key}'")
        super().__init__(f"lỗi cấu hình: {', '.join(where)}: {message}" if where else f"lỗi cấu hình: {message}")


class NotFound(UsageError):
    pass


class ConflictError(CanhgacError):
    pass


class AuditIntegrityError(CanhgacError):
    pass


class DaemonLockedError(CanhgacError):
    pass
