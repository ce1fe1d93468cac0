"""Every example of the documentation runs and shows what it claims, so a stale example fails.

Pages: ``README.md`` and every page under ``docs/``. Two kinds of example are checked.

**Python** (```` ```python ```` blocks). The blocks of a page run in order in one namespace (as
a reader follows the page), statement by statement, in a directory holding the files the
examples name (:func:`example_files`), with ``dataset`` preset to the bundled example dataset
(the pages call it "your dataset"). A comment at the end of a statement's last line, or else
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
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from dexcore.cli import main
from dexcore.io import dataset_from_json
from dexcore.io.bulk import write_bulk

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "README.md",
    *sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md") if "_build" not in p.parts
    ),
]
# docs/cli.md is being rewritten with the command line (new formats and options) on another
# branch: once that is merged, run this file with --update-doc-outputs, review the page's diff
# and remove it from this set (the xfail is strict: it fails as soon as the page is true).
STALE_UNTIL_CLI_REWRITE = {"docs/cli.md"}
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


@pytest.fixture(scope="module")
def example_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding every file the Python examples name.

    ``upload.xml`` is the example upload (with its deliberate mistakes); ``upload-1.xml`` and
    ``upload-2.xml`` are the files :func:`write_bulk` makes of the example dataset (a clean
    upload in two parts), and ``big-upload.xml`` is the first of them; ``DEXFileUpload.xsd``
    is the test schema; ``DEXReferenceData.xml`` is DSS's 2015 reference data; ``examples/``
    is a copy of the repository's.
    """
    directory = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "examples", directory / "examples")
    shutil.copy(ROOT / "examples" / "example-upload.xml", directory / "upload.xml")
    shutil.copy(ROOT / "tests" / "data" / "mini-upload.xsd", directory / "DEXFileUpload.xsd")
    reference = ROOT / "tools" / "data" / "DEXReferenceData-2015.xml"
    shutil.copy(reference, directory / "DEXReferenceData.xml")
    first, second = write_bulk(example_dataset_of(directory))
    (directory / "upload-1.xml").write_bytes(first)
    (directory / "upload-2.xml").write_bytes(second)
    (directory / "big-upload.xml").write_bytes(first)
    return directory


def example_dataset_of(directory: Path) -> Any:
    return dataset_from_json((directory / "examples" / "example-dataset.json").read_bytes())


def pages_with(language: str) -> list[str]:
    return [page for page in PAGES if any(b.language == language for b in blocks(page))]


@pytest.mark.parametrize("page", pages_with("python"))
def test_python_examples_run_and_show_their_results(
    page: str, example_files: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.chdir(example_files)
    namespace: dict[str, Any] = {"dataset": example_dataset_of(example_files)}
    text = (ROOT / page).read_text(encoding="utf-8")
    failures, updated = python_page_failures(page, text, namespace)
    if updated != text and request.config.getoption("--update-doc-outputs"):
        (ROOT / page).write_text(updated, encoding="utf-8")
        pytest.fail(f"rewrote the results claimed in {page}: review the diff")
    assert not failures, "\n".join(failures)


# -- Console examples -----------------------------------------------------------------------


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


@pytest.mark.parametrize("page", pages_with("console"))
def test_console_examples_print_what_they_show(page: str, request: pytest.FixtureRequest) -> None:
    if page in STALE_UNTIL_CLI_REWRITE:
        request.applymarker(pytest.mark.xfail(reason="regenerate after the CLI rewrite"))
    text = (ROOT / page).read_text(encoding="utf-8")
    failures, updated = console_failures(page, text)
    if failures and request.config.getoption("--update-doc-outputs"):
        (ROOT / page).write_text(updated, encoding="utf-8")
        pytest.fail(f"rewrote {page}: review the diff")
    assert not failures, "\n\n".join(failures)


# -- What the README says check finds ------------------------------------------------------


def test_the_readme_names_every_error_check_finds_in_the_example_upload() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if "three deliberate mistakes" in p)
    named = set(re.findall(r"`([a-z]+(?:\.[a-z-]+)+)`", paragraph))
    argv = ["check", "examples/example-upload.xml", "--today", "2025-01-15", "--format", "json"]
    status, output, _ = run_dexcore(argv)
    errors = {i["code"] for i in json.loads(output)["issues"] if i["severity"] == "error"}
    assert status == 1
    assert named == errors, "README.md: the paragraph on the three deliberate mistakes is stale"


def test_every_code_block_is_one_these_tests_check() -> None:
    checked, not_code = {"python", "console"}, {"{eval-rst}", "{toctree}", "{include}"}
    for page in PAGES:
        inside = False
        for line in (ROOT / page).read_text(encoding="utf-8").splitlines():
            if line.startswith("```"):
                if not inside:
                    language = line[3:].split(" ")[0]
                    assert language in checked | not_code, f"{page}: a ```{language} block"
                inside = not inside


# -- The checker itself: a stale example fails --------------------------------------------


def run_python(code: str) -> list[str]:
    return python_failures(code, "page.md", 1, {})


def test_a_value_is_checked_against_its_comment() -> None:
    assert run_python("1 + 1  # 2\n") == []
    assert run_python("1 + 1  # 3\n") == ["page.md:1 claims '3' but gives 2"]
    assert run_python("0 == 0  # 1\n") != []  # a literal must have the value's type
    assert run_python('"a" * 3  # "aaa"\n') == []  # literals compare by value, not spelling
    assert run_python("list(range(30))  # [0, 1, ..., 29]\n") == []
    assert run_python("list(range(30))  # [1, ..., 29]\n") != []
    assert run_python("{'a': 1}  # {'a':   1}\n") == []
    assert run_python("type(1)  # <class 'int'>\n") == []  # not a literal: its repr
    assert run_python("type(1)  # <class 'str'>\n") != []


def test_a_value_shown_on_the_lines_after_it_is_checked_too() -> None:
    assert run_python("divmod(7, 2)\n# (3,\n#  1)\n") == []
    assert run_python("divmod(7, 2)\n# (3,\n#  2)\n") != []
    assert run_python("divmod(7, 2)\n# (3, 1)\nx = 1\n") == []
    assert run_python("divmod(7, 2)\n# then:\nx = 1\n") != []
    # A blank line sets a comment apart from the statement above it.
    assert run_python("divmod(7, 2)\n\n# then:\nx = 1\n") == []


def test_a_raise_is_checked_against_its_comment() -> None:
    assert run_python("int('x')  # raises ValueError: not a number\n") == []
    assert run_python("x = int('x')  # raises ValueError at once\n") == []
    assert run_python("{}['k']  # raises LookupError\n") == []  # a subclass will do
    assert run_python("int('1')  # raises ValueError\n") == [
        "page.md:1 should raise ValueError but did not"
    ]
    with pytest.raises(AssertionError, match=r"page.md:2 raised KeyError"):
        run_python("x = 1\n{}['k']  # raises ValueError\n")
    with pytest.raises(AssertionError, match=r"page.md:1 raised ZeroDivisionError"):
        run_python("1 / 0\n")


def test_what_a_statement_prints_is_checked_against_its_comment() -> None:
    assert run_python("print('a b')  # a   b\n") == []
    assert run_python("for k in range(3):\n    print(k)\n# 0\n# ...\n# 2\n") == []
    assert run_python("for k in range(3):\n    print(k)\n# 1\n# ...\n") != []
    assert run_python("print('b')  # a\n") != []


def test_prose_after_a_statement_without_a_value_is_not_checked() -> None:
    assert run_python("x = [1]  # a list of one\n") == []
    assert run_python("x = [1]\nx.clear()  # empties it\n") == []


def test_statements_share_one_namespace_in_order() -> None:
    namespace: dict[str, Any] = {}
    assert python_failures("x = 2\n", "page.md", 1, namespace) == []
    assert python_failures("x * 3  # 6\n", "page.md", 9, namespace) == []


def console_page(*lines: str) -> str:
    return "Text.\n\n```console\n" + "".join(f"{line}\n" for line in lines) + "```\n"


PERIOD = "$ dexcore period 2024-06-30 --today 2024-07-31"
IN_H1 = "2024-06-30 is in reporting period 2024-H1 (2024-01-01 to 2024-06-30, ..."


def test_a_console_output_as_shown_passes_and_is_left_alone() -> None:
    page = console_page(PERIOD, IN_H1, "...")
    assert console_failures("page.md", page) == ([], page)


def test_a_stale_console_output_fails_and_is_rewritten_in_its_shape() -> None:
    page = console_page("$ pip install dexcore", PERIOD, "2024-06-30 is in 2024-H2", "...")
    failures, updated = console_failures("page.md", page)
    assert len(failures) == 1
    assert failures[0].startswith(f"page.md:5 {PERIOD}")
    head = IN_H1.removesuffix("...") + "financial year 2023-24)"
    assert updated == console_page("$ pip install dexcore", PERIOD, head, "...")
    assert console_failures("page.md", updated) == ([], updated)


def test_a_console_output_rewritten_in_full_when_shown_in_full() -> None:
    page = console_page(PERIOD, "nothing")
    failures, updated = console_failures("page.md", page)
    assert failures
    assert updated.count("\n") == page.count("\n") + 2  # the three lines `period` prints
    assert console_failures("page.md", updated) == ([], updated)


def test_a_command_that_cannot_run_fails_even_with_no_output_shown() -> None:
    failures, _ = console_failures("page.md", console_page("$ dexcore check no-such-file.xml"))
    assert len(failures) == 1
    assert "(status 2)" in failures[0]
    failures, _ = console_failures("page.md", console_page("$ dexcore --no-such-option"))
    assert "(status 2)" in failures[0]


def test_a_shell_line_runs_this_checkout() -> None:
    assert console_failures("page.md", console_page(f"{PERIOD} | head -1", IN_H1)) == (
        [],
        console_page(f"{PERIOD} | head -1", IN_H1),
    )
    failures, _ = console_failures("page.md", console_page(f"{PERIOD} | tail -1", IN_H1))
    assert failures


def test_which_lines_run_dexcore_and_which_need_a_shell() -> None:
    def command(text: str) -> Command:
        return Command(text, (), 1)

    assert not command("pip install dexcore").runs_dexcore
    assert not command("python3 -m venv .venv && .venv/bin/pip install dexcore").runs_dexcore
    assert command("dexcore slk --csv - < people.csv").runs_dexcore
    assert command("cat people.csv | dexcore slk --csv -").runs_dexcore
    assert command("dexcore slk --csv - < people.csv").needs_shell
    assert not command("dexcore check 'a | b.xml'  # one file, quoted").needs_shell
    assert command("dexcore check 'a | b.xml'  # one file").words[2] == "a | b.xml"


def test_reshaping_keeps_the_lines_around_the_elision() -> None:
    output = "1\n2\n3\n4\n5\n"
    assert reshaped(("a", "...", "b"), output) == ["1", "...", "5"]
    assert reshaped(("a", "b", "..."), output) == ["1", "2", "..."]
    assert reshaped(("...", "b"), output) == ["...", "5"]
    assert reshaped(("a", "..."), "1\n") == ["1"]
    assert reshaped(("a",), output) == ["1", "2", "3", "4", "5"]
    # A shown line that still agrees is kept as shown, with its own elisions.
    assert reshaped(("1", "...", "x"), output) == ["1", "...", "5"]
    assert reshaped(("1 ...", "...", "x"), "1 a\n2\n3\n") == ["1 ...", "...", "3"]
    # Lines between elisions are kept where the output still has them, in order.
    assert reshaped(("x", "...", "3", "...", "y"), output) == ["1", "...", "3", "...", "5"]
    assert reshaped(("x", "...", "9", "...", "y"), output) == ["1", "...", "5"]
    assert reshaped(("x", "...", "2", "...", "y"), output) == ["1", "2", "...", "5"]
    assert reshaped(("x", "...", "4", "...", "y"), output) == ["1", "...", "4", "5"]


def test_a_console_output_keeps_its_spacing() -> None:
    page = console_page(PERIOD, IN_H1.replace(" is in ", " is  in "), "...")
    assert console_failures("page.md", page)[0]


def python_page(*lines: str) -> str:
    return "Text.\n\n```python\n" + "".join(f"{line}\n" for line in lines) + "```\n\nMore.\n"


def test_stale_python_results_are_rewritten_in_place() -> None:
    page = python_page(
        "x = [1, 2]",
        "len(x)  # 3",
        "    # not a claim: an indented comment line of its own",
        "",
        "for k in x:",
        "    print(k)",
        "# 2",
        "# ...",
        "",
        "print('a\\nb')  # a",
        "sum(x)  # 3",
    )
    failures, updated = python_page_failures("page.md", page, {})
    assert [f.split(" ")[0] for f in failures] == ["page.md:5", "page.md:8", "page.md:13"]
    assert updated == python_page(
        "x = [1, 2]",
        "len(x)  # 2",
        "    # not a claim: an indented comment line of its own",
        "",
        "for k in x:",
        "    print(k)",
        "# 1",
        "# ...",
        "",
        "print('a\\nb')",
        "# a",
        "# b",
        "sum(x)  # 3",
    )
    assert python_page_failures("page.md", updated, {}) == ([], updated)


def test_a_value_too_long_for_its_line_is_rewritten_under_its_statement() -> None:
    page = python_page("'a' * 90  # 'a'", "x = 1")
    _, updated = python_page_failures("page.md", page, {})
    assert updated == python_page("'a' * 90", f"# {'a' * 90!r}", "x = 1")
    assert python_page_failures("page.md", updated, {}) == ([], updated)
