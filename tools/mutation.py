"""Mutation testing of dexcore, one package at a time, with only that package's tests.

Usage (from the repository root, with the ``test`` extra installed)::

    python tools/mutation.py slk periods        # the packages named, in that order
    python tools/mutation.py --all              # every package below, in the order listed
    python tools/mutation.py --list             # what each package mutates and runs
    python tools/mutation.py --label after --retest before slk   # only before's survivors
    python tools/mutation.py --only 'dexcore.privacy.sdc._audit.*' sdc   # part of a run first
    python tools/mutation.py --label after --retest before --unchecked bulk-rest
        # before's survivors and the mutants a stopped run did not reach

Each package is run in its own copy of the repository under ``build/mutation/<package>``:
mutmut writes its ``mutants/`` tree and results there, so runs never touch the checkout
and can be repeated. mutmut keeps the results of mutants whose code is unchanged, and
``--retest LABEL`` tests again only the survivors of an earlier run, say after adding tests
(tests only added cannot let a killed mutant live). ``--only GLOB`` tests only the run's
mutants whose names match (a large run taken in parts, the most important first); the
tally still covers the whole run, its mutants not yet tested counted as "not checked".
With ``--retest``, ``--only`` chooses which survivors to test again; the others stay
survivors in the tally.
The run is niced (``nice -n 19``) and uses one worker process: it is meant for a shared
machine, and for a package it takes minutes, not hours. The tallies go to
``build/mutation/summary.json`` (merged across runs) and are printed as a table, with the
name of every surviving mutant; ``mutmut show NAME`` in the package's directory shows one.

mutmut does not mutate decorated functions (it cannot put its trampoline under a decorator),
and dexcore's rules are all decorated (``@record_rule``), as are the ``@remembered`` caches.
So the copy, never the checkout, is rewritten first (:func:`undecorate`): the body of each
decorated function of a mutated file moves into an undecorated sibling,
``_NAME__undecorated`` with the same parameters, and the decorated function keeps its
signature and docstring and only delegates to it (``return _NAME__undecorated(...)``, or
``return (yield from ...)`` for a generator). mutmut then mutates the sibling; the decorator
still sees the same function (``record_rule`` reads its docstring). Left alone: functions
under ``staticmethod``, ``classmethod``, ``property`` (and its setters), ``overload`` or
``abstractmethod``, ``async`` functions, nested functions, and bodies with nothing but a
docstring. Mutant names of such bodies read ``x__NAME__undecorated__mutmut_N``.

The run is not part of ordinary CI (docs/howto/testing.md, "Mutation testing").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "mutation"
SUMMARY = BUILD / "summary.json"

#: What mutmut's exit codes mean (mutmut.stats.status_by_exit_code, kept here so this
#: script needs no private import).
STATUS = {
    0: "survived",
    1: "killed",
    3: "killed",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "type check",
}


@dataclass(frozen=True)
class Package:
    """One mutation run: the files mutated, the tests run, and optionally which functions.

    Attributes:
        name: The run's name on the command line and in the summary.
        files: Globs of the source files mutated (relative to the repository root).
        tests: The test files run against each mutant (only the tests that reach the
            mutated function are run, as mutmut records them).
        functions: Globs of mutmut's mutant names to run, when only part of a file is the
            subject (``dexcore.io.bulk.x__refuse*``); empty for all of ``files``.
    """

    name: str
    files: tuple[str, ...]
    tests: tuple[str, ...]
    functions: tuple[str, ...] = ()
    deselect: tuple[str, ...] = ()


def _existing(*paths: str) -> tuple[str, ...]:
    """The paths this checkout has.

    Modules being renamed are listed under both names, and the tests of an older checkout
    (a "before" run) may lack the newer test files.
    """
    return tuple(path for path in paths if "*" in path or (ROOT / path).exists())


# The rules' own tests; the checker's paths and the partial checks have theirs besides (they
# compare two ways of checking, so they rarely tell a changed rule from the original).
_RULE_TESTS = (
    "tests/test_rules.py",
    "tests/test_rules_oracles.py",
    "tests/test_consent_oracles.py",
    "tests/test_rule_makers.py",
    "tests/test_record_rule_oracles.py",
)
_CHECK_TESTS = (
    "tests/test_engine_oracles.py",
    "tests/test_check_paths.py",
    "tests/test_check_partials.py",
)

_PARTIAL_FILES = tuple(
    f"src/dexcore/rules/{name}.py"
    for name in (
        "partial",
        "_partial_plain",
        "_partial_state",
        "_parallel",
        "_logging",
        "catalogue",
        "__init__",
    )
)
# The concurrency tests run whole: mutmut forks each mutant's tests, and the forked worker of
# a parallel check inherits the mutant (a test runs in a fresh interpreter only when other
# threads would make forking unsafe, which they do not in mutmut's forked test process).
_PARTIAL_TESTS = (
    *_RULE_TESTS,
    *_CHECK_TESTS,
    "tests/test_logging.py",
    "tests/test_concurrency.py",
    "tests/test_partial_plain_oracles.py",
    "tests/test_sources.py",
)

# The bulk runs' tests (bulk-consent-dtd and bulk-writer choose fewer).
_BULK_TESTS = (
    "tests/test_bulk.py",
    "tests/test_hostile.py",
    "tests/test_bulk_oracles.py",
    "tests/test_bulk_reader_oracles.py",
    "tests/test_bulk_value_oracles.py",
    "tests/test_check_paths.py",
    "tests/test_messages.py",
    "tests/test_leak_hunt.py",
)
_BULK_DESELECT = (
    # These two start pytest in a child process, where mutmut cannot switch a mutant on.
    "tests/test_leak_hunt.py::test_pytest_comparison_of_records_holds_no_personal_value",
    "tests/test_leak_hunt.py::test_pytest_alone_would_print_them",
    # These two print Hypothesis examples drawn from dexcore.testing's strategies; they
    # reach no function of dexcore.io.bulk, yet take most of the time of the run's two
    # passes over every selected test (mutmut's stats and its clean run).
    "tests/test_leak_hunt.py::test_falsifying_dataset_is_printed_as_counts",
    "tests/test_leak_hunt.py::test_falsifying_example_of_a_strategy_holds_no_personal_value",
)

PACKAGES = (
    Package("slk", ("src/dexcore/slk/*",), ("tests/test_slk.py", "tests/test_slk_oracles.py")),
    Package(
        "periods",
        ("src/dexcore/periods.py",),
        ("tests/test_periods.py", "tests/test_periods_calendar.py"),
    ),
    Package(
        "score", ("src/dexcore/score/*",), ("tests/test_score.py", "tests/test_score_oracles.py")
    ),
    Package(
        "consent",
        ("src/dexcore/privacy/consent/*",),
        (
            "tests/test_privacy_consent.py",
            "tests/test_consent_oracles.py",
            "tests/test_consent_wording.py",
            "tests/test_privacy_release.py",
        ),
        # The consent ledger alone (the rules of rules/personal_data.py are run apart).
    ),
    Package(
        "consent-rules",
        ("src/dexcore/rules/personal_data.py",),
        ("tests/test_rules.py", "tests/test_rules_oracles.py", "tests/test_consent_oracles.py"),
        # The consent and identifying-id rules alone: the bodies of the @record_rule rules
        # (moved out from under the decorator by undecorate) and their helpers.
    ),
    Package(
        "bulk-consent-dtd",
        ("src/dexcore/io/bulk/*",),
        (
            "tests/test_bulk.py",
            "tests/test_hostile.py",
            "tests/test_bulk_oracles.py",
            "tests/test_bulk_reader_oracles.py",
        ),
        # The writer's consent handling and the refusal of DTDs and entities.
        # (Names as mutmut spells them; ǁ separates a class from its method.)
        (
            "dexcore.io.bulk*ǁ_Writerǁrecord__*",
            "dexcore.io.bulk*ǁ_Writerǁ_complex__*",
            "dexcore.io.bulk*.x_write_bulk__*",
            "dexcore.io.bulk*.x_upload_part__*",
            "dexcore.io.bulk*.x__read_one__*",
            "dexcore.io.bulk*.x__root_end__*",
        ),
    ),
    Package(
        "bulk-writer",
        ("src/dexcore/io/bulk/*",),
        ("tests/test_bulk.py", "tests/test_hostile.py", "tests/test_bulk_oracles.py"),
        # The rest of the writer: escaping, indenting, the leaves, and the packer that
        # splits files under the limit (bulk-consent-dtd has its records and entry points).
        (
            "dexcore.io.bulk._writer.x__escape__*",
            "dexcore.io.bulk._writer.x__without_activity_ids__*",
            "dexcore.io.bulk._writer.*ǁ_Packerǁ*",
            "dexcore.io.bulk._writer.*ǁ_Writerǁ__init____*",
            "dexcore.io.bulk._writer.*ǁ_Writerǁ_pad__*",
            "dexcore.io.bulk._writer.*ǁ_Writerǁ_leaf__*",
        ),
    ),
    Package(
        "sdc-threshold",
        ("src/dexcore/privacy/sdc/*",),
        (
            "tests/test_privacy_sdc.py",
            "tests/test_sdc_oracles.py",
            "tests/test_privacy_differencing.py",
        ),
        # The threshold (in protect), the policy, and the choice of secondary cells.
        (
            "dexcore.privacy.sdc._protect.x_protect_*",
            "dexcore.privacy.sdc._cells.*SuppressionPolicy*",
            "dexcore.privacy.sdc._grid.*ǁ_Gridǁsecondary__*",
            "dexcore.privacy.sdc._grid.*ǁ_Gridǁ_cheapest__*",
        ),
    ),
    Package(
        "kpi",
        ("src/dexcore/kpi/*",),
        ("tests/test_kpi.py", "tests/test_kpi_partials.py", "tests/test_kpi_oracles.py"),
    ),
    Package(
        "kpi-counting",
        ("src/dexcore/kpi/*",),
        ("tests/test_kpi.py", "tests/test_kpi_partials.py", "tests/test_kpi_oracles.py"),
        # The counting rules the issue found unguarded: sessions in the period, unidentified
        # clients per case, and the outcome window.
        (
            "dexcore.kpi._build.*ǁBuilderǁ_sessions__*",
            "dexcore.kpi._build.*ǁBuilderǁ_unidentified__*",
            "dexcore.kpi.partial.x__outcome_tallies__*",
            "dexcore.kpi.partial.x__paired__*",
        ),
    ),
    Package(
        "bulk",
        ("src/dexcore/io/bulk/*",),
        _BULK_TESTS,
        # The whole bulk XML reader and writer (the consent and DTD parts are also the
        # subject of bulk-consent-dtd).
        deselect=_BULK_DESELECT,
    ),
    # The bulk run was stopped part way. mutmut takes mutants in the order of the time
    # of the tests that reach their function, quickest first, and that order shifts
    # between runs among functions whose tests take about as long, so the rest is named
    # by function: every function of dexcore.io.bulk that neither a complete run
    # (bulk-writer, bulk-consent-dtd) nor the stopped run is known to have covered in
    # full. The reader's records, problems and messages first:
    Package(
        "bulk-rest",
        ("src/dexcore/io/bulk/*",),
        _BULK_TESTS,
        (
            *(
                f"dexcore.io.bulk._records.x__{name}__*"
                for name in ("build", "value", "leaf", "has_text")
            ),
            *(
                f"dexcore.io.bulk._names.x__{name}__*"
                for name in ("is_placeholder", "step", "foreign")
            ),
            *(
                f"dexcore.io.bulk._reader.xǁ_Readerǁ{name}__*"
                for name in ("_enter", "finish", "drain")
            ),
            "dexcore.io.bulk._defused.x__feed__*",
            "dexcore.io.bulk._defused.x__parse__*",
            "dexcore.io.bulk._source.x__open__*",
            "dexcore.io.bulk._loading.x__log_read__*",
        ),
        deselect=_BULK_DESELECT,
    ),
    # ...then the plumbing: gathering the files' records, the reader's state, the quick path.
    Package(
        "bulk-rest-plumbing",
        ("src/dexcore/io/bulk/*",),
        _BULK_TESTS,
        (
            "dexcore.io.bulk._loading.x__read_all__*",
            "dexcore.io.bulk._loading.x_load_bulk__*",
            "dexcore.io.bulk._source.x__sources__*",
            "dexcore.io.bulk._reader.xǁ_Readerǁ__init____*",
            "dexcore.io.bulk._reader.xǁ_Readerǁ_start_handler__*",
            "dexcore.io.bulk._quick_reader.xǁ_QuickReaderǁ*",
            "dexcore.io.bulk._quick_reader.xǁ_Sinceǁ*",
            *(
                f"dexcore.io.bulk._quick_reader.x__{name}__*"
                for name in ("plain", "quick", "read_quick")
            ),
        ),
        deselect=_BULK_DESELECT,
    ),
    Package("rules", ("src/dexcore/rules/*",), _RULE_TESTS + _CHECK_TESTS),
    # The rules run in parts, most important first (personal_data.py is consent-rules):
    Package(
        "rules-records",
        tuple(
            f"src/dexcore/rules/{name}.py"
            for name in (
                "integrity",
                "references",
                "assessments",
                "quality",
                "timing",
                "programs",
                "sets",
            )
        ),
        _RULE_TESTS,
    ),
    Package(
        "rules-engine",
        tuple(
            f"src/dexcore/rules/{name}.py"
            for name in ("checker", "context", "engine", "_common", "_issues")
        ),
        (
            *_RULE_TESTS,
            "tests/test_engine_oracles.py",
            "tests/test_check_paths.py",
            "tests/test_logging.py",
        ),
    ),
    Package(
        "rules-engine-log",
        tuple(
            f"src/dexcore/rules/{name}.py"
            for name in ("checker", "context", "engine", "_common", "_issues")
        ),
        ("tests/test_logging.py",),
        # check's mutants against the logging tests alone: what check passes to its log lines.
        ("dexcore.rules.checker.x_check__*",),
    ),
    Package(
        "rules-partial",
        _PARTIAL_FILES,
        _PARTIAL_TESTS,
    ),
    # rules-partial in parts, most important first: the plain form's readers and the partial
    # state (figures from other processes and files, where a wrong reading miscounts
    # silently), the forked worker, the partial checks, then logging and the catalogue.
    *(
        Package(name, _PARTIAL_FILES, _PARTIAL_TESTS, functions)
        for name, functions in (
            (
                "rules-partial-plain",
                ("dexcore.rules._partial_plain.*", "dexcore.rules._partial_state.*"),
            ),
            ("rules-partial-parallel", ("dexcore.rules._parallel.*",)),
            ("rules-partial-check", ("dexcore.rules.partial.*",)),
            (
                "rules-partial-rest",
                (
                    "dexcore.rules._logging.*",
                    "dexcore.rules.catalogue.*",
                    "dexcore.rules.x_*",
                    "dexcore.rules.xǁ*",
                ),
            ),
        )
    ),
    Package(
        "privacy",
        # Named one by one: mutmut's globs match across "/", so privacy/*.py would take in
        # the consent and sdc packages too.
        tuple(
            f"src/dexcore/privacy/{module}.py"
            for module in (
                "exports",
                "disclosure",
                "linkage",
                "identifiers",
                "_coarsening",
                "_bases",
                "_groups",
            )
        ),
        (
            "tests/test_privacy_exports.py",
            "tests/test_privacy_release.py",
            "tests/test_privacy_consent.py",
            "tests/test_privacy_sdc.py",
            "tests/test_privacy_wording.py",
            "tests/test_export_oracles.py",
        ),
        # The exports, the release desk and its lawful bases, linkage keys and the export
        # history, and the priority-group labels (the ledger de-identifies through
        # exports, the count tables label groups through _groups). identifiers.py only
        # re-exports dexcore._idguard, which has its own run.
    ),
    Package(
        "sdc",
        ("src/dexcore/privacy/sdc/*",),
        (
            "tests/test_privacy_sdc.py",
            "tests/test_sdc_oracles.py",
            "tests/test_privacy_differencing.py",
            "tests/test_sdc_lp_scope_oracles.py",
            "tests/test_sdc_differencing_oracles.py",
        ),
        # The rest of dexcore.privacy.sdc: what sdc-threshold leaves out.
        (
            "dexcore.privacy.sdc._protect.x__population_groups__*",
            "dexcore.privacy.sdc._protect.x__summarise__*",
            "dexcore.privacy.sdc._protect.x__final_audit__*",
            "dexcore.privacy.sdc._cells.x__whole__*",
            "dexcore.privacy.sdc._cells.x_round_count__*",
            "dexcore.privacy.sdc._cells.*ǁSuppressedǁ*",
            "dexcore.privacy.sdc._cells.*ǁRoundingPolicyǁ*",
            *(
                f"dexcore.privacy.sdc._grid.*ǁ_Gridǁ{method}__*"
                for method in (
                    "__init__",
                    "is_total",
                    "is_hidden",
                    "hide",
                    "ranges",
                    "unprotected",
                    "failures",
                    "pinned",
                    "_candidates",
                    "_other_line_has_hidden",
                    "_sign",
                    "_rectangle",
                    "_best_rectangle",
                    "_show_unneeded",
                )
            ),
            *(
                f"dexcore.privacy.sdc.{module}.*"
                for module in (
                    "_audit",
                    "_canonical",
                    "_differencing",
                    "_exposure",
                    "_lp",
                    "_population",
                    "_released",
                    "_scope",
                    "_tables",
                )
            ),
        ),
    ),
    Package(
        "idguard",
        ("src/dexcore/_idguard/*",),
        (
            "tests/test_privacy_identifiers.py",
            "tests/test_identifier_oracles.py",
            "tests/test_rules_oracles.py",
        ),
        # The id guard: when a client or case id gives its client away.
    ),
)
BY_NAME = {package.name: package for package in PACKAGES}

# What the tests read besides src/ and tests/ (mutmut copies those two itself).
_ALSO_COPY = ("examples", "docs", "tools", "bench", "pyproject.toml", "README.md", "LICENSE")


def _selection(package: Package) -> list[str]:
    """The pytest arguments that choose ``package``'s tests."""
    deselected = [arg for node in package.deselect for arg in ("--deselect", node)]
    return [*_existing(*package.tests), *deselected]


def prepare(package: Package) -> Path:
    """A fresh copy of the checkout for ``package``, its pyproject naming what to mutate."""
    work = BUILD / package.name
    work.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name in ("src", "tests", *_ALSO_COPY):
        source, target = ROOT / name, work / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, target)
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    settings = (
        f"only_mutate = {json.dumps(list(package.files))}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(_selection(package))}\n"
    )
    pyproject.write_text(text.replace("[tool.mutmut]\n", "[tool.mutmut]\n" + settings, 1))
    for pattern in package.files:
        for path in sorted(work.glob(pattern)):
            if path.suffix == ".py":
                path.write_text(undecorate(path.read_text(encoding="utf-8")), encoding="utf-8")
    return work


#: Decorators whose functions are left as they are: mutmut mutates the first two itself,
#: and the others have no body to move or need the function itself (a property's setter).
_KEEP = frozenset(
    {"staticmethod", "classmethod", "property", "overload", "abstractmethod", "setter", "deleter"}
)
_SUFFIX = "__undecorated"


def undecorate(source: str) -> str:
    """``source`` with each decorated function's body moved into an undecorated sibling.

    The module's top-level functions and the methods of its top-level classes are
    rewritten (mutmut mutates nothing deeper). ``@rule def check(a, b=1): BODY`` becomes
    ``def _check__undecorated(a, b): BODY`` followed by ``@rule def check(a, b=1):
    return _check__undecorated(a, b)``; a method delegates through its first parameter
    (``self._name__undecorated(...)``), and a generator with ``return (yield from ...)``.
    The decorated function keeps its docstring, annotations and defaults.
    """
    import libcst as cst  # noqa: PLC0415 (mutmut's own dependency, needed only here)

    module = cst.parse_module(source)
    body: list[cst.CSTNode] = []
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            inner: list[cst.CSTNode] = []
            for member in statement.body.body:
                inner.extend(_split(member, method=True))
            block = statement.body.with_changes(body=inner)
            body.append(statement.with_changes(body=block))
        else:
            body.extend(_split(statement, method=False))
    return module.with_changes(body=body).code


def _split(node: cst.CSTNode, *, method: bool) -> list[cst.CSTNode]:
    """``node``, or an undecorated sibling holding its body and ``node`` delegating to it."""
    import libcst as cst  # noqa: PLC0415

    if not (isinstance(node, cst.FunctionDef) and node.decorators and _movable(node)):
        return [node]
    assert isinstance(node.body, cst.IndentedBlock)
    statements = list(node.body.body)
    docstring = statements[:1] if node.get_docstring(clean=False) is not None else []
    rest = statements[len(docstring) :]
    if not rest or (method and not node.params.posonly_params and not node.params.params):
        return [node]
    name = f"_{node.name.value}{_SUFFIX}"
    sibling = node.with_changes(
        name=cst.Name(name),
        decorators=[],
        params=_without_defaults(node.params),
        body=node.body.with_changes(body=rest),
    )
    call = _delegation(node, name, method=method)
    delegate = node.with_changes(body=node.body.with_changes(body=[*docstring, call]))
    return [sibling, delegate]


def _movable(function: cst.FunctionDef) -> bool:
    """Whether ``function`` may be split: not async, and under none of :data:`_KEEP`."""
    import libcst as cst  # noqa: PLC0415

    for decorator in function.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        if isinstance(expression, cst.Attribute):
            expression = expression.attr
        if isinstance(expression, cst.Name) and expression.value in _KEEP:
            return False
    return function.asynchronous is None


def _without_defaults(params: cst.Parameters) -> cst.Parameters:
    """``params`` with no default values (the decorated function passes every argument)."""
    import libcst as cst  # noqa: PLC0415

    def bare(param: cst.Param) -> cst.Param:
        return param.with_changes(default=None, equal=cst.MaybeSentinel.DEFAULT)

    return params.with_changes(
        posonly_params=[bare(p) for p in params.posonly_params],
        params=[bare(p) for p in params.params],
        kwonly_params=[bare(p) for p in params.kwonly_params],
    )


def _delegation(function: cst.FunctionDef, name: str, *, method: bool) -> cst.BaseStatement:
    """``return NAME(every parameter)`` (or ``return (yield from ...)`` for a generator)."""
    import libcst as cst  # noqa: PLC0415

    params = function.params
    positional = [*params.posonly_params, *params.params]
    args = [cst.Arg(cst.Name(p.name.value)) for p in positional]
    if isinstance(params.star_arg, cst.Param):
        args.append(cst.Arg(cst.Name(params.star_arg.name.value), star="*"))
    args += [
        cst.Arg(cst.Name(p.name.value), keyword=cst.Name(p.name.value))
        for p in params.kwonly_params
    ]
    if params.star_kwarg is not None:
        args.append(cst.Arg(cst.Name(params.star_kwarg.name.value), star="**"))
    callee: cst.BaseExpression = cst.Name(name)
    if method:
        callee = cst.Attribute(value=args[0].value, attr=cst.Name(name))
        args = args[1:]
    call: cst.BaseExpression = cst.Call(func=callee, args=args)
    if _is_generator(function):
        call = cst.Yield(value=cst.From(item=call), lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.SimpleStatementLine(body=[cst.Return(value=call)])


def _is_generator(function: cst.FunctionDef) -> bool:
    """Whether ``function``'s own body yields (not a function, lambda or class inside it)."""
    import libcst as cst  # noqa: PLC0415

    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Yield):
            return True
        if not isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            stack.extend(node.children)
    return False


def run(
    package: Package, only: list[str] | None = None, part: list[str] | None = None
) -> dict[str, object]:
    """Run mutmut on ``package`` (niced, one worker) and tally its results.

    ``only`` names the mutants to test again (the others keep their earlier results), and
    the tally is of them alone; ``part`` gives globs of the mutants to test, and the tally
    is of the whole package.
    """
    work = prepare(package)
    mutmut = Path(sys.executable).with_name("mutmut")
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment["DEXCORE_HYPOTHESIS_PROFILE"] = "mutation"
    names = only if only is not None else part if part else package.functions
    command = ["nice", "-n", "19", str(mutmut), "run", "--max-children", "1", *names]
    # mutmut draws a progress spinner: its output goes to a log, the tally is printed below.
    with (work / "mutmut.log").open("wb") as log:
        subprocess.run(command, cwd=work, env=environment, stdout=log, stderr=log, check=False)
    return tally(package, work, only)


def tally(package: Package, work: Path, only: list[str] | None = None) -> dict[str, object]:
    """Killed, survived, timeouts... of ``package``'s mutants; the survivors and the unreached.

    The mutants not reached are those of a run stopped part way.
    With ``only``, of those mutants alone (mutmut forgets the others' results when it
    makes the mutants again from a fresh copy).
    """
    counts: Counter[str] = Counter()
    survivors: list[str] = []
    unchecked: list[str] = []
    selected = _selector(package) if only is None else set(only).__contains__
    for meta in sorted((work / "mutants").rglob("*.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for name, code in codes.items():
            if not selected(name):
                continue
            status = "not checked" if code is None else STATUS.get(code, "suspicious")
            counts[status] += 1
            if status == "survived":
                survivors.append(name)
            elif status == "not checked":
                unchecked.append(name)
    return _result(counts, survivors, unchecked)


def retested(
    earlier: dict[str, object],
    again: dict[str, object],
    untested: list[str] | None = None,
    *,
    unchecked: bool = False,
) -> dict[str, object]:
    """An earlier run's tally with its survivors replaced by their results when tested again.

    ``untested`` names earlier survivors not tested again: they stay survivors. With
    ``unchecked``, the mutants the earlier run did not reach are replaced too.
    """
    before, after = earlier["counts"], again["counts"]
    assert isinstance(before, dict)
    assert isinstance(after, dict)
    counts: Counter[str] = Counter(before)
    counts["survived"] = len(untested or [])
    if unchecked:
        counts["not checked"] = 0
    counts.update(after)
    survivors, left = again["survivors"], again.get("unchecked", [])
    assert isinstance(survivors, list)
    assert isinstance(left, list)
    # Mutants tested again but not reached this time (a stopped run) stay "not checked", by
    # name, with the earlier run's own unreached ones when they were not tested again.
    kept = [] if unchecked else _names(earlier, "unchecked")
    return _result(counts, [*survivors, *(untested or [])], [*left, *kept])


def matching(names: list[str], globs: list[str] | None) -> list[str]:
    """The names that match any of ``globs`` (all of them when there are none)."""
    return [name for name in names if not globs or any(fnmatch(name, g) for g in globs)]


def _result(
    counts: Counter[str], survivors: list[str], unchecked: list[str] | None = None
) -> dict[str, object]:
    tested = counts["killed"] + counts["survived"] + counts["timeout"]
    killed = counts["killed"] + counts["timeout"]
    result: dict[str, object] = {
        "counts": {
            status: n for status, n in sorted(counts.items()) if n or status != "not checked"
        },
        "kill_ratio": round(killed / tested, 3) if tested else None,
        "survivors": sorted(survivors),
    }
    if unchecked:
        result["unchecked"] = sorted(unchecked)
    return result


def _names(result: dict[str, object], key: str) -> list[str]:
    found = result.get(key, [])
    assert isinstance(found, list)
    return [str(name) for name in found]


def _selector(package: Package) -> Callable[[str], bool]:
    def selected(name: str) -> bool:
        return not package.functions or any(fnmatch(name, p) for p in package.functions)

    return selected


def _recorded(name: str, label: str) -> dict[str, object]:
    summary = json.loads(SUMMARY.read_text(encoding="utf-8")) if SUMMARY.exists() else {}
    found = summary.get(name, {}).get(label, {})
    assert isinstance(found, dict)
    return found


def survivors(name: str, label: str, *, unchecked: bool = False) -> list[str]:
    """The survivors of the run of package ``name`` recorded as ``label``.

    With ``unchecked``, the mutants it did not reach (it was stopped) follow them.
    """
    recorded = _recorded(name, label)
    return _names(recorded, "survivors") + (_names(recorded, "unchecked") if unchecked else [])


def record(name: str, result: dict[str, object], label: str) -> None:
    """Merge one package's result into the summary file, as ``label`` (before/after)."""
    summary = json.loads(SUMMARY.read_text(encoding="utf-8")) if SUMMARY.exists() else {}
    summary.setdefault(name, {})[label] = result
    SUMMARY.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def show(summary: dict[str, dict[str, dict[str, object]]]) -> None:
    """Print a table of the summary: package, run, counts and kill ratio."""
    print(f"{'package':18} {'run':7} {'killed':>6} {'survived':>8} {'timeout':>7} {'ratio':>6}")
    for name, runs in summary.items():
        for label, result in runs.items():
            counts = result["counts"]
            assert isinstance(counts, dict)
            print(
                f"{name:18} {label:7} {counts.get('killed', 0):6} "
                f"{counts.get('survived', 0):8} {counts.get('timeout', 0):7} "
                f"{result['kill_ratio']!s:>6}"
            )


def main(argv: list[str] | None = None) -> int:
    """Run the packages named on the command line; print and record their tallies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", metavar="PACKAGE", help=", ".join(BY_NAME))
    parser.add_argument("--all", action="store_true", help="every package, in order")
    parser.add_argument("--list", action="store_true", help="list the packages and stop")
    parser.add_argument("--label", default="latest", help="record the run as (default: latest)")
    parser.add_argument(
        "--only",
        action="append",
        metavar="GLOB",
        help="test only the mutants (or with --retest, the survivors) whose names match GLOB",
    )
    parser.add_argument(
        "--retest",
        metavar="LABEL",
        help="test again only the survivors of the run recorded as LABEL (after adding tests)",
    )
    parser.add_argument(
        "--unchecked",
        action="store_true",
        help="with --retest, test too the mutants that run did not reach (it was stopped)",
    )
    arguments = parser.parse_args(argv)
    if arguments.list:
        for package in PACKAGES:
            print(f"{package.name}: {', '.join(package.files)} <- {', '.join(package.tests)}")
        return 0
    if arguments.unchecked and (arguments.retest is None or arguments.only):
        parser.error("--unchecked goes with --retest, and not with --only")
    unknown = [name for name in arguments.packages if name not in BY_NAME]
    if unknown or not (arguments.all or arguments.packages):
        parser.error(f"name packages from: {', '.join(BY_NAME)}; or --all")
    chosen = list(PACKAGES) if arguments.all else [BY_NAME[n] for n in arguments.packages]
    BUILD.mkdir(parents=True, exist_ok=True)
    for package in chosen:
        if arguments.retest is None:
            record(package.name, run(package, part=arguments.only), arguments.label)
        elif again := matching(
            survivors(package.name, arguments.retest, unchecked=arguments.unchecked),
            arguments.only,
        ):
            earlier = _recorded(package.name, arguments.retest)
            untested = [n for n in survivors(package.name, arguments.retest) if n not in again]
            again_result = run(package, again)
            counted = again_result["counts"]
            assert isinstance(counted, dict)
            if sum(counted.values()) != len(again):
                print(
                    f"{package.name}: {len(again) - sum(counted.values())} of the {len(again)} "
                    "mutants named are gone (their function changed since, so mutmut numbers "
                    "its mutants afresh): run those functions again with --only",
                    file=sys.stderr,
                )
            result = retested(earlier, again_result, untested, unchecked=arguments.unchecked)
            record(package.name, result, arguments.label)
        else:
            print(f"{package.name}: no survivor of {arguments.retest} to test again")
    show(json.loads(SUMMARY.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
