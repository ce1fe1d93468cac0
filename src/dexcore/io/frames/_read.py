"""Tables back into a dataset: every good row a record, every bad row an issue.

A record is read whole or not at all: a case with a bad row in
``case_clients``, or a session with a bad row in ``session_clients``, is
left out and named, rather than read with a client missing. A child row
finds its parent by the parent's row (``case_row``…) when it has one, and
otherwise by the parent's ids; a row whose ids disagree with the parent
row it names is reported, so a table filtered in a notebook cannot
attach a client to the wrong case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pyarrow as pa

from dexcore.errors import DexError, InvalidFieldError
from dexcore.io.frames import _schema as s
from dexcore.io.frames._cells import RECORD_OF, decode, issue
from dexcore.io.frames._scores import read_scores
from dexcore.issues import Issue
from dexcore.model import (
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    ExtendedDemographics,
    Organisation,
    Outlet,
    ParentingAgreementOutcome,
    PropertyAgreementOutcome,
    ResidentialAddress,
    Section60I,
    Session,
    SessionAssessment,
    SessionClient,
)

Values = Mapping[str, Any]
Report = Callable[[Issue], None]


class RowProblem(Exception):  # noqa: N818 (an internal signal, turned into an Issue)
    """A row whose cells are each fine but do not make a record together."""

    def __init__(self, column: str | None, code: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.code, self.reason = column, code, reason


#: Columns named after the field of a part of a record, where the names differ.
_COLUMN_OF = {
    ("ParentingAgreementOutcome", "outcome"): "parenting_outcome",
    ("ParentingAgreementOutcome", "agreement_date"): "parenting_agreement_date",
    ("ParentingAgreementOutcome", "legal_practitioner_assisted"): (
        "parenting_legal_practitioner_assisted"
    ),
    ("Section60I", "certificate_type"): "section60i_certificate_type",
    ("Section60I", "date_issued"): "section60i_date_issued",
    ("PropertyAgreementOutcome", "outcome"): "property_outcome",
    ("PropertyAgreementOutcome", "agreement_date"): "property_agreement_date",
    ("PropertyAgreementOutcome", "legal_practitioner_assisted"): (
        "property_legal_practitioner_assisted"
    ),
    ("Outlet", "address"): "suburb",
}


def _part(values: Values, cls: type[Any], columns: Mapping[str, str]) -> Any:  # noqa: ANN401
    """The optional part held in ``columns`` (field to column): ``None`` when all are empty."""
    given = {field: values[column] for field, column in columns.items()}
    if all(value is None for value in given.values()):
        return None
    for field, value in given.items():
        if value is None:
            reason = "a value is required when the other columns of this part are given"
            raise RowProblem(columns[field], "frames.missing-value", reason)
    return cls(**given)


def _agreement(values: Values, cls: type[Any]) -> Any:  # noqa: ANN401
    fields = ("outcome", "agreement_date", "legal_practitioner_assisted")
    return _part(values, cls, {f: _COLUMN_OF[(cls.__name__, f)] for f in fields})


_CLIENT_FIELDS = tuple(
    c.name
    for c in s.CLIENTS
    if c.name not in s.EXTENDED_NAMES
    and c.name not in ("suburb", "state", "postcode", "address_line1", "address_line2")
)


def _address(values: Values) -> ResidentialAddress:
    """The address columns of a client or an outlet row."""
    return ResidentialAddress(
        suburb=values["suburb"],
        state=values["state"],
        postcode=values["postcode"],
        address_line1=values["address_line1"],
        address_line2=values["address_line2"],
    )


def _client(values: Values, _children: tuple[Any, ...]) -> Client:
    address = _address(values)
    extended = ExtendedDemographics(**{name: values[name] for name in s.EXTENDED_NAMES})
    fields = {name: values[name] for name in _CLIENT_FIELDS}
    return Client(**fields, residential_address=address, extended=extended)


_CASE_FIELDS = (
    "case_id",
    "outlet_activity_id",
    "total_unidentified_clients",
    "client_attendance_profile",
    "end_date",
    "ag_business_type",
)


def _case(values: Values, children: tuple[Any, ...]) -> Case:
    section60i = _part(
        values,
        Section60I,
        {
            "certificate_type": "section60i_certificate_type",
            "date_issued": "section60i_date_issued",
        },
    )
    return Case(
        **{name: values[name] for name in _CASE_FIELDS},
        clients=children,
        parenting_agreement_outcome=_agreement(values, ParentingAgreementOutcome),
        section60i=section60i,
        property_agreement_outcome=_agreement(values, PropertyAgreementOutcome),
    )


def _case_client(values: Values, _children: tuple[Any, ...]) -> CaseClient:
    return CaseClient(
        client_id=values["client_id"],
        referral_source=values["referral_source"],
        exit_reason=values["exit_reason"],
        reasons_for_assistance=values["reasons_for_assistance"],
    )


def _session(values: Values, children: tuple[Any, ...]) -> Session:
    return Session(**values, clients=children)  # the columns are the fields


def _session_client(values: Values, _children: tuple[Any, ...]) -> SessionClient:
    return SessionClient(
        client_id=values["client_id"],
        participation=values["participation"],
        referrals=values["referrals"],
    )


def _outlet(values: Values, _children: tuple[Any, ...]) -> Outlet:
    address = _address(values)
    return Outlet(
        name=values["name"],
        address=address,
        activities=values["activities"],
        outlet_id=values["outlet_id"],
    )


def _organisation(values: Values, _children: tuple[Any, ...]) -> Organisation:
    return Organisation(
        name=values["name"],
        organisation_id=values["organisation_id"],
        program_activities=values["program_activities"],
    )


Builder = Callable[[Values, tuple[Any, ...]], Any]


class Reader:
    """Reads the tables one by one, reporting every problem once."""

    def __init__(self, tables: Mapping[str, pa.Table], report: Report) -> None:
        self.tables = tables
        self.report = report
        self._decoded: dict[str, tuple[dict[str, list[Any]], set[int], int]] = {}

    def decoded(self, name: str) -> tuple[dict[str, list[Any]], set[int], int]:
        """The decoded columns of table ``name``, its bad rows and its number of rows."""
        if name not in self._decoded:
            table = self.tables.get(name)
            if table is None:
                empty: dict[str, list[Any]] = {column.name: [] for column in s.TABLES[name][0]}
                self._decoded[name] = (empty, set(), 0)
            else:
                columns, bad = decode(name, table, s.TABLES[name][0], self.report)
                self._decoded[name] = (columns, bad, table.num_rows)
        return self._decoded[name]

    def build(
        self,
        name: str,
        builder: Builder,
        children: Mapping[int, tuple[Any, ...]] | None = None,
        skip: set[int] | None = None,
    ) -> tuple[dict[int, Any], dict[str, list[Any]], set[int], int]:
        """Build a record from each good row of ``name``; rows in ``skip`` are left out."""
        columns, bad, rows = self.decoded(name)
        built: dict[int, Any] = {}
        names = list(columns)
        for row, cells in enumerate(zip(*columns.values(), strict=True)):
            if row in bad or (skip is not None and row in skip):
                continue
            values = dict(zip(names, cells, strict=True))
            try:
                built[row] = builder(values, () if children is None else children.get(row, ()))
            except InvalidFieldError as error:
                column = _COLUMN_OF.get((error.entity, error.field), error.field)
                self.fail(
                    name, row, column if column in columns else None, error.reason, values=values
                )
            except RowProblem as problem:
                self.fail(
                    name, row, problem.column, problem.reason, values=values, code=problem.code
                )
            except (DexError, TypeError, ValueError):  # whatever else the model refuses
                self.fail(name, row, None, "does not make a valid record", values=values)
        return built, columns, bad, rows

    def fail(
        self,
        name: str,
        row: int,
        column: str | None,
        reason: str,
        *,
        values: Values,
        code: str = "frames.bad-value",
    ) -> None:
        """Report row ``row`` of table ``name``."""
        _, id_column = RECORD_OF[name]
        record_id = None  # a malformed id is not shown
        if id_column is not None and column != id_column:
            record_id = values.get(id_column)
        self.report(issue(name, row, column, code, reason, record_id=record_id))


def _link(
    reader: Reader,
    child: str,
    parent_keys: list[tuple[Any, ...]],
    *,
    row_column: str,
    key_columns: tuple[str, ...],
    builder: Builder,
) -> tuple[dict[int, tuple[Any, ...]], set[int]]:
    """The child records by parent row, and the parent rows left out for a bad child."""
    built, columns, _bad, rows = reader.build(child, builder)
    first: dict[tuple[Any, ...], int] = {}
    for number, key in enumerate(parent_keys):
        first.setdefault(key, number)
    grouped: dict[int, list[Any]] = {}
    spoilt: set[int] = set()
    for row in range(rows):
        key = tuple(columns[c][row] for c in key_columns)
        parent = columns[row_column][row]
        parent = first.get(key) if parent is None else parent
        if parent is None or not 0 <= parent < len(parent_keys):
            reason = "names no row of its parent table, so it was not read"
            reader.report(
                issue(child, row, row_column, "frames.orphan-row", reason, record_id=key[-1])
            )
            continue
        if parent_keys[parent] != key:
            reason = "the ids of this row differ from those of the parent row it names"
            reader.report(
                issue(child, row, row_column, "frames.parent-mismatch", reason, record_id=key[-1])
            )
            spoilt.add(parent)
        elif row in built:
            grouped.setdefault(parent, []).append(built[row])
        else:
            spoilt.add(parent)
    return {p: tuple(items) for p, items in grouped.items()}, spoilt


def _keys(reader: Reader, name: str, key_columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    columns, _, rows = reader.decoded(name)
    return [tuple(columns[c][row] for c in key_columns) for row in range(rows)]


def _with_children(
    reader: Reader,
    parent: str,
    child: str,
    keys: tuple[str, ...],
    builders: tuple[Builder, Builder],
) -> list[Any]:
    """The records of ``parent``, each with its rows of ``child``."""
    parent_keys = _keys(reader, parent, keys)
    children, spoilt = _link(
        reader,
        child,
        parent_keys,
        row_column=f"{parent[:-1]}_row",
        key_columns=keys,
        builder=builders[1],
    )
    built, _columns, bad, _ = reader.build(parent, builders[0], children, skip=spoilt)
    for row in sorted(spoilt - bad):
        reason = f"left out because a row of {child} that belongs to it could not be read"
        record_id = parent_keys[row][-1]
        reader.report(
            issue(parent, row, None, "frames.record-left-out", reason, record_id=record_id)
        )
    return [built[row] for row in sorted(built)]


def read_dataset(tables: Mapping[str, pa.Table], report: Report) -> Dataset:
    """The dataset in ``tables`` (by table name), reporting every row it cannot read."""
    reader = Reader(tables, report)
    clients, *_ = reader.build("clients", _client)
    cases = _with_children(reader, "cases", "case_clients", ("case_id",), (_case, _case_client))
    sessions = _with_children(
        reader,
        "sessions",
        "session_clients",
        ("case_id", "session_id"),
        (_session, _session_client),
    )
    outlets, *_ = reader.build("outlets", _outlet)
    organisations, *_ = reader.build("organisation", _organisation)
    for row in sorted(organisations)[1:]:
        reason = "a dataset has one organisation; only the first row was read"
        report(issue("organisation", row, None, "frames.extra-row", reason))
    client_columns, client_bad, _ = reader.decoded("client_scores")
    session_columns, session_bad, _ = reader.decoded("session_scores")
    return Dataset(
        clients=[clients[row] for row in sorted(clients)],
        cases=cases,
        sessions=sessions,
        client_assessments=read_scores(
            "client_scores", client_columns, client_bad, ClientAssessment, report
        ),
        session_assessments=read_scores(
            "session_scores", session_columns, session_bad, SessionAssessment, report
        ),
        outlets=[outlets[row] for row in sorted(outlets)],
        organisation=next(iter(organisations.values()), None),
    )
