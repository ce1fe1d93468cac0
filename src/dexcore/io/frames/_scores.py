"""SCORE tables back into assessment records.

A scores table has one row per domain rating. Its rows are grouped into
records by ``assessment_row`` (or, without it, by the record's ids), and
within a record into assessments by ``assessment_number`` (or, without
it, by score type, phase and assessor). A record with no assessment, or an
assessment with no rating, is written as one row with the missing parts
empty, so it reads back as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dexcore.errors import InvalidFieldError
from dexcore.io.frames._cells import issue
from dexcore.issues import Issue
from dexcore.model import Assessment, ClientAssessment, DomainScore

_PARTS = ("score_type", "phase", "assessed_by")


class _Bad(Exception):  # noqa: N818 (an internal signal, turned into an Issue)
    def __init__(self, row: int, column: str | None, code: str, reason: str) -> None:
        super().__init__(reason)
        self.row, self.column, self.code, self.reason = row, column, code, reason


def _group(columns: Mapping[str, list[Any]], id_names: tuple[str, ...]) -> dict[Any, list[int]]:
    """The rows of each record, records in order of their first row."""
    records: dict[Any, list[int]] = {}
    for row in range(len(columns["assessment_row"])):
        key = columns["assessment_row"][row]
        if key is None:
            key = tuple(columns[name][row] for name in id_names)
        records.setdefault(key, []).append(row)
    return records


def _assessments(columns: Mapping[str, list[Any]], rows: list[int]) -> tuple[Assessment, ...]:
    groups: dict[Any, tuple[tuple[Any, ...], list[DomainScore], int]] = {}
    for row in rows:
        parts = tuple(columns[name][row] for name in _PARTS)
        domain, rating = columns["domain"][row], columns["rating"][row]
        if parts[:2] == (None, None) and domain is None and rating is None:
            continue  # a record with no assessment
        number = columns["assessment_number"][row]
        entry = groups.setdefault(parts if number is None else number, (parts, [], row))
        if entry[0] != parts:
            column = next(n for n, a, b in zip(_PARTS, entry[0], parts, strict=True) if a != b)
            reason = "differs from the other rows of the same assessment"
            raise _Bad(row, column, "frames.inconsistent-rows", reason)
        if domain is not None or rating is not None:
            try:
                entry[1].append(DomainScore(domain=domain, rating=rating))
            except InvalidFieldError as error:
                raise _Bad(row, error.field, "frames.bad-value", error.reason) from None
    out = []
    for (score_type, phase, assessed_by), scores, row in groups.values():
        try:
            out.append(
                Assessment(
                    score_type=score_type, phase=phase, scores=scores, assessed_by=assessed_by
                )
            )
        except InvalidFieldError as error:
            raise _Bad(row, error.field, "frames.missing-value", "a value is required") from None
    return tuple(out)


def _record(
    columns: Mapping[str, list[Any]], rows: list[int], id_names: tuple[str, ...], cls: type[Any]
) -> Any:  # noqa: ANN401
    ids = {name: columns[name][rows[0]] for name in id_names}
    for row in rows[1:]:
        if any(columns[name][row] != value for name, value in ids.items()):
            reason = "the ids of this row differ from those of the record it belongs to"
            raise _Bad(row, "assessment_row", "frames.parent-mismatch", reason)
    try:
        return cls(**ids, assessments=_assessments(columns, rows))
    except InvalidFieldError as error:
        raise _Bad(rows[0], error.field, "frames.bad-value", error.reason) from None


def read_scores(
    name: str,
    columns: Mapping[str, list[Any]],
    bad: set[int],
    cls: type[Any],
    report: Callable[[Issue], None],
) -> list[Any]:
    """The assessment records of scores table ``name`` (decoded ``columns``, ``bad`` rows)."""
    if not columns or not columns.get("assessment_row"):
        return []
    id_names = ("client_id", "case_id", "session_id") if cls is ClientAssessment else ("case_id",)
    id_names = (*id_names, "session_id") if cls is not ClientAssessment else id_names
    records = []
    for rows in _group(columns, id_names).values():
        spoilt = [row for row in rows if row in bad]
        session_id = columns["session_id"][rows[0]]
        if spoilt:
            reason = f"left out with its record, because row {spoilt[0]} could not be read"
            for row in rows:
                if row not in bad:
                    report(
                        issue(
                            name, row, None, "frames.record-left-out", reason, record_id=session_id
                        )
                    )
            continue
        try:
            records.append(_record(columns, rows, id_names, cls))
        except _Bad as problem:
            report(
                issue(
                    name,
                    problem.row,
                    problem.column,
                    problem.code,
                    problem.reason,
                    record_id=session_id,
                )
            )
    return records
