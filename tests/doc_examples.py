"""Run the examples of the README and the docs, and check what they claim.

``tests/test_docs_examples.py`` runs every page's examples; ``tests/test_doc_examples_checker.py``
shows that a stale example fails. Two kinds of example are checked.

**Python** (```` ```python ```` blocks). The blocks of a page run in order in one namespace (as
a reader follows the page), statement by statement, in a directory holding the files the
examples name (the fixture ``example_files``), with ``dataset`` preset to the bundled example
dataset (the pages call it "your dataset"). A comment at the end of a statement's last line, or else
the comment lines right under the statement, is the statement's *result*, and it is checked:

- ``# raises NameError...``: the statement raises that exception (or a subclass); the words
  after the name are prose;
- after an expression on its own whose value is not ``None``: the value. A Python literal is
  compared by value (``# False``, ``# 'RONLI010119702'``); anything else is compared with the
  value's ``repr``, where ``...`` stands for any text and white space runs compare equal
  (doctest's ELLIPSIS and NORMALIZE_WHITESPACE);
- after a statement that prints: what it prints, compared the same way;
- otherwise (an assignment, a call that returns ``None``) the comment is prose.

So an expression on its own is commented with its value, not with a description of it: write
``outcomes = client_outcomes(...)  # {client id: True/False}`` for a description; and a
comment that introduces the next statement has a blank line above it. A value too long for
the line (``ruff format`` formats these blocks too, at 100 columns) goes on comment lines
under its statement.

**Console** (```` ```console ```` blocks). Each ``$`` line that runs ``dexcore`` runs in the
repository's root: in-process through :func:`dexcore.cli.main` (stdout, then stderr), or, when
it uses the shell (a pipe, a redirection), in bash with ``dexcore`` this checkout's (stdout
and stderr merged). What it prints must match the lines shown after it (up to the next ``$``
line), with ``...`` standing for any text and white space exact. A command shown without
output must not fail (exit status 2). Other ``$`` lines (``pip install``) are not run.

When the code's output changes on purpose, ``pytest tests/test_docs_examples.py
--update-doc-outputs`` rewrites the console outputs and the Python values and printed
outputs that are no longer true from actual runs, keeping each one's shape (the lines shown
before and after a ``...`` line, and lines between two ``...`` that are still printed); review
the diff. A ``raises`` claim and the README's paragraph on the example upload's mistakes are
fixed by hand.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import io
import os
import re
import shlex
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from dexcore.cli import main

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```(python|console)[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
RAISES = re.compile(r"raises (\w+)")
LINE_LENGTH = 100  # ruff's, which formats the Python blocks of the pages too


@attrs.frozen
class Block:
    """A fenced block of a page: its language, text and the page line its text starts on."""

    language: str
    text: str
    line: int


def blocks(page: str, text: str | None = None) -> list[Block]:
    text = (ROOT / page).read_text(encoding="utf-8") if text is None else text
    return [
        Block(m.group(1), m.group(2), text.count("\n", 0, m.start(2)) + 1)
        for m in BLOCK.finditer(text)
    ]


def agrees(claim: str, shown: str, *, exact_spacing: bool = False) -> bool:
    """Whether ``shown`` is what ``claim`` says, with ``...`` for any text.

    Runs of white space compare equal unless ``exact_spacing`` (for a terminal's columns).
    """
    flags = doctest.ELLIPSIS | (0 if exact_spacing else doctest.NORMALIZE_WHITESPACE)
    want, got = claim.strip("\n") + "\n", shown.strip("\n") + "\n"
    return doctest.OutputChecker().check_output(want, got, flags)


# -- Python examples ------------------------------------------------------------------------


def comments(code: str) -> dict[int, tuple[int, str]]:
    """Each comment of ``code`` by line: its column and its text after ``#`` and a space."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return {
        t.start[0]: (t.start[1], t.string[1:].removeprefix(" "))
        for t in tokens
        if t.type == tokenize.COMMENT
    }


@attrs.frozen
class Claim:
    """The comment that states a statement's result, on lines ``first``-``last`` of its block."""

    text: str
    first: int
    last: int
    trailing: bool  # at the end of the statement's last line, not on lines of its own


def result_comment(statement: ast.stmt, code: str, found: dict[int, tuple[int, str]]) -> Claim:
    """The comment that states a statement's result (its text is '' if none)."""
    lines = code.splitlines()
    end = statement.end_lineno or statement.lineno
    if end in found:
        return Claim(found[end][1], end, end, trailing=True)
    following: list[str] = []
    number = end + 1
    while number in found and lines[number - 1].lstrip().startswith("#"):
        following.append(found[number][1])
        number += 1
    return Claim("\n".join(following), end + 1, number - 1, trailing=False)


@attrs.frozen
class Rewrite:
    """Lines ``first``-``last`` of a page (1-based) and the lines that replace them."""

    first: int
    last: int
    lines: tuple[str, ...]


def rewrite(claim: Claim, actual: str, code: str, found: dict[int, tuple[int, str]]) -> Rewrite:
    """The lines of a block that state ``actual`` where ``claim`` stood (block line numbers)."""
    lines, new = code.splitlines(), actual.split("\n")
    if claim.trailing:
        column = found[claim.first][0]
        statement = lines[claim.first - 1][:column]
        if len(new) == 1 and len(f"{statement}# {new[0]}") <= LINE_LENGTH:
            return Rewrite(claim.first, claim.first, (f"{statement}# {new[0]}",))
        indent = statement[: len(statement) - len(statement.lstrip())]
        shown = tuple(f"{indent}# {line}".rstrip() for line in new)
        return Rewrite(claim.first, claim.first, (statement.rstrip(), *shown))
    indent = lines[claim.first - 1][: found[claim.first][0]]
    return Rewrite(claim.first, claim.last, tuple(f"{indent}# {line}".rstrip() for line in new))


def rewritten(text: str, rewrites: list[Rewrite]) -> str:
    """``text`` with each rewrite made."""
    lines = text.split("\n")
    for change in sorted(rewrites, key=lambda r: r.first, reverse=True):
        lines[change.first - 1 : change.last] = change.lines
    return "\n".join(lines)


def literal(claim: str) -> tuple[bool, object]:
    """``(True, value)`` when the claim is a Python literal with no elision."""
    if "..." in claim:
        return False, None
    try:
        return True, ast.literal_eval(claim.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None


def value_agrees(claim: str, value: object) -> bool:
    is_literal, expected = literal(claim)
    if is_literal:
        return type(expected) is type(value) and expected == value
    return agrees(claim, repr(value))


def run_statement(statement: ast.stmt, where: str, namespace: dict[str, Any]) -> tuple[Any, str]:
    """Run one statement; returns the value of an expression (else None) and what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        if isinstance(statement, ast.Expr):
            value = eval(compile(ast.Expression(statement.value), where, "eval"), namespace)
        else:
            exec(compile(ast.Module([statement], []), where, "exec"), namespace)
            value = None
    return value, printed.getvalue()


def python_failures(
    code: str,
    where: str,
    first_line: int,
    namespace: dict[str, Any],
    rewrites: list[Rewrite] | None = None,
) -> list[str]:
    """Run a Python block statement by statement; returns each result that is not as claimed.

    ``rewrites`` receives, for each value or output that is not as claimed, the page lines that
    would state it.
    """
    tree = ast.parse(code)
    found = comments(code)
    failures: list[str] = []
    for statement in tree.body:
        claim = result_comment(statement, code, found)
        line = f"{where}:{first_line + statement.lineno - 1}"
        ast.increment_lineno(statement, first_line - 1)
        raises = RAISES.match(claim.text)
        try:
            value, printed = run_statement(statement, where, namespace)
        except Exception as error:
            names = {kind.__name__ for kind in type(error).__mro__}
            if raises and raises.group(1) in names:
                continue
            raise AssertionError(f"{line} raised {type(error).__name__}: {error}") from error
        actual = None
        if raises:
            failures.append(f"{line} should raise {raises.group(1)} but did not")
        elif claim.text and isinstance(statement, ast.Expr) and value is not None:
            if not value_agrees(claim.text, value):
                failures.append(f"{line} claims {claim.text!r} but gives {value!r}")
                actual = repr(value)
        elif claim.text and printed and not agrees(claim.text, printed):
            failures.append(f"{line} claims it prints {claim.text!r} but prints {printed!r}")
            shown = tuple(claim.text.split("\n"))
            actual = "\n".join(reshaped(shown, printed, exact_spacing=False))
        if actual is not None and rewrites is not None:
            change = rewrite(claim, actual, code, found)
            rewrites.append(
                attrs.evolve(
                    change, first=change.first + first_line - 1, last=change.last + first_line - 1
                )
            )
    return failures


def python_page_failures(page: str, text: str, namespace: dict[str, Any]) -> tuple[list[str], str]:
    """Each Python result of a page that is not as claimed, and the page with actual results."""
    failures: list[str] = []
    rewrites: list[Rewrite] = []
    for block in blocks(page, text):
        if block.language == "python":
            failures += python_failures(block.text, page, block.line, namespace, rewrites)
    return failures, rewritten(text, rewrites)


# -- Console examples ---------------------------------------------------------------------


@attrs.frozen
class Command:
    """A ``$`` line of a console block that runs dexcore, and the output lines shown after it."""

    text: str  # the command line, after the "$ "
    shown: tuple[str, ...]
    line: int  # the page line of the ``$`` line (1-based)

    @property
    def words(self) -> list[str]:
        """The words of the command, with shell operators (``|``, ``<``, ``&&``) as words."""
        lexer = shlex.shlex(self.text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        return list(lexer)

    @property
    def needs_shell(self) -> bool:
        """Whether the line uses the shell (a pipe, a redirection, several commands)."""
        return any(operator(word) for word in self.words)

    @property
    def runs_dexcore(self) -> bool:
        """Whether ``dexcore`` is one of the line's commands (not ``pip install dexcore``)."""
        words = self.words
        return any(
            w == "dexcore" and (k == 0 or operator(words[k - 1])) for k, w in enumerate(words)
        )


def operator(word: str) -> bool:
    return bool(word) and set(word) <= set("();<>|&")


def commands(block: Block) -> Iterator[Command]:
    lines = block.text.splitlines()
    starts = [k for k, line in enumerate(lines) if line.startswith("$ ")]
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        command = Command(lines[start][2:], tuple(lines[start + 1 : end]), block.line + start)
        if command.runs_dexcore:
            yield command


def run_command(command: Command) -> tuple[int, str]:
    """Run a command line in the repository root: its exit status and output."""
    if command.needs_shell:
        return run_in_shell(command.text)
    status, out, err = run_dexcore(command.words[1:])
    return status, out + err


def run_dexcore(argv: list[str]) -> tuple[int, str, str]:
    """Run ``dexcore ARGV`` in-process in the repository root: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.chdir(ROOT),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            status = main(argv)
        except SystemExit as leaving:  # argparse's refusals
            status = leaving.code if isinstance(leaving.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def run_in_shell(text: str) -> tuple[int, str]:
    """Run a shell line in which ``dexcore`` is this checkout's, output and errors merged."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    script = f'dexcore() {{ "{sys.executable}" -m dexcore "$@"; }}\n{text}'
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout


def reshaped(shown: tuple[str, ...], output: str, *, exact_spacing: bool = True) -> list[str]:
    """``output`` as lines, cut to the shape of ``shown``, which it no longer agrees with.

    ``shown`` keeps as many lines before its first ``...`` line and after its last as it had,
    each the shown line where it still agrees with the output (so its own ``...`` stay) and
    the output's line where not; a shown line between two ``...`` lines is kept where it
    agrees with a line of the output there, in order, and dropped where not.
    """
    actual = output.rstrip("\n").split("\n")
    if "..." not in shown:
        return actual
    head = shown.index("...")
    tail = len(shown) - 1 - max(k for k, line in enumerate(shown) if line == "...")
    if head + tail >= len(actual):
        return actual

    def same(line: str, real: str) -> str:
        return line if agrees(line, real, exact_spacing=exact_spacing) else real

    kept = [same(line, real) for line, real in zip(shown[:head], actual, strict=False)]
    between = actual[head : len(actual) - tail]
    position = 0
    for line in shown[head : len(shown) - tail]:
        if line == "...":
            kept.append(line)
            continue
        matches = (agrees(line, real, exact_spacing=exact_spacing) for real in between[position:])
        found = next((position + k for k, match in enumerate(matches) if match), None)
        if found is not None:
            if found == position and kept and kept[-1] == "...":
                kept.pop()  # it would stand for no line
            kept.append(line)
            position = found + 1
    if position == len(between) and kept and kept[-1] == "...":
        kept.pop()
    ends = zip(shown[len(shown) - tail :], actual[len(actual) - tail :], strict=True)
    kept += [same(line, real) for line, real in ends]
    return [line for k, line in enumerate(kept) if line != "..." or kept[k - 1 : k] != ["..."]]


def console_failures(page: str, text: str) -> tuple[list[str], str]:
    """Each command of a page whose output is not as shown, and the page with actual outputs."""
    failures: list[str] = []
    lines = text.split("\n")
    for block in reversed(blocks(page, text)):
        for command in reversed(list(commands(block))):
            status, output = run_command(command)
            where = f"{page}:{command.line} $ {command.text}"
            if status == 2 or "Traceback" in output:
                failures.append(f"{where} failed (status {status}):\n{output}")
            elif command.shown and not agrees("\n".join(command.shown), output, exact_spacing=True):
                failures.append(f"{where} printed:\n{output}")
                start = command.line  # 0-based index of the first output line
                lines[start : start + len(command.shown)] = reshaped(command.shown, output)
    return failures, "\n".join(lines)
