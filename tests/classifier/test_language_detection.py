"""classifier.language: Vietnamese with or without diacritics is "vi"; French/Spanish letters that Vietnamese shares
(à, é, á, ó ...) do not make a text Vietnamese; English is "en", other languages "other". Checked on written samples
and on real ViHSD/ViCTSD texts (../shared/data, read in place; skipped when absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from classifier.language import detect_language
from classifier.normalize import strip_accents


@pytest.mark.parametrize("text", [
    "Je suis étudiant à Paris et j'aime beaucoup le café au lait",
    "La réunion est reportée à demain matin à neuf heures",
    "Être ou ne pas être, telle est la question",
    "Hola, ¿cómo estás? Muy bien gracias, señor",
    "Mañana vamos a la playa con mis amigos",
    "No sé qué hacer, estoy muy cansado",
    "Obrigado pela sua compra, você vai receber em três dias",
    "Saya tidak tahu apa yang kamu mau",
    "wo shi zhong guo ren wo zhu zai bei jing",
    "Die Regierung hat neue Maßnahmen angekündigt",
])
def test_western_letters_vietnamese_shares_do_not_make_a_text_vietnamese(text: str) -> None:
    assert detect_language(text) == "other"


@pytest.mark.parametrize("text", [
    "Bon may la do ngu",
    "an cut di thang cho, do oc lon",
    "Chuc mung 2 be va gia dinh. Cam on doi ngu bac si Viet Nam, that la gioi.",
    "Mong cac be som binh phuc ...",
    "Qua con do. Xu that nang moi duoc",
    "ko biet j luon ak, thik thi lam di",
    "Game bai doi thuong uy tin, tai xiu xoc dia md5, tang code 50k mien phi",
])
def test_vietnamese_without_diacritics_is_vietnamese(text: str) -> None:
    assert detect_language(text) == "vi"


@pytest.mark.parametrize("text", [
    "Như 💩 vậy",
    "Đồ ngu như chó",
    "Chuyển khoản ngay để nhận thưởng 500k",
    "Kẹt xe ở TP.HCM sáng nay",
    "Ăn cơm chưa em",
])
def test_vietnamese_with_diacritics_stays_vietnamese(text: str) -> None:
    assert detect_language(text) == "vi"


@pytest.mark.parametrize("text", [
    "Breaking news: heavy rain causes flooding in central provinces",
    "Stop spreading fake news about the vaccine",
    "Go to the mall with me this weekend",
    "Click the link below to claim your prize before it expires",
])
def test_english_is_english(text: str) -> None:
    assert detect_language(text) == "en"


def _texts(path: Path, column: str) -> list[str]:
    if not path.is_file():
        pytest.skip(f"needs {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        return [r[column] for r in csv.DictReader(fh)]


@pytest.mark.parametrize("folder,name,column", [("vihsd", "dev.csv", "free_text"), ("victsd", "valid.csv", "Comment")])
def test_real_vietnamese_comments_with_diacritics_stripped_are_vietnamese(shared_data: Path, folder: str,
                                                                          name: str, column: str) -> None:
    texts = [strip_accents(t) for t in _texts(shared_data / folder / name, column)
             if strip_accents(t) != t and len(t.split()) >= 5]
    found = [detect_language(t) for t in texts]
    assert len(texts) > 500 and found.count("vi") >= 0.97 * len(texts), (found.count("vi"), len(texts))
    kept = [detect_language(t) for t in _texts(shared_data / folder / name, column)
            if strip_accents(t) != t and len(t.split()) >= 2]
    assert kept.count("vi") >= 0.99 * len(kept), (kept.count("vi"), len(kept))
