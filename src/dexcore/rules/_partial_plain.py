"""The plain-data form of a check partial: write it, and read it back with clear errors.

No pickle: dicts, lists, strings and whole numbers, with a format name and
a version, so a partial crosses process and machine boundaries. Errors
name the path and what it must be, never the value found (an id may reveal
a client).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dexcore.errors import DexStructureError, DexValueError, PeriodError
from dexcore.issues import Issue, RecordRef, Severity
from dexcore.periods import ReportingPeriod
from dexcore.rules._partial_state import REFERENCED, Key, OrganisationCheck
from dexcore.rules.engine import Entity

FORMAT = "dexcore.check.partial"
#: The version this dexcore writes and reads.
VERSION = 1

_KEY_SIZES = {
    Entity.CLIENT: 1,
    Entity.CASE: 1,
    Entity.SESSION: 2,
    Entity.CLIENT_ASSESSMENT: 3,
    Entity.SESSION_ASSESSMENT: 2,
    Entity.OUTLET: 1,
}
_STATE = ("records", "issues", "keys", "outside", "not_stated", "identified", "unidentified")
_KINDS = tuple(entity.kind for entity in Entity)


class _Malformed(Exception):  # noqa: N818 (internal signal, never escapes this module)
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason


def period(label: str) -> ReportingPeriod:
    """The reporting period of a label such as ``2024-H2``."""
    return ReportingPeriod.parse(label)


# -- writing -----------------------------------------------------------------------------------


def encode(
    ruleset: str, codes: tuple[str, ...], today: dt.date, organisations: Mapping[str, Any]
) -> dict[str, Any]:
    """The plain form of a partial."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "ruleset": ruleset,
        "codes": list(codes),
        "today": today.isoformat(),
        "organisations": [[key, _state(organisations[key])] for key in sorted(organisations)],
    }


def _state(state: OrganisationCheck) -> dict[str, Any]:
    return {
        "records": dict(state.records),
        "issues": [issue.to_dict() for issue in state.issues],
        "keys": {
            name: [[list(key), list(places)] for key, places in sorted(found.items())]
            for name, found in state.keys.items()
        },
        "outside": {name: sorted(map(list, refs)) for name, refs in state.outside.items()},
        "not_stated": dict(state.not_stated),
        "identified": [
            [label, kind, sorted(ids)] for (label, kind), ids in sorted(state.identified.items())
        ],
        "unidentified": [[*key, n] for key, n in sorted(state.unidentified.items())],
    }


# -- reading -----------------------------------------------------------------------------------


def decode(data: object) -> tuple[str, tuple[str, ...], dt.date, dict[str, OrganisationCheck]]:
    """Rule set label, codes, day and organisations of a partial's plain form."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise DexValueError(
            f"check: this is not a {FORMAT} form (its format names something else) "
            "[check.partial-format]"
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        raise DexValueError(
            f"check: this dexcore reads version {VERSION} of the {FORMAT} form; write it "
            "again with a matching dexcore [check.partial-version]"
        )
    try:
        found = _obj(data, "$", ("format", "version", "ruleset", "codes", "today", "organisations"))
        codes = tuple(
            _text(c, f"$.codes[{n}]") for n, c in enumerate(_seq(found["codes"], "$.codes"))
        )
        organisations = {}
        for n, item in enumerate(_seq(found["organisations"], "$.organisations")):
            key, state = _seq(item, f"$.organisations[{n}]", 2)
            where = f"$.organisations[{n}][1]"
            organisations[_text(key, f"$.organisations[{n}][0]")] = _read_state(state, where)
        return _text(found["ruleset"], "$.ruleset"), codes, _day(found["today"]), organisations
    except _Malformed as bad:
        raise DexStructureError("CheckPartial", ((bad.path, bad.reason),)) from None


def _read_state(data: object, path: str) -> OrganisationCheck:
    found = _obj(data, path, _STATE)
    names = tuple(entity.value for entity in Entity)
    records = _counts(found["records"], f"{path}.records", names)
    keys_data = _obj(found["keys"], f"{path}.keys", names)
    outside_data = _obj(found["outside"], f"{path}.outside", tuple(e.value for e in REFERENCED))
    return OrganisationCheck(
        records={name: records[name] for name in names},
        issues=tuple(
            _issue(item, f"{path}.issues[{n}]")
            for n, item in enumerate(_seq(found["issues"], f"{path}.issues"))
        ),
        keys={e.value: _keys(keys_data[e.value], f"{path}.keys.{e.value}", e) for e in Entity},
        outside={
            e.value: frozenset(
                _key(k, f"{path}.outside.{e.value}[{n}]", _KEY_SIZES[e])
                for n, k in enumerate(_seq(outside_data[e.value], f"{path}.outside.{e.value}"))
            )
            for e in REFERENCED
        },
        not_stated=_counts(found["not_stated"], f"{path}.not_stated", None),
        identified=_identified(found["identified"], f"{path}.identified"),
        unidentified=_unidentified(found["unidentified"], f"{path}.unidentified"),
    )


def _keys(data: object, path: str, entity: Entity) -> dict[Key, tuple[int, ...]]:
    found: dict[Key, tuple[int, ...]] = {}
    for n, item in enumerate(_seq(data, path)):
        key, places = _seq(item, f"{path}[{n}]", 2)
        where = f"{path}[{n}][1]"
        found[_key(key, f"{path}[{n}][0]", _KEY_SIZES[entity])] = tuple(
            _whole(p, f"{where}[{k}]") for k, p in enumerate(_seq(places, where))
        )
    return found


def _identified(data: object, path: str) -> dict[tuple[str, int], frozenset[str]]:
    found: dict[tuple[str, int], frozenset[str]] = {}
    for n, item in enumerate(_seq(data, path)):
        label, kind, ids = _seq(item, f"{path}[{n}]", 3)
        where = f"{path}[{n}][2]"
        group = (_label(label, f"{path}[{n}][0]"), _whole(kind, f"{path}[{n}][1]", 1))
        found[group] = frozenset(_text(i, f"{where}[{k}]") for k, i in enumerate(_seq(ids, where)))
    return found


def _unidentified(data: object, path: str) -> dict[tuple[str, int, str], int]:
    found: dict[tuple[str, int, str], int] = {}
    for n, item in enumerate(_seq(data, path)):
        label, kind, case_id, count = _seq(item, f"{path}[{n}]", 4)
        where = f"{path}[{n}]"
        key = (
            _label(label, f"{where}[0]"),
            _whole(kind, f"{where}[1]", 1),
            _text(case_id, f"{where}[2]"),
        )
        # dexcore keeps only figures above 0 (a share of no one is no share).
        found[key] = _whole(count, f"{where}[3]")
        if found[key] == 0:
            raise _Malformed(f"{where}[3]", "must be a whole number of at least 1")
    return found


def _issue(data: object, path: str) -> Issue:
    found = _obj(data, path, ("code", "severity", "message", "record", "path"))
    record = _obj(found["record"], f"{path}.record", ("kind", "index", "id"))
    index, record_id = record["index"], record["id"]
    return Issue(
        code=_text(found["code"], f"{path}.code"),
        severity=Severity(_text(found["severity"], f"{path}.severity", tuple(Severity))),
        message=_text(found["message"], f"{path}.message"),
        record=RecordRef(
            kind=_text(record["kind"], f"{path}.record.kind", _KINDS),
            index=_whole(index, f"{path}.record.index"),
            id=None if record_id is None else _text(record_id, f"{path}.record.id"),
        ),
        path=_text(found["path"], f"{path}.path"),
    )


# -- small readers -----------------------------------------------------------------------------


def _obj(value: object, path: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping) or set(value) != set(keys):
        raise _Malformed(path, f"must be an object with exactly the keys {', '.join(keys)}")
    return value


def _seq(value: object, path: str, size: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (size is not None and len(value) != size):
        raise _Malformed(path, "must be a list" + ("" if size is None else f" of {size} items"))
    return value


def _whole(value: object, path: str, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Malformed(path, "must be a whole number of at least 0")
    if high is not None and value > high:
        raise _Malformed(path, f"must be at most {high}")
    return value


def _text(value: object, path: str, allowed: tuple[str, ...] | None = None) -> str:
    if not isinstance(value, str) or (allowed is not None and value not in allowed):
        raise _Malformed(path, "must be a string" + ("" if allowed is None else " naming a kind"))
    return value


def _key(value: object, path: str, size: int) -> Key:
    return tuple(_text(part, f"{path}[{n}]") for n, part in enumerate(_seq(value, path, size)))


def _counts(value: object, path: str, names: tuple[str, ...] | None) -> dict[str, int]:
    if names is not None:
        value = _obj(value, path, names)
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise _Malformed(path, "must map names to whole numbers")
    # A place, not the key: a key from a foreign or tampered file may be anything.
    return {k: _whole(n, f"{path}[{i}]") for i, (k, n) in enumerate(value.items())}


def _label(value: object, path: str) -> str:
    label = _text(value, path)
    try:
        period(label)
    except PeriodError:
        raise _Malformed(path, "must be a period label such as 2024-H2") from None
    return label


def _day(value: object) -> dt.date:
    try:
        return dt.date.fromisoformat(_text(value, "$.today"))
    except ValueError:
        raise _Malformed("$.today", "must be a date written YYYY-MM-DD") from None
