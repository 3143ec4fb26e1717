"""``--help`` in the user's language: the environment's (``LANG``), or ``--lang`` when it
comes before ``--help``; every help text has its Chinese and its English."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from kaoping.cli.main import COMMANDS, app
from kaoping.scoring.i18n import gettext

CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def environment(lang: str) -> dict[str, str | None]:
    return {"KAOPING_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": lang}


def show_help(*args: str, lang: str) -> str:
    done = CliRunner().invoke(app, [*args, "--help"], env=environment(lang))
    assert done.exit_code == 0, done.output
    return done.output


def test_help_follows_the_environments_language():
    chinese = show_help(lang="zh_CN.UTF-8")
    assert "考评：就业专项资金绩效评价与就业工作绩效考核" in chinese
    assert "评价：计算各单位得分、排名和等级" in chinese  # evaluate's short help
    english = show_help(lang="en_US.UTF-8")
    assert "Kaoping: performance evaluation of employment special funds" in english
    assert "Evaluate all units: scores, ranks and grades." in english
    assert not CHINESE.search(english)
    # No language set (LANG=C): Chinese, the default.
    assert "考评" in show_help(lang="C")


def test_a_commands_help_in_each_language():
    chinese = show_help("evaluate", lang="zh_CN.UTF-8")
    assert "方案编码或方案文件" in chinese and "scheme code" not in chinese
    english = show_help("evaluate", lang="en_US.UTF-8")
    assert "scheme code or scheme TOML file" in english
    assert re.search(r"\[default:\s+mof-2012\]", english)  # click's own parts kept
    assert not CHINESE.search(english)


def test_lang_before_help_wins_over_the_environment():
    english = show_help("evaluate", "--lang", "en", lang="zh_CN.UTF-8")
    assert "base-data table, .xlsx or .csv" in english and not CHINESE.search(english)
    chinese = show_help("experts", "aggregate", "--lang", "zh", lang="en_US.UTF-8")
    assert "汇总专家打分（按方案规则）并提示分歧" in chinese


def every_command() -> list[tuple[str, click.Command]]:
    """(path, command) of every command and group, sub-commands included."""
    ctx = click.Context(app)
    found: list[tuple[str, click.Command]] = [("kaoping", app)]
    todo: list[tuple[str, click.Command]] = []
    for name in COMMANDS:
        command = app.get_command(ctx, name)
        assert command is not None, name
        todo.append((name, command))
    while todo:
        path, command = todo.pop()
        found.append((path, command))
        if isinstance(command, click.Group):
            todo += [(f"{path} {n}", c) for n, c in command.commands.items()]
    return found


@pytest.mark.parametrize("path,command", every_command(), ids=lambda v: str(v))
def test_every_help_text_has_its_chinese(path, command):
    texts = [command.help] + [getattr(p, "help", None) for p in command.params]
    for text in filter(None, texts):
        if text == "Show this message and exit.":  # click's own --help
            continue
        assert not CHINESE.search(text), (path, text)  # the message id is English
        assert CHINESE.search(gettext(text, "zh")), (path, text)
