""""Nguồn có vấn đề" for a week before a source existed: a source added after the week (its first run started
after the week ended) is not reported as "không có lượt thu thập nào trong tuần"; the head of the office would
chase a failure that never happened. A source that never ran at all is still reported.

Nor is one added on the week's last day (Sunday from 00:00 in Hà Nội, `review.digest_sources.NEW_SOURCE_GRACE`)
that has not run yet: it used to be listed as silent, so an officer chased a source added on Sunday evening whose
first crawl had not come. It is named as added during the week instead. A source configured before that day, all
week or from Saturday 23:59, with no run is still silent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from review.config import Config, parse_config
from review.digest import collect_digest, week_bounds
from review.digest_render import PROBLEM_VI, render_text
from review.mailer import deliver_week
from review.store import Store
from tests.operate.seed import add_run
from tests.operate.smtp import Inbox, free_port, mail_toml, start_smtp
from tests.operate.test_digest_mail import MONDAY, WEEK

# W47 ends at Mon 23 Nov 2026 00:00 in Hà Nội (UTC+7), Sun 22 Nov 17:00 UTC; its last day begins at Sun 22 Nov
# 00:00 in Hà Nội, still Saturday in UTC
SUNDAY_START = datetime(2026, 11, 21, 17, 0, tzinfo=UTC)  # Sun 22/11 00:00 in Hà Nội
SATURDAY_LATE = SUNDAY_START - timedelta(minutes=1)  # Sat 21/11 23:59 in Hà Nội
SUNDAY_EVENING = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)  # Sun 22/11 21:00 in Hà Nội
SUNDAY_LAST_MINUTE = datetime(2026, 11, 22, 16, 59, tzinfo=UTC)  # Sun 22/11 23:59 in Hà Nội
WEEK_END = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # Mon 23/11 00:00 in Hà Nội: the next week
SILENT_VI = PROBLEM_VI["silent"]


def _config(db_url: str):  # type: ignore[no-untyped-def]
    blocks = "".join(f'[[sources]]\nname = "{name}"\nkind = "rss"\nurls = ["https://{name}.example.vn/rss"]\n'
                     for name in ("bao-tinh", "cong-moi", "chua-chay"))
    return parse_config(f'[database]\nurl = "{db_url}"\n{blocks}', "test.toml")


def test_a_source_added_after_the_week_is_not_silent(store: Store, db_url: str) -> None:
    cfg = _config(db_url)
    store.sync_sources([cfg.sources[0], cfg.sources[2]], now=MONDAY - timedelta(days=3))  # before the week
    store.sync_sources(cfg.sources, now=MONDAY + timedelta(days=8))  # cong-moi: configured after it
    add_run(store, "bao-tinh", MONDAY, ok=True, items_new=3)
    # added on the Tuesday after the week: runs fine since
    add_run(store, "cong-moi", MONDAY + timedelta(days=8), ok=True, items_new=2)
    # chua-chay: configured, never run (the daemon is not running it): a problem

    data = collect_digest(store, cfg, WEEK)
    problems = {p.name: p.problem for p in data.source_problems}
    assert problems == {"chua-chay": "silent"}
    section = render_text(data, cfg.digest.timezone).split("5. Nguồn có vấn đề")[1].split("6. ")[0]
    assert "cong-moi" not in section and "chua-chay" in section


def _late_config(db_url: str, names: tuple[str, ...], head: str = "") -> Config:
    head = head or f'[database]\nurl = "{db_url}"\n'
    blocks = "".join(f'[[sources]]\nname = "{name}"\nkind = "rss"\nurls = ["https://{name}.example.vn/rss"]\n'
                     for name in names)
    return parse_config(head + blocks, "test.toml")


def _section5(text: str) -> str:
    return text.split("5. Nguồn có vấn đề")[1].split("6. ")[0]


def test_a_source_added_on_the_weeks_last_day_and_not_run_yet_is_new_not_silent(store: Store, db_url: str) -> None:
    names = ("bao-tinh", "ca-tuan", "thu-bay", "chu-nhat", "toi-chu-nhat", "phut-cuoi", "loi-chu-nhat", "tuan-sau")
    cfg = _late_config(db_url, names)
    assert week_bounds(WEEK, cfg.digest.timezone)[1] == WEEK_END
    by_name = {src.name: src for src in cfg.sources}
    store.sync_sources([by_name["bao-tinh"], by_name["ca-tuan"]], now=MONDAY - timedelta(days=3))  # all week
    for name, at in (("thu-bay", SATURDAY_LATE), ("chu-nhat", SUNDAY_START), ("toi-chu-nhat", SUNDAY_EVENING),
                     ("phut-cuoi", SUNDAY_LAST_MINUTE), ("loi-chu-nhat", SUNDAY_EVENING), ("tuan-sau", WEEK_END)):
        store.sync_sources([by_name[name]], now=at)
    add_run(store, "bao-tinh", MONDAY, ok=True, items_new=3)
    add_run(store, "loi-chu-nhat", SUNDAY_EVENING + timedelta(minutes=1), ok=False)  # ran on Sunday, failed
    # ca-tuan (all week) and thu-bay (a minute before Sunday) never ran: silent; chu-nhat, toi-chu-nhat and
    # phut-cuoi (added on Sunday) had not run by the week's end: new; tuan-sau was added after the week

    data = collect_digest(store, cfg, WEEK)
    assert {p.name: p.problem for p in data.source_problems} == \
        {"ca-tuan": "silent", "thu-bay": "silent", "loi-chu-nhat": "errors"}, data.source_problems
    assert data.coverage.not_run_yet == ("chu-nhat", "phut-cuoi", "toi-chu-nhat")
    assert [name for name, _ in data.coverage.added_during] == \
        ["thu-bay", "chu-nhat", "loi-chu-nhat", "toi-chu-nhat", "phut-cuoi"]
    assert (data.coverage.watched, data.coverage.added_later) == (7, 1)

    section = _section5(render_text(data, cfg.digest.timezone))
    silent = [line for line in section.splitlines() if SILENT_VI in line]
    assert sorted(line.split(":")[0].strip(" -") for line in silent) == ["ca-tuan", "thu-bay"], section
    # named as added during the week, from when (the time in Hà Nội), not as a problem
    assert "được thêm trong tuần" in section and "chu-nhat từ 22/11/2026 00:00" in section
    assert "toi-chu-nhat từ 22/11/2026 21:00 (chưa chạy lượt nào)" in section, section


def test_the_mailed_digest_lists_a_source_added_on_sunday_evening_as_added_not_silent(store: Store,
                                                                                        db_url: str) -> None:
    inbox, port = Inbox(), free_port()
    cfg = _late_config(db_url, ("bao-tinh", "ca-tuan", "cong-moi"),
                       mail_toml(port, db_url, '["vanhoa@so.example.vn"]'))
    store.sync_sources(cfg.sources[:2], now=MONDAY - timedelta(days=3))
    store.sync_sources(cfg.sources, now=SUNDAY_EVENING)  # cong-moi: added on Sunday at 21:00, not run by midnight
    add_run(store, "bao-tinh", MONDAY, ok=True, items_new=3)
    add_run(store, "cong-moi", WEEK_END + timedelta(minutes=1), ok=True, items_new=2)  # its first run: Monday

    server = start_smtp(port, inbox)
    try:
        report = deliver_week(store, cfg, WEEK, now=WEEK_END + timedelta(hours=1))  # Monday 01:00 in Hà Nội
    finally:
        server.stop()
    assert list(report.sent) == ["vanhoa@so.example.vn"] and not report.failed
    msg = inbox.parsed()[0]
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    text = plain.get_content()
    section = _section5(text)
    assert f"ca-tuan: {SILENT_VI}" in section and f"cong-moi: {SILENT_VI}" not in section, section
    assert "1 nguồn được thêm trong tuần" in section and "cong-moi từ 22/11/2026 21:00 (chưa chạy lượt nào)" in section, section
    assert "1 nguồn cần kiểm tra" in text  # the to-do line counts ca-tuan only
    assert "cong-moi từ 22/11/2026 21:00" in html.get_content()


def test_sources_all_added_on_sunday_and_none_run_are_not_said_to_work(store: Store, db_url: str) -> None:
    """`canhgac init` on Sunday, the daemon never started: not "đều hoạt động bình thường" but that none ran."""
    cfg = _late_config(db_url, ("a", "b"))
    store.sync_sources(cfg.sources, now=SUNDAY_START + timedelta(hours=10))
    data = collect_digest(store, cfg, WEEK)
    assert data.source_problems == [] and data.coverage.not_run_yet == ("a", "b")
    section = _section5(render_text(data, cfg.digest.timezone))
    assert "hoạt động bình thường" not in section and "chưa nguồn nào chạy lượt thu thập đầu tiên" in section, section


def test_a_sunday_source_not_run_is_named_before_those_that_ran(store: Store, db_url: str) -> None:
    """Six sources added during the week: the one not run yet is named, not hidden in "và 1 nguồn khác"; the others
    ran, so the section says those that ran worked, not that every watched source did."""
    names = ("base", "n1", "n2", "n3", "n4", "n5", "sunday")
    cfg = _late_config(db_url, names)
    by_name = {src.name: src for src in cfg.sources}
    store.sync_sources([by_name["base"]], now=MONDAY - timedelta(days=3))
    add_run(store, "base", MONDAY, ok=True, items_new=1)
    for day, name in enumerate(("n1", "n2", "n3", "n4", "n5"), start=1):
        store.sync_sources([by_name[name]], now=MONDAY + timedelta(days=day))
        add_run(store, name, MONDAY + timedelta(days=day, hours=1), ok=True, items_new=1)
    store.sync_sources([by_name["sunday"]], now=SUNDAY_EVENING)
    data = collect_digest(store, cfg, WEEK)
    assert data.source_problems == [] and data.coverage.not_run_yet == ("sunday",)
    section = _section5(render_text(data, cfg.digest.timezone))
    assert "sunday từ 22/11/2026 21:00 (chưa chạy lượt nào)" in section and "và 1 nguồn khác" in section, section
    assert "các nguồn đã chạy trong tuần đều hoạt động bình thường" in section, section


def test_the_last_day_begins_at_local_midnight_across_a_clock_change(store: Store, db_url: str) -> None:
    """Berlin, 2026-W13: clocks go forward on its Sunday (29/03), a 23-hour day. The last day begins at Sunday 00:00
    CET (Sat 23:00 UTC), not 24 hours before the week's end (Mon 00:00 CEST = Sun 22:00 UTC, minus 24 h = Sat 22:00
    UTC, still Saturday 23:00 in Berlin)."""
    head = f'[database]\nurl = "{db_url}"\n[digest]\ntimezone = "Europe/Berlin"\n'
    cfg = _late_config(db_url, ("base", "sat", "sun"), head)
    by_name = {src.name: src for src in cfg.sources}
    week_start, week_end = week_bounds("2026-W13", "Europe/Berlin")
    assert week_end.astimezone(UTC) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    store.sync_sources([by_name["base"]], now=week_start.astimezone(UTC) - timedelta(days=3))
    add_run(store, "base", week_start.astimezone(UTC) + timedelta(hours=10), ok=True, items_new=1)
    store.sync_sources([by_name["sat"]], now=datetime(2026, 3, 28, 22, 30, tzinfo=UTC))  # Sat 23:30 CET
    store.sync_sources([by_name["sun"]], now=datetime(2026, 3, 28, 23, 0, tzinfo=UTC))  # Sun 00:00 CET
    data = collect_digest(store, cfg, "2026-W13")
    assert {p.name: p.problem for p in data.source_problems} == {"sat": "silent"}
    assert data.coverage.not_run_yet == ("sun",)
