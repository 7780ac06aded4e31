"""Links the way citizens send them: copied from a chat app with spaces and Vietnamese letters in the path, or
without "https://", or longer than an item's address may be. The first is fetched (percent-encoded, as a
browser does) instead of crashing; the others are refused with exit code 2 and a line saying what to type
instead; nothing is stored. A real HTTP server on 127.0.0.1, the real CLI, a real database (SQLite, and
PostgreSQL when CANHGAC_TEST_DATABASE_URL is set: there an address over 2500 characters is a database error)."""

from __future__ import annotations

import shlex

import pytest
from sqlalchemy import func, select

from crawler.cli import main
from review.models import MAX_URL_LENGTH, Item

NO_MODEL = '\n[classifier]\nmodel = "no-model-here.skops"\n'
ARTICLE = ("<html><head><title>Cảnh báo lừa đảo</title></head><body><article><h1>Cảnh báo lừa đảo</h1>"
           "<p>Người dân phản ánh tài khoản giả danh ngân hàng nhắn tin báo trúng thưởng, yêu cầu chuyển phí "
           "hồ sơ 500 nghìn đồng qua Zalo để nhận quà.</p></article></body></html>")


def _urls(crawl_env) -> list[str]:  # type: ignore[no-untyped-def]
    with crawl_env.store.session() as s:
        return list(s.scalars(select(Item.url).where(Item.kind == "report")))


def test_a_link_with_spaces_and_vietnamese_letters_is_fetched(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set("/tin%20t%E1%BB%A9c%20l%E1%BB%ABa%20%C4%91%E1%BA%A3o.html", ARTICLE)
    url = crawl_env.site.base_url + "/tin tức lừa đảo.html"
    assert main(["--config", cfg, "report", url]) == 0, capsys.readouterr().err
    assert _urls(crawl_env) == [crawl_env.site.base_url + "/tin%20t%E1%BB%A9c%20l%E1%BB%ABa%20%C4%91%E1%BA%A3o.html"]


@pytest.mark.parametrize("link", ["www.facebook.com/groups/123/posts/456", "zalo.me/g/abcdef"])
def test_a_link_without_its_scheme_is_refused_with_the_address_to_type(crawl_env, capsys, link: str) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(NO_MODEL))
    assert main(["--config", cfg, "report", link]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"canhgac report https://{link}" in err, err
    assert _urls(crawl_env) == []


def _shell_words(command: str) -> list[str]:
    """`command` as a POSIX shell splits it, with `&`, `;`, `|` ... as words of their own (what ends a command)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def test_the_address_to_type_instead_is_quoted_for_the_shell(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    # a Facebook permalink has `?` and `&`: typed unquoted, the shell would run `canhgac report …story_fbid=1` in the
    # background and then `id=2`
    link = "www.facebook.com/permalink.php?story_fbid=1&id=2"
    cfg = str(crawl_env.configure(NO_MODEL))
    assert main(["--config", cfg, "report", f" {link} "]) == 2
    err = capsys.readouterr().err.strip()
    command = err.split("thử: ", 1)[1].removesuffix(")")
    assert _shell_words(command) == ["canhgac", "report", f"https://{link}"], err


@pytest.mark.parametrize("with_text", [False, True])
def test_a_link_longer_than_an_address_may_be_is_refused(crawl_env, capsys, with_text: bool,  # type: ignore[no-untyped-def]
                                                         tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the pasted text is kept there (`crawler.report_kept`)
    cfg = str(crawl_env.configure(NO_MODEL))
    crawl_env.site.set("/dai", ARTICLE)
    url = crawl_env.site.base_url + "/dai?utm=" + "x" * MAX_URL_LENGTH
    text = ["--text", "Nhắn tin báo trúng thưởng, đòi chuyển phí hồ sơ qua Zalo"] if with_text else []
    assert main(["--config", cfg, "report", url, *text]) == 2
    err = capsys.readouterr().err
    assert f"quá giới hạn {MAX_URL_LENGTH} ký tự" in err and "Traceback" not in err, err
    assert crawl_env.site.requests_for("/dai") == [] and _urls(crawl_env) == []
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0
