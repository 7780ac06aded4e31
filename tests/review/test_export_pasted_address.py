"""A report pasted as text is stored under an internal address, `report:text/<hash>`. The officers' shape of an
export (XLSX by default, CSV with `--headers vi`) writes "(dán nội dung, không có đường dẫn)" for it — in the
`url`/`canonical_url` columns of `items` and the `url` line of an audit row's details — and reading such a file
back (`read_export`) gives that label, not the address. This is kept, on purpose, for these reasons, each checked
here on a report filed through `canhgac report --text`:

* the address cannot be rebuilt from what the file holds: its hash is of the text as the officer pasted it, before
  it was cleaned for storing (Unicode NFC, blanks), and the file holds the stored text (which XLSX may also cut at
  32,767 characters); an audit row's details hold no text at all;
* writing the address instead would show officers the internal key that `show` and the year-end workbook never
  show;
* the report stays identified in the officers' shape by its item and entry numbers, and the machine format of the
  same export (`--headers en`, the default of CSV) holds the address exactly.

Real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from review.export import read_export
from review.export_details import PASTED_URL_VI
from review.store import Store

CLI = Callable[..., tuple[int, str, str]]
#: decomposed (NFD, as Unikey's "Unicode tổ hợp" types it), with doubled blanks: stored cleaned
PASTED = unicodedata.normalize("NFD", "Chuyển khoản  trước 500k để nhận quà tri ân   từ ngân hàng\n\nGọi 0912 345 678 ")


@pytest.fixture
def filed(store: Store, cli: CLI) -> int:
    code, out, err = cli("--as", "lan", "report", "--text", PASTED, "--reporter", "Trần Thị B")
    assert code == 0, err
    [entry] = [r.id for r in store.list_entries()]
    return entry


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_items_export_reads_back_the_label_and_the_report_s_numbers(filed: int, cli: CLI, tmp_path: Path,
                                                                        fmt: str) -> None:
    vi, en = tmp_path / f"vi.{fmt}", tmp_path / f"en.{fmt}"
    for path, headers in ((vi, "vi"), (en, "en")):
        code, _, err = cli("export", "items", "--headers", headers, "-o", str(path))
        assert code == 0, err
    [back], [machine] = read_export(vi), read_export(en)
    address = machine["url"]
    assert str(address).startswith("report:text/") and machine["canonical_url"] == address
    assert back["url"] == back["canonical_url"] == PASTED_URL_VI  # the label, not the address
    assert (back["entry_id"], back["item_id"]) == (machine["entry_id"], machine["item_id"])
    assert str(back["entry_id"]) == str(filed)
    # the address is the hash of the text as pasted; the file holds the text as stored, cleaned
    assert address == "report:text/" + hashlib.sha256(PASTED.encode()).hexdigest()[:16]
    stored = back["text"]
    assert stored != PASTED and stored == machine["text"]
    assert address != "report:text/" + hashlib.sha256(stored.encode()).hexdigest()[:16]
    assert "report:text/" not in "".join(str(v) for v in back.values())


def test_an_audit_row_of_the_report_reads_back_the_label(filed: int, cli: CLI, tmp_path: Path) -> None:
    """The same report sent again joins its entry: the audit row's details have its address, and no text."""
    code, _, err = cli("--as", "minh", "report", "--text", PASTED + " nữa", "--reporter", "Ông Ba")
    assert code == 0, err
    vi, en = tmp_path / "vi.xlsx", tmp_path / "en.csv"
    for path in (vi, en):
        code, _, err = cli("export", "audit", "-o", str(path))
        assert code == 0, err
    machine = [json.loads(r["details"]) for r in read_export(en) if r["action"] == "report"]
    back = [json.loads(r["details"]) for r in read_export(vi) if r["action"] == "report"]
    assert machine, "the second report opened an entry of its own (no audit `report` row)"
    assert [str(d.get("url", "")).startswith("report:text/") for d in machine] == [True] * len(machine)
    assert [d["url"] for d in back] == [PASTED_URL_VI] * len(back)
    assert not any("text" in d for d in machine)
    assert [{k: v for k, v in d.items() if k not in ("url", "received_at")} for d in back] == \
           [{k: v for k, v in d.items() if k not in ("url", "received_at")} for d in machine]
