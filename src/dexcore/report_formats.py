"""A check's issues in the forms people and CI systems read: text, JSON, SARIF 2.1.0, JUnit XML.

Each issue is first given its place (:class:`Located`): the file it came
from, the line, and the path (an XML element path for records that could
not be read, a ``$.`` path for rule findings). The writers return text and
read no file: the command line (``dexcore check --format``) prints it.

SARIF is the *Static Analysis Results Interchange Format* (OASIS standard,
version 2.1.0, 27 March 2020, https://docs.oasis-open.org/sarif/sarif/v2.1.0/),
which GitHub code scanning reads; each issue is a result whose ``ruleId`` is
the issue's code, at ``region.startLine`` of its file. JUnit XML is the
``testsuites``/``testsuite``/``testcase``/``failure`` form that Jenkins,
GitLab and Azure Pipelines show as test results: one test suite per file,
one failing test case per error or warning, and one passing test case for a
file without either. No form holds a value from the data beyond the issue's
message, code, record id and path, which never carry personal values.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from dexcore import __version__
from dexcore._terminal import shown
from dexcore.issues import Issue, Severity

__all__ = [
    "Located",
    "json_report",
    "junit_report",
    "problem_line",
    "sarif_report",
    "text_report",
]

_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


@attrs.frozen(kw_only=True)
class Located:
    """An issue with the file and the line it points to.

    Attributes:
        issue: The issue.
        file: The file it was found in, as the user named it; ``None`` when
            the dataset did not come from one file.
        line: The line, from 1; ``None`` when not known (such as for an issue
            about the whole dataset, or a dataset read from JSON).
    """

    issue: Issue
    file: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of :meth:`~dexcore.rules.Issue.to_dict`, plus ``file`` and ``line``."""
        return {**self.issue.to_dict(), "file": self.file, "line": self.line}


def json_report(
    located: Sequence[Located], *, ruleset: str, today: str, unreadable: Sequence[str] = ()
) -> str:
    """The JSON form: ``issues`` (each with ``file`` and ``line``), ``counts``, ``by_code``.

    Args:
        located: The issues, in order.
        ruleset: The rule set that ran (empty when nothing was checked).
        today: The day checked as of, ``YYYY-MM-DD``.
        unreadable: One sentence per file that could not be read at all,
            listed under ``unreadable``; the command exits 2 then.
    """
    issues = [item.issue for item in located]
    counts = {severity.value: 0 for severity in Severity}
    by_code: dict[str, int] = {}
    for issue in issues:
        counts[issue.severity.value] += 1
        by_code[issue.code] = by_code.get(issue.code, 0) + 1
    data = {
        "issues": [item.to_dict() for item in located],
        "counts": counts,
        "by_code": dict(sorted(by_code.items(), key=lambda item: (-item[1], item[0]))),
        "ruleset": ruleset,
        "today": today,
        "unreadable": list(unreadable),
    }
    return json.dumps(data, indent=2, sort_keys=True)


def _sarif_rules(located: Iterable[Located], summaries: Mapping[str, str]) -> list[dict[str, Any]]:
    codes = sorted({item.issue.code for item in located})
    return [
        {"id": code, "name": code, "shortDescription": {"text": summaries.get(code, code)}}
        for code in codes
    ]


def _sarif_location(item: Located) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": item.file or "dataset"}}
    physical["region"] = {"startLine": item.line or 1}
    return {
        "physicalLocation": physical,
        "logicalLocations": [{"fullyQualifiedName": item.issue.path, "kind": "element"}],
    }


def _sarif_result(item: Located, index: dict[str, int]) -> dict[str, Any]:
    issue = item.issue
    return {
        "ruleId": issue.code,
        "ruleIndex": index[issue.code],
        "level": _SARIF_LEVEL[issue.severity],
        "message": {"text": f"{issue.record}: {issue.message}"},
        "locations": [_sarif_location(item)],
    }


def sarif_report(located: Sequence[Located], summaries: Mapping[str, str] | None = None) -> str:
    """A SARIF 2.1.0 log of one run, one result per issue, for code scanning.

    Every result has a ``ruleId`` (the issue's code), a ``level`` (``error``,
    ``warning`` or ``note``), a message and a physical location with a
    ``startLine`` (1 when the line is not known, as SARIF requires a line
    for GitHub to show it); the issue's path is its logical location.

    Args:
        located: The issues, in order.
        summaries: Each rule code's one-line summary, for the rules' short
            descriptions; a code without one is described by itself.
    """
    rules = _sarif_rules(located, summaries or {})
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    log = {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dexcore",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": [_sarif_result(item, index) for item in located],
            }
        ],
    }
    return json.dumps(log, indent=2)


def _testcase(suite: ET.Element, item: Located) -> None:
    issue = item.issue
    at = "" if item.line is None else f" line {item.line}"
    # XML 1.0 cannot hold most control characters: they are written escaped, as on a terminal.
    name = shown(f"{issue.code} {issue.record}{at}")
    case = ET.SubElement(suite, "testcase", name=name, classname=issue.code)
    if issue.severity is not Severity.INFO:
        message = shown(issue.message)
        failure = ET.SubElement(case, "failure", message=message, type=issue.severity.value)
        failure.text = shown(f"{issue.path}: {issue.message}")


def junit_report(located: Sequence[Located], files: Sequence[str]) -> str:
    """JUnit XML: a ``testsuite`` per file, a ``testcase`` per issue, ``failure`` unless a note.

    Args:
        located: The issues, in order.
        files: Every file checked, so a file without an issue shows as one
            passing test case.
    """
    root = ET.Element("testsuites", name="dexcore check")
    names = list(files) or [item.file or "dataset" for item in located[:1]]
    for name in names:
        mine = [item for item in located if (item.file or "dataset") == name]
        failures = sum(item.issue.severity is not Severity.INFO for item in mine)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=shown(name),
            tests=str(max(len(mine), 1)),
            failures=str(failures),
            errors="0",
        )
        for item in mine:
            _testcase(suite, item)
        if not mine:
            ET.SubElement(suite, "testcase", name="no issue", classname="dexcore.check")
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in root)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in root)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _issue_lines(item: Located, several: bool) -> str:
    issue: Issue = item.issue
    at = "" if item.line is None else f"line {item.line}"
    if several and item.file is not None:
        at = f"{Path(item.file).name}" + (f" {at}" if at else "")
    at = f"  ({at})" if at else ""
    record, where, message = shown(issue.record), shown(issue.path), shown(_message(item))
    return (
        f"{issue.severity.value.upper():<7} {issue.code}  {record}  {where}{at}\n        {message}"
    )


_PROBLEM_LINE = re.compile(r"(?:file \d+, )?line (\d+): ?")


def problem_line(message: str) -> tuple[int, str] | None:
    """The line a reader's message starts with (``line 423: …``) and the message after it."""
    match = _PROBLEM_LINE.match(message)
    return None if match is None else (int(match.group(1)), message[match.end() :])


def _message(item: Located) -> str:
    """The issue's message, less the line a reader's message starts with when it is shown beside.

    A record that cannot be read has its line in its message (``line 423: …``), which
    the text form already gives after the path (``(line 423)``): said once is enough.
    """
    told = problem_line(item.issue.message)
    if told is not None and told[0] == item.line:
        return told[1]
    return item.issue.message


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def text_report(
    located: Sequence[Located], *, files: Sequence[str], ruleset: str, today: str
) -> str:
    """The text form ``dexcore check`` prints: each issue, then the counts by severity and code.

    Args:
        located: The issues, each with its file and line.
        files: The names of the files checked (their base names head the counts).
        ruleset: The rule set's name and version, as :attr:`~dexcore.rules.Report.ruleset`.
        today: The day the check was made for, ``YYYY-MM-DD``.
    """
    lines = [_issue_lines(item, len(files) > 1) for item in located]
    counts = dict.fromkeys(Severity, 0)
    by_code: dict[str, int] = {}
    for item in located:
        counts[item.issue.severity] += 1
        by_code[item.issue.code] = by_code.get(item.issue.code, 0) + 1
    name = ", ".join(Path(file).name for file in files)
    lines.append("")
    lines.append(
        f"{shown(name)}: {_plural(counts[Severity.ERROR], 'error', 'errors')},"
        f" {_plural(counts[Severity.WARNING], 'warning', 'warnings')},"
        f" {_plural(counts[Severity.INFO], 'note', 'notes')} (rules: {ruleset};"
        f" checked as of {today})"
    )
    ordered = sorted(by_code.items(), key=lambda item: (-item[1], item[0]))
    lines.extend(f"  {n:>5}  {shown(code)}" for code, n in ordered)
    return "\n".join(lines)
