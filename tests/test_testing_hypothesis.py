"""The hypothesis plugin: st.from_type() makes valid records of every model class.

The package is installed (editable) in a virtual environment shared with other work, so these
tests do not reinstall it to see hypothesis load the entry point: they call the hook the entry
point names, in this process and in a fresh interpreter, and read the entry point from
``pyproject.toml``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import importlib.metadata
import inspect
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import attrs
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import ResolutionFailed

from dexcore import model
from dexcore.errors import InvalidFieldError
from dexcore.model import Case, Client, Dataset
from dexcore.rules import Severity, check
from dexcore.testing.hypothesis_plugin import (
    DATASET_FIRST_DAY,
    DATASET_LAST_DAY,
    register_type_strategies,
)

ROOT = Path(__file__).resolve().parent.parent
MODEL_CLASSES = [
    getattr(model, name)
    for name in model.__all__
    if inspect.isclass(getattr(model, name)) and attrs.has(getattr(model, name))
]
# As a user's suite gets it when hypothesis loads the entry point.
register_type_strategies()


def run_python(code: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that imports this checkout's dexcore."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **environment}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )


def test_the_model_has_the_classes_this_file_expects() -> None:
    assert {Client, Case, Dataset, model.Organisation, model.Outlet} <= set(MODEL_CLASSES)
    assert len(MODEL_CLASSES) >= 20


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_draws_valid_records_of_every_model_class(
    cls: type[attrs.AttrsInstance], data: st.DataObject
) -> None:
    record = data.draw(st.from_type(cls))
    assert type(record) is cls
    attrs.validate(record)  # the model's validators pass on the drawn record as it stands


@settings(max_examples=15)
@given(st.from_type(Dataset))
def test_datasets_from_type_have_no_errors_while_their_period_is_open(dataset: Dataset) -> None:
    """Datasets drawn by type are whole: every check while 2024-H2 is open finds no error."""
    report = check(dataset, today=dt.date(2025, 1, 15))
    assert [i.code for i in report.issues if i.severity is Severity.ERROR] == []
    dates = [session.session_date for session in dataset.sessions]
    assert dates
    assert all(DATASET_FIRST_DAY <= day <= DATASET_LAST_DAY for day in dates)


@settings(max_examples=10)
@given(st.from_type(Dataset))
def test_datasets_from_type_are_late_once_their_period_has_closed(dataset: Dataset) -> None:
    """The other direction: the same check after 2024-H2 has closed flags every session."""
    report = check(dataset, today=dt.date(2025, 3, 1))
    late = [i for i in report.issues if i.code == "session.date.closed-period"]
    assert len(late) == len(dataset.sessions)


@dataclasses.dataclass
class Export:
    """A user's own class whose fields are dexcore records."""

    client: Client
    cases: tuple[Case, ...]


@settings(max_examples=10)
@given(st.builds(Export))
def test_builds_of_a_users_class_with_dexcore_fields_just_works(export: Export) -> None:
    assert isinstance(export.client, Client)
    assert all(isinstance(case, Case) for case in export.cases)


@settings(max_examples=10)
@given(client=...)
def test_given_infers_dexcore_arguments_from_their_annotations(client: Client) -> None:
    assert isinstance(client, Client)


def test_builds_of_a_model_class_itself_is_not_made_valid_as_documented() -> None:
    """hypothesis builds an attrs class from its fields, not from the registered strategy.

    With the annotations still strings it cannot resolve them; once resolved (cattrs resolves
    them when it first structures a class), it draws ids from ``st.text()``, which the model
    refuses.
    """

    @settings(max_examples=100, database=None, derandomize=True, report_multiple_bugs=False)
    @given(st.builds(Case))
    def draw(case: Case) -> None:
        pass

    with pytest.raises((ResolutionFailed, InvalidFieldError)):
        draw()


def test_registering_again_is_harmless() -> None:
    register_type_strategies()
    register_type_strategies()
    assert isinstance(find(st.from_type(Client), lambda _: True), Client)


def test_pyproject_names_the_hook_as_hypothesis_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (target,) = project["entry-points"]["hypothesis"].values()
    module, _, name = target.partition(":")
    assert getattr(importlib.import_module(module), name) is register_type_strategies
    assert project["optional-dependencies"]["testing"] == ["hypothesis>=6.100"]


def test_a_fresh_interpreter_gets_the_strategies_from_the_hook_lightly() -> None:
    done = run_python(
        """
        import json, sys, time
        from hypothesis import given, settings, HealthCheck, strategies as st
        before = set(sys.modules)
        start = time.perf_counter()
        from dexcore.testing.hypothesis_plugin import _hypothesis_setup_hook
        _hypothesis_setup_hook()
        took = time.perf_counter() - start
        loaded = sorted(m for m in set(sys.modules) - before if m.startswith("dexcore"))
        from dexcore.model import Client, Dataset
        drawn = []
        @settings(max_examples=3, database=None, suppress_health_check=list(HealthCheck))
        @given(st.from_type(Client), st.from_type(Dataset))
        def test(client, dataset):
            drawn.append((type(client).__name__, type(dataset).__name__))
        test()
        print(json.dumps({"loaded": loaded, "drawn": drawn, "took": took}))
        """,
        # Hypothesis would run an installed entry point at import, before ``before``:
        # this test measures the hook itself, so it calls it alone.
        HYPOTHESIS_NO_PLUGINS="1",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {tuple(pair) for pair in result["drawn"]} == {("Client", "Dataset")}
    # The model and the hook's own modules: no strategies, reference data, rules or readers.
    light = {"dexcore", "dexcore._caches", "dexcore.errors", "dexcore.testing"}
    assert "dexcore.testing.hypothesis_plugin" in result["loaded"]
    assert "dexcore.model" in result["loaded"]
    heavy = [
        name
        for name in result["loaded"]
        if name not in light
        and not name.startswith(("dexcore.model", "dexcore.testing._extra"))
        and name != "dexcore.testing.hypothesis_plugin"
    ]
    assert heavy == []


def test_a_fresh_interpreter_without_registration_cannot_build_a_client() -> None:
    """The attacker's view of the test above: the strategies come from the hook, not for free."""
    done = run_python(
        """
        from hypothesis import strategies as st
        from dexcore.model import Client
        try:
            st.from_type(Client).example()
        except Exception as error:
            print(type(error).__name__)
        else:
            print("Client")
        """,
        HYPOTHESIS_NO_PLUGINS="1",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in {"InvalidFieldError", "ResolutionFailed"}


def _entry_point_installed() -> bool:
    found = importlib.metadata.entry_points(group="hypothesis")
    return any(point.value.startswith("dexcore.testing.") for point in found)


@pytest.mark.skipif(
    not _entry_point_installed(),
    reason="this dexcore is installed without its hypothesis entry point (an editable install "
    "made before it was added): pip install -e . again; CI installs afresh and runs this test",
)
def test_an_installed_dexcore_registers_through_the_entry_point() -> None:
    """Nothing but ``import hypothesis``: the installed entry point registers the strategies."""
    done = run_python(
        """
        from hypothesis import strategies as st
        from dexcore.model import Client
        print(type(st.from_type(Client).example()).__name__)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Client"
