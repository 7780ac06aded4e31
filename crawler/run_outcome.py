"""What one source's crawl came to (`RunOutcome`), read from the run it recorded, or, when its process ended
without recording it, the run closed here with what it had stored and why it ended: `killed` when its process was
killed from outside (kill -9, the OOM killer), `failed` when it overran its timeout, crashed or never started,
`stopped` when it was stopped on request. The messages are the officer's, in Vietnamese.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path

from review.store import Store

STOPPED_VI = "đã dừng theo yêu cầu ({why}) khi chưa xong lượt chạy"
KILLED_VI = ("tiến trình thu thập bị dừng đột ngột từ bên ngoài (tín hiệu {signal}, ví dụ kill -9 hoặc máy hết bộ nhớ) "
             "khi chưa xong lượt chạy")


@dataclass(frozen=True)
class RunOutcome:
    name: str
    ok: bool
    items_new: int
    pages: int
    errors: int
    message: str
    returncode: int
    duration_s: float
    internal_error: bool = False  # canhgac's own code raised (see `internal_error`), not a failed crawl


def internal_error(name: str, exc: Exception, duration_s: float = 0.0) -> RunOutcome:
    """The outcome of a source whose run raised `exc` in canhgac's own code (not a failed crawl)."""
    return RunOutcome(name, False, 0, 0, 1, f"lỗi nội bộ của canhgac, không phải lỗi của nguồn "
                      f"({type(exc).__name__}: {str(exc)[:300]})", -1, duration_s, internal_error=True)


def run_outcome(store: Store, run_id: int, name: str, *, returncode: int, duration: float, timed_out: bool,
                stopped: bool, why: str, timeout_s: int, log_path: Path | None) -> RunOutcome:
    """The outcome of run `run_id` of source `name` once its crawl's process exited with `returncode`: as the
    crawl recorded it, else the run closed here with what it stored (see the module's docstring). `timed_out`:
    the crawl overran `timeout_s` and was killed; `stopped`: it was told to stop, for the reason `why`."""
    stopped_vi = STOPPED_VI.format(why=why)
    run = store.get_run(run_id)
    if run is not None and run.status != "running":  # the crawl recorded its run
        message = run.message or ""
        if stopped and run.status != "ok":
            message = stopped_vi + (f": {message}" if message else "")
        return RunOutcome(name, run.status == "ok", run.items_new, run.pages, run.errors, message,
                          returncode, duration)
    killed = not timed_out and not stopped and returncode < 0
    message = (f"quá thời gian {timeout_s}s nên đã bị dừng" if timed_out
               else stopped_vi if stopped
               else KILLED_VI.format(signal=_signal_name(-returncode)) if killed
               else f"tiến trình thu thập kết thúc với mã {returncode} khi chưa xong lượt chạy")
    if log_path and not timed_out and not stopped:
        message += f" (nhật ký: {log_path})"
    counts = store.run_counts(run_id)
    errors = counts.errors + (not stopped)
    store.finish_run(run_id, ok=False, items_new=counts.items_new, pages=counts.pages, errors=errors,
                     message=message, stopped=stopped, killed=killed)
    return RunOutcome(name, False, counts.items_new, counts.pages, errors, message, returncode, duration)


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"tín hiệu {signum}"

