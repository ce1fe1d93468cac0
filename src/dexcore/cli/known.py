"""``--known``: records already in DEX, from a previous upload or a file of ids."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dexcore.cli._common import Progress, Unreadable
from dexcore.cli._load import load_files, open_file
from dexcore.issues import KnownRecords
from dexcore.model import Dataset

__all__ = ["read_known"]

_KINDS = ("client", "case", "session")


def _from_dataset(dataset: Dataset) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    clients = {client.client_id for client in dataset.clients}
    cases = {case.case_id for case in dataset.cases}
    sessions = {session.key for session in dataset.sessions}
    return clients, cases, sessions


def _from_ids(path: Path, text: str) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    clients: set[str] = set()
    cases: set[str] = set()
    sessions: set[tuple[str, str]] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        words = raw.replace(",", " ").split()
        if not words or words[0].startswith("#"):
            continue
        kind, ids = words[0].lower(), words[1:]
        if kind == "client" and len(ids) == 1:
            clients.add(ids[0])
        elif kind == "case" and len(ids) == 1:
            cases.add(ids[0])
        elif kind == "session" and len(ids) == 2:
            sessions.add((ids[0], ids[1]))
        else:
            raise Unreadable(
                f"dexcore: {path} line {number}: expected `client ID`, `case ID` or"
                " `session CASE_ID SESSION_ID` (see `dexcore check --help`)"
            )
    return clients, cases, sessions


def read_known(files: Sequence[str], *, assume_all: bool, limit: int | None) -> KnownRecords:
    """The records named in ``files`` (bulk XML, dexcore JSON, or a list of ids) as known.

    Raises:
        Unreadable: a file cannot be read.
    """
    clients: set[str] = set()
    cases: set[str] = set()
    sessions: set[tuple[str, str]] = set()
    for file in files:
        path = Path(file)
        source, xml = open_file(path, limit)
        head = source.lstrip()[:1] if isinstance(source, bytes) else b""
        if xml or head in (b"{", b"["):
            found = _from_dataset(load_files([file], Progress(enabled=False), limit=limit).dataset)
        else:
            try:
                text = source.decode("utf-8-sig") if isinstance(source, bytes) else ""
            except UnicodeDecodeError:
                raise Unreadable(f"dexcore: {path} is not UTF-8 text") from None
            found = _from_ids(path, text)
        clients |= found[0]
        cases |= found[1]
        sessions |= found[2]
    return KnownRecords(
        client_ids=frozenset(clients),
        case_ids=frozenset(cases),
        session_keys=frozenset(sessions),
        assume_all=assume_all,
    )
