"""A wrong configuration fails at start with one line naming file, key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main
from review.config import describe_origin, load_config, parse_config
from review.errors import ConfigError

GOOD = """
[database]
url = "sqlite:///x.db"

[review]
moderators = ["lan", "minh"]

[[sources]]
name = "bao-tinh"
kind = "rss"
urls = ["https://baotinh.example.vn/rss/tin-moi.rss"]
official = true
schedule = "every 30m"

[[sources]]
name = "phuong-portal"
kind = "html"
urls = ["https://phuong.example.vn/tin-tuc"]
schedule = "cron 0 */2 * * *"
selectors = { link = "article h3 a::attr(href)", next_page = "a.next::attr(href)" }

[classifier.thresholds]
scam = 0.55
"""


def test_good_config_is_typed() -> None:
    cfg = parse_config(GOOD, "canhgac.toml")
    assert cfg.review.moderators == ("lan", "minh")
    assert [s.name for s in cfg.sources] == ["bao-tinh", "phuong-portal"]
    assert cfg.sources[0].official is True and cfg.sources[0].interval_seconds == 1800
    assert cfg.sources[1].cron == "0 */2 * * *" and cfg.sources[1].interval_seconds is None
    assert cfg.sources[1].selectors.link == "article h3 a::attr(href)"
    assert cfg.classifier.thresholds == {"scam": 0.55}


@pytest.mark.parametrize(
    ("body", "key", "line", "words"),
    [
        ('[review]\nmoderatorz = ["lan"]\n', "review.moderatorz", 2, "khoá không xác định"),
        ('[database]\nurl = 5\n', "database.url", 2, "cần chuỗi ký tự"),
        ('[database]\nurl = "mysql://x"\n', "database.url", 2, "địa chỉ cơ sở dữ liệu không hợp lệ"),
        ('[[sources]]\nname = "a"\nkind = "rss"\nurls = ["file:///etc/passwd"]\n', "sources[0].urls", 4, "địa chỉ URL không hợp lệ"),
        ('[[sources]]\nname = "a"\nkind = "rss"\nurls = ["https://a.vn"]\n\n[[sources]]\nname = "b"\nkind = "ftp"\n'
         'urls = ["https://b.vn"]\n', "sources[1].kind", 8, "cần một trong"),
        ('[[sources]]\nname = "a"\nkind = "rss"\n', "sources[0].urls", None, "thiếu khoá bắt buộc"),
        ('[[sources]]\nname = "a"\nkind = "rss"\nurls = ["https://a.vn"]\nschedule = "hourly"\n',
         "sources[0].schedule", 5, "lịch chạy không hợp lệ"),
        ('[classifier.thresholds]\npolitics = 0.5\n', "classifier.thresholds.politics", 2, "nhóm không xác định"),
        ('[review]\nclaim_minutes = "30"\n', "review.claim_minutes", 2, "cần số nguyên"),
        # a variable not set is only an error where mail is sent (tests/operate/test_smtp_password_env.py)
        ('[smtp]\nhost = "mail.example.vn"\nuser = "canhgac"\npassword_env = ""\n',
         "smtp.password_env", 4, "password_env để trống"),
        ('[smtp]\npassword = "hunter2"\n', "smtp.password", 2, "không ghi mật khẩu vào tệp cấu hình"),
        ('[digest]\nrecipients = ["not-an-address"]\n', "digest.recipients", 2, "không phải địa chỉ e-mail"),
        ('[digest]\nrecipients = ["vanhoa@so.example.vn",\n  "lanhdao@sovhtt"]\n', "digest.recipients", 3,
         "thiếu tên miền đầy đủ"),
        ('[digest]\nbase_url = "javascript:alert(1)"\n', "digest.base_url", 2, "địa chỉ URL không hợp lệ"),
        ('[digest]\nbase_url = "canhgac.example.vn"\n', "digest.base_url", 2, "địa chỉ URL không hợp lệ"),
        ('[unknown]\nx = 1\n', "unknown", None, "mục không xác định"),
    ],
)
def test_bad_config_names_file_key_and_line(body: str, key: str, line: int | None, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    err = info.value
    assert err.key == key
    assert err.file == "canhgac.toml"
    if line is not None:
        assert err.line == line
    assert words in str(err)
    assert "\n" not in str(err)


def test_invalid_toml_reports_line() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config('[database]\nurl = "x"\n[review\n', "c.toml")
    assert info.value.line == 3


def test_cli_bad_config_is_one_line_exit_2(write_config, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path = write_config('[review]\nmoderators = "lan"\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "review.moderators" in err and str(path) in err and "Traceback" not in err


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="không tìm thấy tệp"):
        load_config(str(tmp_path / "nope.toml"))


def test_env_var_selects_config(write_config, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(GOOD)
    monkeypatch.setenv("CANHGAC_CONFIG", str(path))
    assert main(["config", "check"]) == 0
    assert "bao-tinh, phuong-portal" in capsys.readouterr().out


def test_example_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).resolve().parents[2] / "canhgac.example.toml"
    monkeypatch.setenv("CANHGAC_SMTP_PASSWORD", "x")
    cfg = load_config(str(example))
    assert cfg.sources, "the example documents at least one source"


def test_digest_base_url_http_or_empty() -> None:
    assert parse_config('[digest]\nbase_url = "https://canhgac.example.vn/"\n', "c.toml").digest.base_url \
        == "https://canhgac.example.vn/"
    assert parse_config('[digest]\nbase_url = ""\n', "c.toml").digest.base_url == ""


# ------------------------------------------------------- values that passed the check, then crashed a command

SRC = '[[sources]]\nname = "a"\nkind = "rss"\nurls = ["https://a.vn"]\n'
HTML = '[[sources]]\nname = "p"\nkind = "html"\nurls = ["https://p.vn"]\n'


@pytest.mark.parametrize(
    ("body", "key", "line", "words"),
    [
        ('[digest]\nhour = 8\ntimezone = "Asia/Hanoi"\n', "digest.timezone", 3, "múi giờ không xác định"),
        ('[digest]\ntimezone = "Asia"\n', "digest.timezone", 2, "múi giờ không xác định"),
        ('[digest]\ntimezone = "../etc/passwd"\n', "digest.timezone", 2, "múi giờ không xác định"),
        (SRC + 'schedule = "cron 99 99 99 99 99"\n', "sources[0].schedule", 5, "lịch chạy không hợp lệ"),
        (SRC + 'schedule = "cron 0 25 * * *"\n', "sources[0].schedule", 5, "maximum value (23)"),
        (SRC + 'schedule = "cron 0 8 * * 9"\n', "sources[0].schedule", 5, "thứ trong tuần 9"),
        (SRC + 'schedule = "cron 0 8 30 2 *"\n', "sources[0].schedule", 5, "không bao giờ đến lượt chạy"),
        (SRC + 'schedule = "every 0m"\n', "sources[0].schedule", 5, "phải từ 1 trở lên"),
        (SRC + 'schedule = "every 0s"\n', "sources[0].schedule", 5, "phải từ 1 trở lên"),
        (SRC + 'schedule = "every 99999999999d"\n', "sources[0].schedule", 5, "tối đa 366 ngày"),
        ('[smtp]\nport = 99999\n', "smtp.port", 2, "1-65535"),
        ('[smtp]\nport = 0\n', "smtp.port", 2, "1-65535"),
        (HTML + 'selectors = { link = "a[[[" }\n', "sources[0].selectors.link", 5, "bộ chọn không hợp lệ"),
        (HTML + 'selectors = { link = "a", title = "h1 >" }\n', "sources[0].selectors.title", 5, "bộ chọn không hợp lệ"),
        (HTML + 'selectors = { link = "//a[" }\n', "sources[0].selectors.link", 5, "bộ chọn không hợp lệ"),
        # APScheduler refuses a job whose misfire grace is not positive: the daemon stopped at start
        ('[daemon]\nlog_json = true\nmisfire_grace_s = 0\n', "daemon.misfire_grace_s", 3, "phải từ 1 trở lên"),
        ('[daemon]\nmisfire_grace_s = -300\n', "daemon.misfire_grace_s", 2, "phải từ 1 trở lên"),
        # a negative jitter runs crawls before their time, a negative stop grace gives running crawls none
        ('[daemon]\njitter_s = -5\n', "daemon.jitter_s", 2, "phải từ 0 trở lên"),
        ('[daemon]\nstop_grace_s = -1\n', "daemon.stop_grace_s", 2, "phải từ 0 trở lên"),
        # smtplib: "Non-blocking socket (timeout=0) is not supported", every digest delivery failed
        ('[smtp]\nhost = "mail.example.vn"\ntimeout_s = 0\n', "smtp.timeout_s", 3, "phải từ 1 trở lên"),
        ('[smtp]\ntimeout_s = -30\n', "smtp.timeout_s", 2, "phải từ 1 trở lên"),
    ],
)
def test_values_that_would_crash_later_are_config_errors(body: str, key: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    assert (info.value.key, info.value.line) == (key, line)
    assert words in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("schedule", ["every 1s", "every 366d", "cron 0 */2 * * *", "cron 30 7 * * 1-5",
                                      "cron 0 8 * * 0", "cron 0 8 * * 7", "cron 0 8 29 2 *", "cron */15 * * * mon"])
def test_good_schedules_pass(schedule: str) -> None:
    assert parse_config(SRC + f'schedule = "{schedule}"\n', "c.toml").sources[0].schedule == schedule


def test_the_smallest_daemon_and_smtp_numbers_that_work_pass() -> None:
    cfg = parse_config('[daemon]\njitter_s = 0\nstop_grace_s = 0\nmisfire_grace_s = 1\n[smtp]\ntimeout_s = 1\n', "c.toml")
    assert (cfg.daemon.jitter_s, cfg.daemon.stop_grace_s, cfg.daemon.misfire_grace_s, cfg.smtp.timeout_s) == (0, 0, 1, 1)


def test_selectors_the_spiders_use_pass() -> None:
    cfg = parse_config(HTML + 'selectors = { item = "div.tin", link = "h3 a::attr(href)", title = "h1::text", '
                       'date = "(//time/@datetime)[1]", next_page = "a.next::attr(href)" }\n', "c.toml")
    assert cfg.sources[0].selectors.date == "(//time/@datetime)[1]"


def test_bad_config_in_a_file_fails_config_check(write_config, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path = write_config('[digest]\ntimezone = "Asia/Hanoi"\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert f"{path}:2" in err and "digest.timezone" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("body", "key", "line"),
    [
        # an unknown key inside an inline table: the dotted key as written, and its line
        (HTML + 'official = true\nselectors = { link = "a", titel = "h1" }\n', "sources[0].selectors.titel", 6),
        # ... and in a [sources.selectors] sub-table, of the second source
        (SRC + '\n' + HTML + '\n[sources.selectors]\nlink = "a"\ntitel = "h1"\n', "sources[1].selectors.titel", 13),
        (SRC + '\n' + HTML + 'selectors.link = "a"\nselectors.titel = "h1"\n', "sources[1].selectors.titel", 11),
        # a missing key: the [[sources]] table it is missing from
        (SRC + '\n' + HTML, "sources[1].selectors", 6),
        (SRC + '\n' + '[[sources]]\nname = "b"\nkind = "rss"\n', "sources[1].urls", 6),
        # a misspelled section
        ('[database]\nurl = "sqlite:///x.db"\n\n[databse]\nurl = "x"\n', "databse", 4),
        ('# c\n[review.thresholds]\nscam = 1\n', "review.thresholds", 2),
        ('[[source]]\nname = "a"\n', "source", 1),
    ],
)
def test_errors_have_lines(body: str, key: str, line: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    assert (info.value.key, info.value.line) == (key, line)
    assert f"canhgac.toml:{line}" in str(info.value)


# ---------------------------------------------------------------------------------- which file, if any


def test_explicit_missing_file_names_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "khong-co.toml"
    assert main(["--config", str(missing), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "không tìm thấy tệp" in err


def test_no_file_says_defaults_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CANHGAC_CONFIG", raising=False)
    cfg = load_config(None)
    assert cfg.path == ""
    assert "không tìm thấy tệp cấu hình ./canhgac.toml" in describe_origin(cfg)
    assert "mặc định" in describe_origin(cfg)
    (tmp_path / "canhgac.toml").write_text("[review]\nmoderators = ['lan']\n", encoding="utf-8")
    assert describe_origin(load_config(None)) == "canhgac.toml"


def test_read_only_command_does_not_create_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CANHGAC_CONFIG", raising=False)
    assert main(["status"]) == 3  # cannot read: not created
    assert "canhgac init" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_config_check_without_any_file_says_defaults_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CANHGAC_CONFIG", raising=False)
    assert main(["config", "check"]) == 1  # nothing was checked: not "hợp lệ" (exit 0 before the walk-through)
    captured = capsys.readouterr()
    assert "không tìm thấy tệp cấu hình ./canhgac.toml" in captured.out and "mặc định" in captured.out
    assert "hợp lệ" not in captured.out
    assert f"không tìm thấy tệp cấu hình {tmp_path / 'canhgac.toml'}" in captured.err
    assert not (tmp_path / "canhgac.db").exists()


def test_missing_model_file_is_a_warning_in_config_check_and_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "canhgac.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "c.db"}"\n[classifier]\nmodel = "models/typo.skops"\n',
                    encoding="utf-8")
    assert main(["--config", str(path), "init"]) == 0
    capsys.readouterr()
    assert main(["--config", str(path), "config", "check"]) == 0
    out = capsys.readouterr().out
    assert f"cảnh báo: [classifier] model = '{tmp_path / 'models' / 'typo.skops'}': không tìm thấy tệp" in out
    main(["--config", str(path), "status"])
    assert "KHÔNG TÌM THẤY tệp mô hình" in capsys.readouterr().out


def test_relative_paths_count_from_the_config_files_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Crawls run in subprocesses started in the project's folder: a relative SQLite path or model path must
    name the same file there as in the operator's shell."""
    conf_dir = tmp_path / "etc"
    conf_dir.mkdir()
    path = conf_dir / "canhgac.toml"
    path.write_text('[database]\nurl = "sqlite:///data/c.db"\n[classifier]\nmodel = "models/m.skops"\n'
                    'rules = "/abs/rules.toml"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    cfg = load_config(str(Path("..") / "etc" / "canhgac.toml"))
    assert cfg.database.url == f"sqlite:///{conf_dir / 'data' / 'c.db'}"
    assert cfg.classifier.model == str(conf_dir / "models" / "m.skops")
    assert cfg.classifier.rules == "/abs/rules.toml"
    monkeypatch.delenv("CANHGAC_CONFIG", raising=False)
    assert load_config().database.url == f"sqlite:///{elsewhere / 'canhgac.db'}"  # defaults: the working folder
