"""`[review] locality` (and a `[[sources]]` table's `locality`) naming a province from before the 1 July 2025 merger,
read as the province it is now part of.

Items are tagged with the 34 current provinces (`classifier.locality`), so an office that still writes its old
province ("Kon Tum", "Tỉnh Hà Giang", "Bình Dương") matched no item and got no local ranking at all. The old name
(`classifier/data/old_provinces.tsv`, with or without "Tỉnh"/"Thành phố"/"TP.", any case and diacritics) now
stands for its new province, and `config check` says so; as the province part after the last comma of a
ward-level setting ("Phường Kon Tum, Kon Tum") too. A ward named like an old province ("Phường Kon Tum",
"Phường Bình Dương") is a ward and stays as written; an old name that still matches its province's tag ("Huế",
"Tuyên Quang", "Cao Bằng") is left alone. A source's locality, put on every item it collects, is read the same way
(`review.config_sources`), so "Tỉnh Kon Tum" there tags its items "Quảng Ngãi" like the locality tagger does.

Every command reads the configuration, so the table is read here with the light folding `is_local` matches with
(`review.priority.place_key`), not through `classifier.locality_gazetteer`, whose normaliser imports underthesea
(about a second).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import classifier
from review.priority import is_local, place_key

OLD_PROVINCES = Path(classifier.__file__).parent / "data" / "old_provinces.tsv"  # the classifier's own table

#: What may stand before a province's name in the setting, as `_key` writes it ("TP." is "tp").
_PROVINCE_WORDS = ("tinh ", "thanh pho ", "tp ")


@dataclass(frozen=True)
class OfficeLocality:
    value: str  # the setting as matched against the items' tags
    old: str = ""  # the old province it named, as written ("" when none)
    merged_into: str = ""  # the province that old one is now part of


def _key(text: str) -> str:
    """Folded like `place_key`, punctuation taken as spaces: "Bà Rịa-Vũng Tàu", "TP.Kon Tum"."""
    return " ".join(re.findall(r"\w+", place_key(text)))


@lru_cache(maxsize=2)
def _old_provinces(path: Path = OLD_PROVINCES) -> dict[str, str]:
    """Key of each old name and spelling (bare, without "Tỉnh"/"Thành phố") → the province it became part of."""
    out: dict[str, str] = {}
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    for old, merged, *rest in rows[1:]:  # after "old<TAB>merged_into<TAB>also_written<TAB>guard"
        also = rest[0].split("|") if rest else []
        for name in (old, *also):
            key = _bare(_key(name))
            if key:
                out.setdefault(key, merged.strip())
    return out


def _bare(key: str) -> str:
    for word in _PROVINCE_WORDS:
        if key.startswith(word):
            return key[len(word):]
    return key


def office_locality(setting: str) -> OfficeLocality:
    """The office's locality as items are tagged: an old province (alone, or after a ward and a comma) replaced
    by the province it became part of; anything else unchanged."""
    text = unicodedata.normalize("NFC", setting).strip()
    head, comma, tail = text.rpartition(",")
    merged = _old_provinces().get(_bare(_key(tail)))
    if merged is None or is_local(tail, [merged]):  # not an old name, or one still matching (Huế)
        return OfficeLocality(setting)
    return OfficeLocality(f"{head.strip()}{comma} {merged}" if comma else merged, tail.strip(), merged)


def old_province_note(found: OfficeLocality, where: str) -> str:
    """What `config check` tells an office whose setting names an old province (`where`: "file:line")."""
    return (f"{where}, khoá 'review.locality': \"{found.old}\" là tên tỉnh trước khi sáp nhập; từ 01/07/2025 thuộc "
            f"{found.merged_into} (Nghị quyết 202/2025/QH15). Tin gắn địa bàn {found.merged_into} được ưu tiên như "
            f"tin địa phương; ghi locality = \"{found.value}\" để bỏ lưu ý này")


def source_province_note(found: OfficeLocality, where: str, index: int, name: str) -> str:
    """The same for the `index`-th `[[sources]]` table (`name`), whose locality is put on every item it collects:
    those items are now tagged with the new province, the one the office's setting and the items' own tags use."""
    return (f"{where}, khoá 'sources[{index}].locality' (nguồn {name}): \"{found.old}\" là tên tỉnh trước khi sáp "
            f"nhập; từ 01/07/2025 thuộc {found.merged_into} (Nghị quyết 202/2025/QH15). Tin thu từ nguồn này được gắn "
            f"địa bàn {found.merged_into}; ghi locality = \"{found.value}\" để bỏ lưu ý này")
