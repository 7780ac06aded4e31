"""Why a file could not be read or written, in Vietnamese (what officers read), from an OSError's errno;
the system's own (English) text only for errors this table does not name. Imports nothing else of canhgac."""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.ENOSPC: "hết dung lượng đĩa",
    errno.EROFS: "hệ thống tệp chỉ cho đọc",
    errno.EEXIST: "tệp đã có",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EMFILE: "mở quá nhiều tệp cùng lúc",
    errno.EIO: "lỗi đọc/ghi của thiết bị",
}


def reason_vi(exc: OSError) -> str:
    """"không có tệp hoặc thư mục này", "không có quyền truy cập" ...; unknown errors keep the system's text."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return exc.strerror or str(exc)
