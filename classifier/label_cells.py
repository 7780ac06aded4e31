"""Label cells and label maps: a cell's labels, `--label-map`, and the check that labels are canhgac's categories.

A cell may hold several labels separated by `|` (JSONL: also a list); `clean` means no category; with a label map
every value must be one of its keys. The rules are listed in classifier.dataset's docstring.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from classifier.data_errors import DataError, _type_name, _where

if TYPE_CHECKING:
    from classifier.dataset import LabelledData


CLEAN = "clean"
_WHOLE_FLOAT = re.compile(r"([+-]?[0-9]+)\.0+")  # "1.0", "2.00": how pandas and spreadsheets save 1 and 2


def map_key(value: str, label_map: Mapping[str, str]) -> str:
    """The key of `label_map` that a cell's value `value` is: itself, or for a whole number written with a
    fraction ("1.0", as pandas writes an integer column with a gap) the number without it ("1"), as JSON's 1.0
    matches "1". A value that is no key is returned as it is."""
    if value in label_map:
        return value
    whole = _WHOLE_FLOAT.fullmatch(value)
    return whole.group(1) if whole and whole.group(1) in label_map else value


def parse_label_map(spec: str | None) -> dict[str, str]:
    """"0=clean,1=offensive,2=hate" → {"0": "clean", ...}; labels lowercased, a key given twice is an error."""
    if not spec:
        return {}
    out: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise DataError(f"mục {part!r} trong --label-map không hợp lệ: cần dạng GIÁ_TRỊ=NHÃN, ví dụ 0=clean")
        if key in out:
            raise DataError(f"--label-map ghi {key!r} hai lần ({key}={out[key]} và {key}={value.lower()})")
        out[key] = value.lower()
    return out


def _label_values(value: object, where: str) -> list[str]:
    """The raw label values of one cell: strings split at `|`, JSON numbers as written without a
    fraction (3.0 → "3"), lists element by element; stripped, empty ones dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise DataError(f"{where}: nhãn phải là chuỗi hoặc số, không phải {_type_name(item)} ({item!r})")
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        out.extend(v.strip() for v in str(item).split("|") if v.strip())
    return out


def split_labels(value: object, label_map: Mapping[str, str], where: str = "nhãn") -> list[str]:
    """A cell → its categories ([] = clean). Raises DataError for a value missing from a non-empty map."""
    labels: list[str] = []
    clean_given: str | None = None  # the value that said clean
    for raw in _label_values(value, where):
        if label_map:
            raw = map_key(raw, label_map)
            if raw not in label_map:
                raise DataError(f"{where}: giá trị nhãn {raw!r} không có trong --label-map")
            name = label_map[raw]
        else:
            name = raw
        for part in name.split("|"):
            part = part.strip().lower()
            if part == CLEAN:
                clean_given = raw
            elif part and part not in labels:
                labels.append(part)
    if labels and clean_given is not None:  # "clean|scam": an annotation slip, not a scam row to train on silently
        raise DataError(f"{where}: nhãn {clean_given!r} (clean = không thuộc nhóm nào) ghi cùng nhóm "
                        f"{'|'.join(labels)} trong một ô; hãy bỏ một trong hai")
    return labels


def _closest(name: str, allowed: Sequence[str]) -> str:
    """" — có phải 'scam'?" for the allowed name closest to `name`, or "" when none is close."""
    found = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return f" — có phải {found[0]!r}?" if found else ""


def _allowed_text(allowed: Sequence[str]) -> str:
    return ", ".join([*allowed, CLEAN])


def check_label_map(label_map: Mapping[str, str], allowed: Sequence[str]) -> None:
    """Every label a --label-map maps to must be one of `allowed` (or clean): `0=clean,1=ofensive` is refused,
    naming the map entry and the closest allowed name."""
    for key, value in label_map.items():
        for part in (p.strip().lower() for p in value.split("|")):
            if part and part != CLEAN and part not in allowed:
                raise DataError(f"--label-map {key}={value}: {part!r} không phải nhóm hợp lệ{_closest(part, allowed)} "
                                f"(các nhóm hợp lệ: {_allowed_text(allowed)})")


def check_known_labels(data: LabelledData, path: str, allowed: Sequence[str]) -> None:
    """Every label of `data` (read from `path`) must be one of `allowed` (clean is already []): a typo such as
    `sacm` would otherwise become a category of its own. The error names the file and line of the first unknown
    label, the closest allowed name, every other unknown label, and the allowed names."""
    first: dict[str, int] = {}
    for i, row in enumerate(data.labels):
        for lab in row:
            if lab not in allowed and lab not in first:
                first[lab] = data.lines[i] if i < len(data.lines) else i + 1
    if not first:
        return
    (label, line), *others = sorted(first.items(), key=lambda kv: kv[1])
    more = ""
    if others:
        shown = ", ".join(f"{lab!r} (dòng {n}){_closest(lab, allowed)}" for lab, n in others[:10])
        more = f"; các nhãn lạ khác: {shown}" + (" ..." if len(others) > 10 else "")
    guess = (difflib.get_close_matches(label, list(allowed), n=1, cutoff=0.6) or [CLEAN])[0]
    how = (f"sửa nhãn trong tệp, hoặc ánh xạ mọi giá trị nhãn sang nhóm hợp lệ bằng --label-map (ví dụ --label-map "
           f"{label}={guess},...; có --label-map thì mọi giá trị nhãn trong tệp đều phải được ánh xạ)")
    raise DataError(f"{_where(path, line)}: nhãn {label!r} không phải nhóm hợp lệ{_closest(label, allowed)}{more} "
                    f"(các nhóm hợp lệ: {_allowed_text(allowed)}); {how}")
