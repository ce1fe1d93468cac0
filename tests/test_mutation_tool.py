"""tools/mutation.py moves decorated bodies out from under their decorators, in the copy only.

mutmut does not mutate a decorated function, and every rule is decorated: the rewrite must
leave each function behaving exactly as before, with its body in an undecorated function.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("libcst", reason="libcst comes with mutmut, in the test extra")

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "mutation.py"

SAMPLE = '''
from __future__ import annotations

import contextlib
import functools

CALLS = []


def noted(function):
    """A decorator that reads the docstring, as record_rule does, and counts calls."""
    function.noted = function.__doc__

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        CALLS.append(function.__name__)
        return function(*args, **kwargs)

    return wrapper


@noted
def mixed(a, /, b, c=3, *rest, d, e=5, **more) -> tuple:
    """Every kind of parameter."""
    return (a, b, c, rest, d, e, sorted(more.items()))


@contextlib.contextmanager
def opened(log):
    log.append("enter")
    try:
        sent = yield "inside"
        log.append(sent)
    finally:
        log.append("exit")


@noted
def counted(n):
    """A generator that returns a value."""
    total = 0
    for i in range(n):
        total += yield i
    return total


@noted
def with_inner(x):
    def double(y):
        return 2 * y

    squares = (y * y for y in range(x))
    return double(x) + sum(squares) + (lambda: 1)()


@noted
def only_doc():
    """Nothing but a docstring."""


async def later():
    return 1


class Box:
    def __init__(self, value):
        self.value = value

    @functools.cached_property
    def twice(self):
        """Twice the value."""
        return 2 * self.value

    @property
    def half(self):
        return self.value / 2

    @staticmethod
    @functools.cache
    def three():
        return 3


def outer():
    @noted
    def nested():
        return "nested"

    return nested()
'''


@functools.cache
def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dexcore_mutation_tool", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _load(source: str, name: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": name}
    exec(compile(source, name, "exec"), namespace)  # the sample above, or a file of src/
    return namespace


_Function = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(source: str) -> dict[str, _Function]:
    tree = ast.parse(source)
    found: dict[str, _Function] = {n.name: n for n in tree.body if isinstance(n, _Function)}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found |= {f"{node.name}.{m.name}": m for m in node.body if isinstance(m, _Function)}
    return found


def _behaviour(namespace: dict[str, Any]) -> list[object]:
    log: list[object] = []
    with namespace["opened"](log) as value:
        log.append(value)
    generator = namespace["counted"](3)
    seen = [next(generator), generator.send(10), generator.send(20)]
    with pytest.raises(StopIteration) as stopped:
        generator.send(30)
    box = namespace["Box"](8)
    return [
        namespace["mixed"](1, 2, 9, 10, d=4, f=6),
        namespace["mixed"](1, 2, d=4),
        log,
        seen,
        stopped.value.value,  # 10 + 20 + 30
        namespace["with_inner"](3),  # 2*3 + (0 + 1 + 4) + 1 = 12
        namespace["only_doc"](),
        (box.twice, box.twice, box.half, box.three()),
        namespace["outer"](),
        namespace["mixed"].noted,
        namespace["counted"].noted,
        inspect.signature(namespace["mixed"]),
        namespace["CALLS"],
    ]


def test_the_rewritten_sample_behaves_as_the_original() -> None:
    rewritten = _tool().undecorate(SAMPLE)
    original, moved = _load(SAMPLE, "original"), _load(rewritten, "moved")
    expected = [
        (1, 2, 9, (10,), 4, 5, [("f", 6)]),
        (1, 2, 3, (), 4, 5, []),
        ["enter", "inside", None, "exit"],
        [0, 1, 2],
        60,
        12,
        None,
        (16, 16, 4.0, 3),
        "nested",
        "Every kind of parameter.",
        "A generator that returns a value.",
    ]
    assert _behaviour(original)[:-2] == expected
    assert _behaviour(moved) == _behaviour(_load(SAMPLE, "again"))


def test_bodies_move_to_undecorated_functions_and_the_decorated_ones_delegate() -> None:
    functions = _functions(_tool().undecorate(SAMPLE))
    moved = {
        "mixed": "_mixed__undecorated",
        "opened": "_opened__undecorated",
        "counted": "_counted__undecorated",
        "with_inner": "_with_inner__undecorated",
        "Box.twice": "Box._twice__undecorated",
    }
    for name, body_name in moved.items():
        sibling = functions[body_name]
        assert sibling.decorator_list == []
        assert sibling.args.defaults == []
        assert all(default is None for default in sibling.args.kw_defaults)
        assert ast.get_docstring(sibling) is None
        delegate = functions[name]
        assert delegate.decorator_list
        body = delegate.body[1:] if ast.get_docstring(delegate) else delegate.body
        assert len(body) == 1
        assert isinstance(body[0], ast.Return)
    # The body of the original is the body of the sibling.
    assert ast.unparse(functions["_with_inner__undecorated"].body[0]).startswith("def double")


def test_what_mutmut_handles_or_that_has_no_body_is_left_alone() -> None:
    functions = _functions(_tool().undecorate(SAMPLE))
    kept = ("only_doc", "later", "Box.half", "Box.three", "Box.__init__", "outer", "noted")
    for name in kept:
        assert name in functions
        short = name.rpartition(".")[2]
        assert not any(found.endswith(f"_{short}__undecorated") for found in functions)
    # A source without decorators comes back unchanged, byte for byte.
    plain = "def f(x):\n    return x  # kept\n\n\nclass C:\n    def g(self):\n        pass\n"
    assert _tool().undecorate(plain) == plain


def test_a_rule_module_rewritten_gives_the_same_rules_and_findings() -> None:
    from dexcore.rules import personal_data

    path = ROOT / "src" / "dexcore" / "rules" / "personal_data.py"
    rewritten = _tool().undecorate(path.read_text(encoding="utf-8"))
    assert "def _names_without_consent__undecorated(client" in rewritten
    moved = _load(rewritten, "dexcore.rules.personal_data_moved")
    assert [rule.info for rule in moved["RULES"]] == [rule.info for rule in personal_data.RULES]


def test_prepare_rewrites_the_copy_and_never_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = _tool()
    monkeypatch.setattr(tool, "BUILD", tmp_path)
    checkout = (ROOT / "src" / "dexcore" / "rules" / "personal_data.py").read_text("utf-8")
    work = tool.prepare(tool.BY_NAME["consent-rules"])
    copy = (work / "src" / "dexcore" / "rules" / "personal_data.py").read_text("utf-8")
    assert "_names_without_consent__undecorated" in copy
    assert "_names_without_consent__undecorated" not in checkout
    assert checkout == (ROOT / "src" / "dexcore" / "rules" / "personal_data.py").read_text("utf-8")
    # Files not mutated by the run are copied as they are.
    assert (work / "src" / "dexcore" / "rules" / "quality.py").read_bytes() == (
        ROOT / "src" / "dexcore" / "rules" / "quality.py"
    ).read_bytes()
    assert 'only_mutate = ["src/dexcore/rules/personal_data.py"]' in (
        work / "pyproject.toml"
    ).read_text("utf-8")


def test_a_partial_retest_keeps_the_survivors_it_did_not_test() -> None:
    tool = _tool()
    names = ["m.x_a__mutmut_1", "m.x_a__mutmut_2", "m.x_b__mutmut_1"]
    assert tool.matching(names, ["m.x_a__*"]) == names[:2]
    assert tool.matching(names, None) == names
    # Before: 7 killed, 3 survived; the two of x_a tested again, one now killed.
    earlier = {"counts": {"killed": 7, "survived": 3}, "survivors": names}
    again = {"counts": {"killed": 1, "survived": 1}, "survivors": [names[1]]}
    result = tool.retested(earlier, again, [names[2]])
    assert result["counts"] == {"killed": 8, "survived": 2}
    assert result["survivors"] == [names[1], names[2]]
    assert result["kill_ratio"] == 0.8


def test_a_stopped_run_is_continued_by_retesting_its_survivors_and_unreached_mutants() -> None:
    # A run of 10 mutants stopped after 6: 4 killed, 1 timed out, 1 survived, 4 not reached.
    tool = _tool()
    earlier = tool._result(
        tool.Counter({"killed": 4, "timeout": 1, "survived": 1, "not checked": 4}),
        ["m1"],
        ["m7", "m8", "m9", "m10"],
    )
    assert earlier["kill_ratio"] == round(5 / 6, 3)
    # Tested again, with the unreached: m1 and three of them killed, m10 survives.
    again = tool._result(tool.Counter({"killed": 4, "survived": 1}), ["m10"])
    merged = tool.retested(earlier, again, unchecked=True)
    assert merged["counts"] == {"killed": 8, "survived": 1, "timeout": 1}
    assert (merged["kill_ratio"], merged["survivors"]) == (0.9, ["m10"])
    assert "unchecked" not in merged
    # Without the unreached, only the survivor is tested again, and the 4 stay unreached.
    again = tool._result(tool.Counter({"killed": 1}), [])
    merged = tool.retested(earlier, again)
    assert merged["counts"] == {"killed": 5, "not checked": 4, "survived": 0, "timeout": 1}
    assert merged["unchecked"] == ["m10", "m7", "m8", "m9"]


def test_a_retest_stopped_part_way_keeps_the_mutants_it_did_not_reach_by_name() -> None:
    # Before: 3 killed, survivors s1 and s2, u1 and u2 not reached. Tested again, s1 is
    # killed and s2 not reached (the run stopped): s2 is "not checked" by name, beside u1, u2.
    tool = _tool()
    earlier = tool._result(
        tool.Counter({"killed": 3, "survived": 2, "not checked": 2}), ["s1", "s2"], ["u1", "u2"]
    )
    again = tool._result(tool.Counter({"killed": 1, "not checked": 1}), [], ["s2"])
    merged = tool.retested(earlier, again)
    assert merged["counts"] == {"killed": 4, "not checked": 3, "survived": 0}
    assert (merged["survivors"], merged["unchecked"]) == ([], ["s2", "u1", "u2"])
