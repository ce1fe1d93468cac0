"""A conformance kit for vendors: check your uploads in your own tests, against shipped samples.

:func:`assert_dex_valid` fails a test when an upload (a bulk-upload XML
file, a dexcore JSON file or a :class:`~dexcore.model.Dataset`) has an error
DEX would reject it for; the failure's message is the report
``dexcore check`` prints, which names rule codes, record ids and paths but
no personal value. :func:`sample_uploads` lists the synthetic uploads
shipped with dexcore, valid and invalid, each with the issue codes a check
gives it, to test your own reader or checker against. The pytest plugin
(:mod:`dexcore.testing.pytest_plugin`) hands both out as fixtures. See
:doc:`/howto/testing-your-system`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import attrs

from dexcore.errors import DexValueError
from dexcore.io import dataset_from_json
from dexcore.io.bulk import load_bulk
from dexcore.model import Dataset
from dexcore.reference import ReferenceData
from dexcore.report_formats import Located, text_report
from dexcore.rules import KnownRecords, RuleSet, Severity, check

__all__ = ["SampleUpload", "assert_dex_valid", "sample_uploads"]

#: The day a check is made for when the data holds no date at all.
_NO_DATES = dt.date(2000, 1, 1)


@attrs.frozen(kw_only=True)
class SampleUpload:
    """A synthetic bulk upload shipped with dexcore, and what a check finds in it.

    Attributes:
        name: The file's name, such as ``valid-minimal.xml``.
        path: Where the file is.
        description: What the sample holds and why.
        today: The day its expected issues hold for (periods close, dates fall due).
        valid: Whether DEX would accept it: no issue of severity ``ERROR``.
        expected_codes: The code of each issue a check on :attr:`today`
            reports (records that cannot be read included), sorted, a code
            once per issue.
    """

    name: str
    path: Path
    description: str
    today: dt.date
    valid: bool
    expected_codes: tuple[str, ...]


def sample_uploads() -> tuple[SampleUpload, ...]:
    """The sample uploads shipped with dexcore, as their manifest ``samples.json`` lists them."""
    folder = resources.files("dexcore.testing") / "samples"
    manifest = json.loads((folder / "samples.json").read_text(encoding="utf-8"))
    return tuple(
        SampleUpload(
            name=entry["file"],
            path=Path(str(folder / entry["file"])),
            description=entry["description"],
            today=dt.date.fromisoformat(entry["today"]),
            valid=entry["valid"],
            expected_codes=tuple(sorted(entry["codes"])),
        )
        for entry in manifest["samples"]
    )


def _as_of(dataset: Dataset) -> dt.date:
    """The latest date the data holds: nothing is then in the future."""
    dates = [session.session_date for session in dataset.sessions]
    dates += [case.end_date for case in dataset.cases if case.end_date is not None]
    dates += [client.birth_date for client in dataset.clients]
    return max(dates, default=_NO_DATES)


def _checked(
    source: str | os.PathLike[str] | Dataset,
    *,
    today: dt.date | None,
    reference: ReferenceData | None,
    known: KnownRecords | None,
    ruleset: RuleSet | None,
) -> tuple[list[Located], str, str, str]:
    """The located issues of ``source``, its name, the rule set's name and the day checked."""
    if isinstance(source, Dataset):
        dataset, name, upload = source, "dataset", None
    else:
        path, upload = Path(source), None
        name = path.name
        if path.suffix.lower() == ".json":
            dataset = dataset_from_json(path.read_bytes())
        else:
            upload = load_bulk(path)
            dataset, known = upload.dataset, upload.known_records(known)
    day = today if today is not None else _as_of(dataset)
    report = check(dataset, ruleset, today=day, reference=reference, known=known)
    if upload is None:
        located = [Located(issue=issue, file=name) for issue in report.issues]
    else:
        issues = [*upload.problems, *report.issues]
        lines = upload.lines_of(issues)
        located = [
            Located(issue=upload.in_file_terms(issue), file=name, line=line)
            for issue, line in zip(issues, lines, strict=True)
        ]
    return located, name, report.ruleset, day.isoformat()


def assert_dex_valid(
    source: str | os.PathLike[str] | Dataset,
    allow: Iterable[str] = (),
    *,
    today: dt.date | None = None,
    reference: ReferenceData | None = None,
    known: KnownRecords | None = None,
    ruleset: RuleSet | None = None,
) -> None:
    """Fail (``AssertionError``) when ``source`` has an error DEX would reject it for.

    Warnings and notes never fail; errors whose code is in ``allow`` do not
    either. The message is the report ``dexcore check`` prints (each issue
    with its code, record, path and line; then the counts), which holds no
    personal value.

    Args:
        source: A bulk-upload XML file, a dexcore JSON file (``.json``) or a dataset.
        allow: Codes of errors to tolerate, such as ``session.date.closed-period``.
        today: The day to check as of. By default the latest date in the data
            (session dates, case end dates, birth dates), so nothing is in the
            future and a test does not start failing as time passes.
        reference: Reference data for codes; by default the bundled snapshot.
        known: Records already in DEX, outside the upload.
        ruleset: The rules; by default :data:`dexcore.rules.DEX`.

    Raises:
        AssertionError: the upload has an error whose code is not in ``allow``.
        DexValueError: ``allow`` is a single string rather than a list of codes.
        BulkReadError: the file cannot be read as a bulk upload at all.
    """
    if isinstance(allow, str):
        raise DexValueError("assert_dex_valid: give allow as a list of codes, not one string")
    allowed = frozenset(allow)
    located, name, rules, day = _checked(
        source, today=today, reference=reference, known=known, ruleset=ruleset
    )
    failing = sorted(
        {
            item.issue.code
            for item in located
            if item.issue.severity is Severity.ERROR and item.issue.code not in allowed
        }
    )
    if failing:
        report = text_report(located, files=[name], ruleset=rules, today=day)
        raise AssertionError(f"{name} has errors DEX would reject: {', '.join(failing)}\n{report}")
