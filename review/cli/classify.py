"""`canhgac classify`: score texts from a CSV/JSONL file or stdin, one JSON object per row.

The input is read and scored `BATCH` rows at a time, so memory stays flat and a pipe sees results at once;
`--output FILE` is replaced only when every row is written. `load_scorer` and `check_meta` serve
`canhgac evaluate` too (review.cli.evaluate).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from types import FrameType
from typing import Any, TextIO, cast

from classifier.os_errors import reason_vi
from review.cli.context import Context
from review.errors import CanhgacError, UsageError

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # taken like Ctrl-C while --output FILE is written
BATCH = 256  # rows scored together by `classify` (the first batches are smaller: the first results come out early)
Row = tuple[str, dict[str, str] | None]  # a text to classify and its --meta-column values


def load_scorer(ctx: Context, model: str | None, rules: str | None) -> Any:
    """The scorer of `model`/`rules`, else of the config's [classifier], else the bundled ones; a file that
    cannot be used is a UsageError."""
    from classifier.model import ModelError
    from classifier.rules import RulesError
    from classifier.scorer import Scorer

    cfg = ctx.config.classifier
    try:
        return Scorer.load(model or cfg.model or None, rules or cfg.rules or None, dict(cfg.thresholds))
    except (ModelError, RulesError) as exc:
        raise UsageError(str(exc)) from exc


def _input_rows(path: str, column: str, meta_columns: Sequence[str]) -> Iterator[Row]:
    """The rows to classify, read as they are needed (stdin line by line as it arrives, a file a line at a time):
    memory stays flat however long the input is. A bad row far down the file is a UsageError raised when it is
    reached, naming its line."""
    from classifier.dataset import DataError, iter_texts

    if path == "-":
        # every line is a row, blank ones too, so `row` in the output is the input's line number - 1
        # a byte order mark before the first line (PowerShell, Notepad) is dropped, as a file's is
        for n, line in enumerate(sys.stdin):
            yield (line.removeprefix("\ufeff") if n == 0 else line).rstrip("\r\n"), None
        return
    try:
        yield from iter_texts(path, column, meta_columns)
    except DataError as exc:
        raise UsageError(str(exc)) from exc


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    """Rows in batches of 1, 2, 4 ... up to BATCH: the first result is written as soon as the first row is read,
    and long inputs are still scored BATCH rows at a time."""
    size = 1
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
            size = min(size * 2, BATCH)
    if batch:
        yield batch


def check_meta(path: str, columns: list[str], scorer: Any) -> None:
    """--meta-column is refused for models that read no metadata, and for stdin (plain lines have no columns)."""
    if not columns:
        return
    if not scorer.shape:
        raise UsageError(f"mô hình {scorer.version} không được huấn luyện với shape = true: không đọc --meta-column")
    if path == "-":
        raise UsageError("--meta-column cần --input là tệp CSV/JSONL, không dùng được với -")



class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP while --output FILE is written; `signum` gives the exit code (128 + it) and the message
    (crawler.cli)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def _stop_signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP (`timeout`, systemd, a closed terminal) raise Stopped while this lasts, so the temporary
    file beside --output FILE is removed as on Ctrl-C instead of being left half written. An ignored signal
    (`nohup`) stays ignored; the handlers found are put back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in STOP_SIGNALS
                if signal.getsignal(sig) is not signal.SIG_IGN}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)


def classify_cmd(args: argparse.Namespace, ctx: Context) -> int:
    """Reads, scores and writes BATCH rows at a time. An error in the input (a missing file or column: before
    anything is written; a bad row further down: when it is reached) is a UsageError naming the file and line;
    on stdout the rows before it are already written, while --output FILE is then left as it was."""
    from review.cli.evaluate import model_in_use  # evaluate imports this module: imported when run

    # the model `canhgac status` names and the crawler scores with (an activated retrain before [classifier] model)
    scorer = load_scorer(ctx, args.model or model_in_use(ctx), args.rules)
    check_meta(args.input, args.meta_column, scorer)
    batches = _batches(_input_rows(args.input, args.text_column, args.meta_column))
    first = next(batches, None)  # a missing file or column is said before the output is touched
    rows = chain([first] if first else [], batches)
    if args.output == "-":
        _write_scores(ctx.out, scorer, rows)
        return 0
    from pathlib import Path

    from classifier.atomic_file import open_in_place, replaceable, replacing_text

    target = Path(args.output)
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        if not replaceable(target):  # a device or a pipe (/dev/full, a FIFO): written in place
            with open_in_place(target, "w", encoding="utf-8") as out:
                _write_scores(cast(TextIO, out), scorer, rows)
            return 0
        # FILE is replaced only once every row is written: Ctrl-C, SIGTERM or a bad input row leaves the previous
        # results
        with _stop_signals_interrupt(), replacing_text(target) as out:
            _write_scores(out, scorer, rows)
    except OSError as exc:  # missing folder, disk full ...: not the user's typing, so exit 1 (not a usage error)
        raise CanhgacError(f"không ghi được tệp {args.output}: {reason_vi(exc)}") from None
    return 0


def _write_scores(out: TextIO, scorer: Any, batches: Iterable[list[Row]]) -> None:
    """One JSON line per row; each batch is flushed, so a reader at the other end of a pipe gets it now."""
    start = 0
    for batch in batches:
        texts = [text for text, _ in batch]
        meta = [m for _, m in batch] if batch[0][1] is not None else None
        for i, res in enumerate(scorer.score_many(texts, meta=meta), start):
            obj = res.to_json()
            row = {"row": i, "label": obj["label"], "scores": obj["scores"], "flags": obj["flags"],
                   "evidence": obj["evidence"], "locality": obj["locality"], "language": obj["language"],
                   "model": obj["model"]}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
        start += len(batch)
