"""The checker of the documentation's examples fails a stale example, and rewrites it right."""

from __future__ import annotations

from typing import Any

import pytest

from doc_examples import (
    Command,
    console_failures,
    python_failures,
    python_page_failures,
    reshaped,
)


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
