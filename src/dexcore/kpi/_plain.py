"""The plain-data forms of KPI partials and counts: write, and read back with clear errors.

No pickle: every form is dicts, lists, strings and whole numbers, with a
format name and a version, so it crosses process and machine boundaries
and can be read by another version that knows it. Errors name the path and
what it must be, never the value found (which may be a client id or SLK).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from dexcore.errors import DexStructureError, DexValueError, PeriodError
from dexcore.kpi.policies import ClientIdentity, Selection
from dexcore.model import AssessmentPhase, ScoreType
from dexcore.periods import DEX_SIX_MONTHLY, ReportingPeriod
from dexcore.score import OutcomePolicy

PARTIAL_FORMAT = "dexcore.kpi.partial"
COUNTS_FORMAT = "dexcore.kpi.counts"
#: The version this dexcore writes and reads.
VERSION = 1

_PHASES = {0: AssessmentPhase.PRE.value, 1: AssessmentPhase.POST.value}
_RANKS = {value: rank for rank, value in _PHASES.items()}
_MEASURED = (ScoreType.GOALS.value, ScoreType.CIRCUMSTANCES.value)


class MalformedError(Exception):
    """One problem in a plain-data form: where, and what it must be."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason


# -- writing -----------------------------------------------------------------------------------


def frame(fields: Mapping[str, Any], form: str) -> dict[str, Any]:
    """The header every form shares: format, version, period, selection, policies."""
    period: ReportingPeriod = fields["period"]
    if period.scheme != DEX_SIX_MONTHLY:
        raise DexValueError(
            "kpi: the plain-data form holds periods of the DEX six-monthly scheme only "
            "[kpi.partial-scheme]"
        )
    policies = fields["policies"]
    return {
        "format": form,
        "version": VERSION,
        "period": period.label,
        "selection": fields["selection"].describe(),
        "policies": {**policies, "priority_groups": list(policies["priority_groups"])},
        "sessions": fields["sessions"],
        "by_service_type": {str(k): v for k, v in sorted(fields["by_service_type"].items())},
        "attendances": fields["attendances"],
    }


def _end(place: tuple[dt.date, int, str, str, int] | None) -> list[Any] | None:
    if place is None:
        return None
    day, rank, case_id, session_id, minus_rating = place
    return [day.isoformat(), _PHASES[rank], case_id, session_id, -minus_rating]


def encode(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The plain form of a partial's fields (``attrs.asdict(partial, recurse=False)``)."""
    data = frame(fields, PARTIAL_FORMAT)
    data["unidentified"] = [[*key, n] for key, n in sorted(fields["unidentified"].items())]
    data["assisted"] = [
        [list(key), "".join(map(str, groups))] for key, groups in sorted(fields["assisted"].items())
    ]
    data["scores"] = [
        [
            list(key),
            [
                [*sk, seen, _end(first), _end(last)]
                for sk, (first, last, seen) in sorted(ks.items())
            ],
        ]
        for key, ks in sorted(fields["scores"].items())
    ]
    return data


# -- reading -----------------------------------------------------------------------------------


def obj(value: object, path: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    """A mapping with exactly ``keys``."""
    if not isinstance(value, Mapping) or set(value) != set(keys):
        raise MalformedError(path, f"must be an object with exactly the keys {', '.join(keys)}")
    return value


def seq(value: object, path: str, size: int | None = None) -> list[Any]:
    """A list, of ``size`` items when given."""
    if not isinstance(value, list) or (size is not None and len(value) != size):
        raise MalformedError(path, "must be a list" + ("" if size is None else f" of {size} items"))
    return value


def whole(value: object, path: str, low: int = 0, high: int | None = None) -> int:
    """A whole number from ``low`` (to ``high``)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise MalformedError(path, f"must be a whole number of at least {low}")
    if high is not None and value > high:
        raise MalformedError(path, f"must be at most {high}")
    return value


def text(value: object, path: str, allowed: tuple[str, ...] | None = None) -> str:
    """A string (one of ``allowed`` when given)."""
    if not isinstance(value, str) or (allowed is not None and value not in allowed):
        choice = "" if allowed is None else f" ({' or '.join(allowed)})"
        raise MalformedError(path, f"must be a string{choice}")
    return value


def _optional_whole(value: object, path: str) -> int | None:
    return None if value is None else whole(value, path)


def check_header(data: object, form: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    """The form's header, checked: format name, then version, then the keys."""
    if not isinstance(data, Mapping) or data.get("format") != form:
        raise MalformedError("$.format", f"must be {form!r}: this is not a dexcore {form} form")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        raise DexValueError(
            f"kpi: this dexcore reads version {VERSION} of the {form} form; "
            "write it again with a matching dexcore [kpi.partial-version]"
        )
    return obj(data, "$", ("format", "version", *keys))


def read_frame(data: Mapping[str, Any]) -> dict[str, Any]:
    """Period, selection, policies and session counters."""
    try:
        period = ReportingPeriod.parse(text(data["period"], "$.period"))
    except PeriodError:
        raise MalformedError("$.period", "must be a period label such as 2024-H2") from None
    selection = obj(data["selection"], "$.selection", ("outlet_id", "organisation_activity_id"))
    by_type = data["by_service_type"]
    if not isinstance(by_type, Mapping) or not all(
        isinstance(k, str) and k.isdigit() and k.isascii() for k in by_type
    ):
        raise MalformedError("$.by_service_type", "must map service type ids (digits) to counts")
    return {
        "period": period,
        "selection": Selection(
            outlet_id=_optional_whole(selection["outlet_id"], "$.selection.outlet_id"),
            organisation_activity_id=_optional_whole(
                selection["organisation_activity_id"], "$.selection.organisation_activity_id"
            ),
        ),
        "policies": _policies(data["policies"]),
        "sessions": whole(data["sessions"], "$.sessions"),
        "by_service_type": {
            int(k): whole(v, f"$.by_service_type.{k}") for k, v in sorted(by_type.items())
        },
        "attendances": whole(data["attendances"], "$.attendances"),
    }


def _policies(value: object) -> dict[str, Any]:
    path = "$.policies"
    found = obj(value, path, ("pairing", "outcome", "priority_groups", "clients"))
    groups = seq(found["priority_groups"], f"{path}.priority_groups")
    return {
        "pairing": text(found["pairing"], f"{path}.pairing"),
        "outcome": text(found["outcome"], f"{path}.outcome", tuple(OutcomePolicy)),
        "priority_groups": [text(g, f"{path}.priority_groups[{n}]") for n, g in enumerate(groups)],
        "clients": text(found["clients"], f"{path}.clients", tuple(ClientIdentity)),
    }


_FIELDS = ("period", "selection", "policies", "sessions", "by_service_type", "attendances")


def decode(data: object) -> dict[str, Any]:
    """The fields of a partial from its plain form."""
    try:
        found = check_header(data, PARTIAL_FORMAT, (*_FIELDS, "unidentified", "assisted", "scores"))
        fields = read_frame(found)
        width = len(fields["policies"]["priority_groups"])
        fields["unidentified"] = _unidentified(found["unidentified"])
        fields["assisted"] = _assisted(found["assisted"], width)
        fields["scores"] = _scores(found["scores"])
    except MalformedError as bad:
        raise DexStructureError("KpiPartial", ((bad.path, bad.reason),)) from None
    return fields


T = TypeVar("T")


def _unique(into: dict[Any, T], key: object, value: T, path: str) -> None:
    if key in into:
        raise MalformedError(path, "must not repeat a key")
    into[key] = value


def _unidentified(value: object) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for n, item in enumerate(seq(value, "$.unidentified")):
        path = f"$.unidentified[{n}]"
        org, case_id, count = seq(item, path, 3)
        key = (text(org, f"{path}[0]"), text(case_id, f"{path}[1]"))
        _unique(found, key, whole(count, f"{path}[2]", 0, 999), path)
    return found


def client_key(value: object, path: str) -> tuple[str, ...]:
    """``["org", organisation, client id]`` or ``["slk", SLK]``."""
    parts = seq(value, path)
    shapes = {("org", 3), ("slk", 2)}
    if not (parts and all(isinstance(p, str) for p in parts) and (parts[0], len(parts)) in shapes):
        raise MalformedError(path, 'must be ["org", organisation, client id] or ["slk", SLK]')
    return tuple(parts)


def _assisted(value: object, width: int) -> dict[tuple[str, ...], tuple[int, ...]]:
    found: dict[tuple[str, ...], tuple[int, ...]] = {}
    for n, item in enumerate(seq(value, "$.assisted")):
        path = f"$.assisted[{n}]"
        key, groups = seq(item, path, 2)
        if not isinstance(groups, str) or len(groups) != width or set(groups) - set("012"):
            raise MalformedError(f"{path}[1]", f"must be {width} characters, each 0, 1 or 2")
        _unique(found, client_key(key, f"{path}[0]"), tuple(map(int, groups)), path)
    return found


def _place(value: object, path: str) -> tuple[dt.date, int, str, str, int] | None:
    if value is None:
        return None
    day, phase, case_id, session_id, rating = seq(value, path, 5)
    try:
        when = dt.date.fromisoformat(text(day, f"{path}[0]"))
    except ValueError:
        raise MalformedError(f"{path}[0]", "must be a date written YYYY-MM-DD") from None
    rank = _RANKS[text(phase, f"{path}[1]", tuple(_RANKS))]
    cases = text(case_id, f"{path}[2]"), text(session_id, f"{path}[3]")
    return (when, rank, *cases, -whole(rating, f"{path}[4]", 1, 5))


def _scores(value: object) -> dict[tuple[str, ...], dict[tuple[str, str, str, str], Any]]:
    found: dict[tuple[str, ...], dict[tuple[str, str, str, str], Any]] = {}
    for n, item in enumerate(seq(value, "$.scores")):
        path = f"$.scores[{n}]"
        key, entries = seq(item, path, 2)
        keys: dict[tuple[str, str, str, str], Any] = {}
        for m, entry in enumerate(seq(entries, f"{path}[1]")):
            at = f"{path}[1][{m}]"
            org, scope, score_type, domain, seen, first, last = seq(entry, at, 7)
            score_key = (
                text(org, f"{at}[0]"),
                text(scope, f"{at}[1]"),
                text(score_type, f"{at}[2]", _MEASURED),
                text(domain, f"{at}[3]"),
            )
            ends = (_place(first, f"{at}[5]"), _place(last, f"{at}[6]"), whole(seen, f"{at}[4]", 1))
            _unique(keys, score_key, ends, at)
        _unique(found, client_key(key, f"{path}[0]"), keys, path)
    return found
