"""The report vocabulary shared by readers, rules and the command line.

An :class:`Issue` is one problem found in a dataset or an upload: a stable
code, a :class:`Severity`, a message that names fields and codes but never a
personal value, the :class:`RecordRef` it concerns and a path such as
``$.sessions[41].session_date``. Readers (:mod:`dexcore.io`) report the
records they cannot read with it, rules (:mod:`dexcore.rules`) report what
they find, and a :class:`Report` gathers a check's issues. The records of an
upload that could not be read (:class:`Unreadable`) and the records known to
DEX already (:class:`KnownRecords`) are here too, because a reader fills them
in and the rules read them.

This module sits below :mod:`dexcore.io` and :mod:`dexcore.rules`; it
imports neither (see the architecture page of the documentation).

>>> issue = Issue(
...     code="client.example",
...     severity=Severity.WARNING,
...     message="the example field is empty",
...     record=RecordRef(kind="client", index=0, id="C1"),
...     path="$.clients[0].example",
... )
>>> str(issue.record), issue.severity.rank
('client #0 (C1)', 1)
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = ["Issue", "KnownRecords", "RecordRef", "Report", "Severity", "Unreadable"]


class Severity(enum.StrEnum):
    """How serious an issue is."""

    ERROR = "error"  #: DEX would reject the record, or the law forbids it.
    WARNING = "warning"  #: DEX accepts it, but it is probably wrong.
    INFO = "info"  #: Worth knowing; nothing to fix.

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for information (for sorting)."""
        return list(Severity).index(self)


@attrs.frozen(kw_only=True)
class RecordRef:
    """The record an issue concerns.

    Attributes:
        kind: ``client``, ``case``, ``session``, ``client_assessment``,
            ``session_assessment``, ``outlet`` or ``dataset``.
        index: Its position in its collection, from 0 (``None`` for the dataset).
        id: Its organisation-supplied id, when it has one and the id does
            not itself reveal who the client is.
    """

    kind: str
    index: int | None = None
    id: str | None = None

    def __str__(self) -> str:
        where = "" if self.index is None else f" #{self.index}"
        return f"{self.kind}{where}" + ("" if self.id is None else f" ({self.id})")


@attrs.frozen(kw_only=True)
class Issue:
    """One problem found by a rule.

    Attributes:
        code: The rule's code.
        severity: The rule's severity.
        message: What is wrong, for a case worker; no personal value.
        record: The record it concerns.
        path: Where, such as ``$.sessions[41].session_date``.
    """

    code: str
    severity: Severity
    message: str
    record: RecordRef
    path: str

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form: ``code``, ``severity``, ``message``, ``record``, ``path``."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "record": {"kind": self.record.kind, "index": self.record.index, "id": self.record.id},
            "path": self.path,
        }


@attrs.frozen(kw_only=True)
class Unreadable:
    """The ids of the records of an upload that could not be read, by kind.

    Attributes:
        client_ids: Clients whose record could not be read.
        case_ids: Cases whose record could not be read.
        session_keys: Sessions whose record could not be read, as ``(case_id, session_id)``.
    """

    client_ids: frozenset[str] = frozenset()
    case_ids: frozenset[str] = frozenset()
    session_keys: frozenset[tuple[str, str]] = frozenset()


@attrs.frozen(kw_only=True)
class KnownRecords:
    """Records known to exist in DEX already, so references to them are not errors.

    A bulk upload often sends sessions for cases created earlier: name those
    cases here, or set ``assume_all`` when the dataset is a partial upload
    and every reference outside it should be trusted.

    Attributes:
        client_ids: Clients already in DEX.
        case_ids: Cases already in DEX.
        session_keys: Sessions already in DEX, as ``(case_id, session_id)``.
        assume_all: Trust every reference that the dataset cannot resolve.
        unreadable: Records of the upload that could not be read (each
            already reported once, as an ``xml.*`` problem): references to
            them are not reported again as unknown records.
            :meth:`dexcore.io.BulkUpload.known_records` fills it in.
    """

    client_ids: frozenset[str] = frozenset()
    case_ids: frozenset[str] = frozenset()
    session_keys: frozenset[tuple[str, str]] = frozenset()
    assume_all: bool = False
    unreadable: Unreadable = Unreadable()


@attrs.frozen(kw_only=True)
class Report:
    """The result of a check: every issue, in record order, and their counts.

    Attributes:
        issues: The issues, by collection, then record, then rule.
        ruleset: The name and version of the rule set that ran.
        today: The day the check was made for.
        records: How many records of each collection were checked.
    """

    issues: tuple[Issue, ...]
    ruleset: str
    today: dt.date
    records: Mapping[str, int] = attrs.field(factory=dict, eq=False)

    @property
    def has_errors(self) -> bool:
        """Whether any issue is an error."""
        return any(issue.severity is Severity.ERROR for issue in self.issues)

    def counts(self) -> Mapping[Severity, int]:
        """Issues per severity."""
        return severity_counts(self.issues)

    def counts_by_code(self) -> Mapping[str, int]:
        """Issues per rule code, most frequent first, then by code."""
        counts = Counter(issue.code for issue in self.issues)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def by_severity(self, severity: Severity) -> tuple[Issue, ...]:
        """The issues of one severity."""
        return tuple(issue for issue in self.issues if issue.severity is severity)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form: issues, counts by severity and by code, what was checked."""
        return {
            "ruleset": self.ruleset,
            "today": self.today.isoformat(),
            "records": dict(self.records),
            "counts": {severity.value: n for severity, n in self.counts().items()},
            "by_code": dict(self.counts_by_code()),
            "issues": [issue.to_dict() for issue in self.issues],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text with sorted keys."""
        return to_json_text(self.to_dict())

    def __repr__(self) -> str:
        from dexcore._notebook import report_repr  # noqa: PLC0415

        return report_repr(self)

    def _repr_html_(self) -> str:
        """A notebook summary: issues by severity and the most frequent codes."""
        from dexcore._notebook import report_html  # noqa: PLC0415

        return report_html(self)


def severity_counts(issues: Iterable[Issue]) -> Mapping[Severity, int]:
    """Number of issues per severity, every severity present."""
    counts = Counter(issue.severity for issue in issues)
    return {severity: counts.get(severity, 0) for severity in Severity}


def to_json_text(data: Mapping[str, Any]) -> str:
    """JSON with sorted keys, for stable golden files."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
