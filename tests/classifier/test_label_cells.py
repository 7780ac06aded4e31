"""Label cells as annotators write them: several labels with `|`, and the slip of `clean` next to a category."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.dataset import DataError, parse_label_map, read_labelled


def test_a_pipe_separated_cell_gives_several_categories(tmp_path: Path) -> None:
    src = tmp_path / "d.csv"
    src.write_text("text,label\nMày là đồ lừa đảo,scam | Offensive\nHôm nay trời đẹp,clean\nTrời mưa,\n",
                   encoding="utf-8")
    data = read_labelled(str(src), "text", "label")
    assert data.labels == [["scam", "offensive"], [], []]


@pytest.mark.parametrize(("cell", "label_map"), [("clean|scam", None), ("scam|CLEAN", None), ("0|1", "0=clean,1=scam")])
def test_clean_next_to_a_category_in_one_csv_cell_is_refused_with_its_line(tmp_path: Path, cell: str,
                                                                           label_map: str | None) -> None:
    # it used to train silently as a scam row
    src = tmp_path / "d.csv"
    src.write_text(f"text,label\nHôm nay trời đẹp,clean\nChuyển khoản trước 500k,{cell}\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_labelled(str(src), "text", "label", parse_label_map(label_map) if label_map else None)
    assert "d.csv:3" in str(err.value) and "clean" in str(err.value)


def test_clean_next_to_a_category_in_a_jsonl_list_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"text": "Chuyển khoản trước", "labels": ["clean", "scam"]}) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_labelled(str(src), "text", "labels")
    assert "d.jsonl:1" in str(err.value)
