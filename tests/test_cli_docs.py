"""Every command shown in docs/reference/cli.md runs, and prints what the page says it prints.

In a ``console`` block, a line starting ``$ dexcore`` is a command, run from the
repository's root; the lines after it are its output. A line that is ``...``
stands for any number of lines, and ``...`` inside a line for any text.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from dexcore.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "reference" / "cli.md"


def examples() -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            else:
                found[-1][1].append(line)
    return found


def _pattern(expected: list[str]) -> re.Pattern[str]:
    parts = []
    for line in expected:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(map(re.escape, line.split("..."))) + r"\n")
    return re.compile("".join(parts))


def matches(expected: list[str], output: str) -> bool:
    """Whether ``output`` is ``expected``, with ``...`` standing for what is left out."""
    return _pattern(expected).fullmatch(output) is not None


@pytest.mark.parametrize(("command", "expected"), examples())
def test_documented_command(
    command: str,
    expected: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    words = shlex.split(command)
    assert words[0] == "dexcore"
    main(words[1:])
    output = capsys.readouterr().out
    assert matches(expected, output), (
        f"docs/reference/cli.md shows other output for: {command}\n{output}"
    )


def test_the_matcher_fails_on_a_difference() -> None:
    assert matches(["a", "...", "c ... d"], "a\nx\ny\nc 1 2 d\n")
    assert not matches(["a", "c"], "a\nb\nc\n")
    assert not matches(["a ... d"], "a b c\n")
    assert not matches(["a"], "a\nmore\n")


def test_the_page_shows_every_command_and_format() -> None:
    commands = " ".join(command for command, _ in examples())
    for shown in ("check", "kpi", "summary", "slk", "period", "--csv"):
        assert f" {shown}" in f" {commands}"
    for form in ("json", "sarif", "junit", "csv"):
        assert f"--format {form}" in commands
