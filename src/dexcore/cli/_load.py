"""Reading the files a command is given: bulk XML or dexcore JSON, one or several."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from pathlib import Path

import attrs

from dexcore._files import FileTooLarge, open_binary, read_limited, read_unless_regular
from dexcore.cli._common import Progress, Unreadable, say
from dexcore.errors import DexError
from dexcore.io.bulk import BulkUpload, load_bulk, read_bulk
from dexcore.issues import Issue
from dexcore.issues import Unreadable as RuleUnreadable
from dexcore.model import Dataset
from dexcore.report_formats import Located, problem_line

__all__ = ["Loaded", "load_files", "open_file", "warn_unread"]

_COLLECTIONS = (
    ("client", "clients"),
    ("case", "cases"),
    ("session", "sessions"),
    ("client_assessment", "client_assessments"),
    ("session_assessment", "session_assessments"),
    ("outlet", "outlets"),
)


# A reader's message for a record it could not read starts with the line it is on.
@attrs.frozen
class _One:
    """One file read: its dataset, what could not be read, and the reader's lines."""

    dataset: Dataset
    problems: tuple[Issue, ...] = ()
    upload: BulkUpload | None = None
    source: Path | bytes | None = None  # the XML read, for the schema to read again


@attrs.frozen
class Loaded:
    """The datasets of every file given, as one, with where each record came from."""

    dataset: Dataset
    files: tuple[str, ...]
    parts: tuple[_One, ...]
    # Per kind, the index at which each file's records start in the merged dataset.
    starts: dict[str, list[int]] = attrs.field(factory=dict)

    @property
    def problems(self) -> list[Located]:
        """The records that could not be read, each with its file and line."""
        found = []
        for name, part in zip(self.files, self.parts, strict=True):
            for issue in part.problems:
                told = problem_line(issue.message)
                line = None if told is None else told[0]
                found.append(Located(issue=issue, file=name, line=line))
        return found

    def unreadable(self) -> RuleUnreadable:
        """The records no file could read, so references to them are not reported again."""
        found = [part.upload.unreadable for part in self.parts if part.upload is not None]
        return RuleUnreadable(
            client_ids=frozenset().union(*(u.client_ids for u in found)),
            case_ids=frozenset().union(*(u.case_ids for u in found)),
            session_keys=frozenset().union(*(u.session_keys for u in found)),
        )

    def locate_all(self, issues: Sequence[Issue]) -> list[Located]:
        """Each issue with its file and the line of its own element, in the file's own terms.

        For an XML file, a rule's Python path (``$.clients[6].given_name``) becomes the
        file's XML path, its field names the element names, and its line the line of the
        element at fault; each file is read once more for those lines.
        """
        located = [self.locate(issue) for issue in issues]
        for number, part in enumerate(self.parts):
            upload = part.upload
            if upload is None:
                continue
            mine = [n for n, issue in enumerate(issues) if self._part_of(issue) == number]
            local = [self._local(issues[n], number) for n in mine]
            lines = upload.lines_of(local)
            for n, issue, line in zip(mine, local, lines, strict=True):
                located[n] = attrs.evolve(
                    located[n], issue=upload.in_file_terms(issue), line=line or located[n].line
                )
        return located

    def _part_of(self, issue: Issue) -> int | None:
        index, kind = issue.record.index, issue.record.kind
        if len(self.parts) == 1:
            return 0
        if index is None or kind not in self.starts:
            return None
        return bisect.bisect_right(self.starts[kind], index) - 1

    def _local(self, issue: Issue, number: int) -> Issue:
        """``issue`` with its record counted within its own file."""
        index, kind = issue.record.index, issue.record.kind
        if index is None or kind not in self.starts:
            return issue
        own = index - self.starts[kind][number]
        return attrs.evolve(issue, record=attrs.evolve(issue.record, index=own))

    def locate(self, issue: Issue) -> Located:
        """``issue`` (about a record of the merged dataset) with its file and line."""
        index, kind = issue.record.index, issue.record.kind
        if index is None or kind not in self.starts:
            return Located(issue=issue, file=self.files[0] if len(self.files) == 1 else None)
        number = bisect.bisect_right(self.starts[kind], index) - 1
        upload = self.parts[number].upload
        own = index - self.starts[kind][number]
        line = None if upload is None else upload.lines.get((kind, own))
        return Located(issue=issue, file=self.files[number], line=line)


def _is_xml(path: Path, data: bytes | None) -> bool:
    if path.suffix.lower() == ".xml":
        return True
    if data is None:
        with open_binary(path) as stream:
            data = stream.read(64)
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def open_file(path: Path, limit: int | None) -> tuple[Path | bytes, bool]:
    """What to read (the path, or the bytes already read) and whether it is XML.

    Dexcore JSON is always read here, as bytes.

    Raises:
        Unreadable: the file cannot be read, is too large or is empty.
    """
    try:
        data = read_unless_regular(path, limit)
        xml = _is_xml(path, data)
        if not xml and data is None:
            data = read_limited(path, limit)
    except OSError as error:
        raise Unreadable(f"dexcore: cannot read {path}: {error.strerror}") from None
    except FileTooLarge as error:
        raise Unreadable(
            f"dexcore: {path} is larger than {error.limit:,} bytes (DSS accepts 10 MB a file);"
            " give --max-size to read it anyway"
        ) from None
    if data == b"":  # such as a FIFO that no program writes to
        raise Unreadable(f"dexcore: {path} is empty")
    return (path if data is None else data), xml


def _read_xml(source: Path | bytes, progress: Progress, *, lines: bool, limit: int | None) -> _One:
    if lines:
        # The quick way where the file allows: lines are found afterwards for the records
        # that issues name (BulkUpload.lines_of), so a clean file is read at full speed.
        upload = load_bulk(source, progress=progress.reading, max_size=limit, quick=True)
        return _One(upload.dataset, upload.problems, upload, source)
    problems: list[Issue] = []
    dataset = read_bulk(source, problems=problems, progress=progress.reading, max_size=limit)
    return _One(dataset, tuple(problems))


def _load_one(file: str, progress: Progress, *, lines: bool, limit: int | None) -> _One:
    path = Path(file)
    source, xml = open_file(path, limit)
    progress.reading_file(path.name)
    if xml:
        try:
            return _read_xml(source, progress, lines=lines, limit=limit)
        except DexError as error:
            raise Unreadable(
                f"dexcore: {path} cannot be read as a DEX bulk upload: {error}"
            ) from None
        finally:
            progress.done()
    from dexcore.io import dataset_from_json  # cattrs: only for dexcore's JSON form

    try:
        return _One(dataset_from_json(source if isinstance(source, bytes) else b""))
    except DexError as error:
        raise Unreadable(f"dexcore: {path} is not a dexcore dataset: {error}") from None


def _merge(parts: Sequence[_One]) -> tuple[Dataset, dict[str, list[int]]]:
    if len(parts) == 1:
        dataset = parts[0].dataset
        return dataset, {kind: [0] for kind, _ in _COLLECTIONS}
    starts: dict[str, list[int]] = {}
    records: dict[str, list[object]] = {}
    for kind, field in _COLLECTIONS:
        starts[kind], records[field] = [], []
        for part in parts:
            starts[kind].append(len(records[field]))
            records[field].extend(getattr(part.dataset, field))
    organisation = next((p.dataset.organisation for p in parts if p.dataset.organisation), None)
    return Dataset(**records, organisation=organisation), starts  # type: ignore[arg-type]


def load_files(
    files: Sequence[str], progress: Progress, *, lines: bool = False, limit: int | None
) -> Loaded:
    """The files' datasets as one, in the order given (the parts of a split upload).

    With ``lines``, bulk files are read by the full reader, which keeps each
    record's line; otherwise ``read_bulk`` may take its quick path.

    Raises:
        Unreadable: a file cannot be read.
    """
    parts = tuple(_load_one(file, progress, lines=lines, limit=limit) for file in files)
    dataset, starts = _merge(parts)
    return Loaded(dataset=dataset, files=tuple(files), parts=parts, starts=starts)


def warn_unread(loaded: Loaded) -> None:
    """Say on stderr how many records of each file could not be read."""
    for name, part in zip(loaded.files, loaded.parts, strict=True):
        count = len(part.problems)
        if count:
            records = "1 record" if count == 1 else f"{count} records"
            say(
                f"dexcore: {records} of {Path(name).name} could not be read and"
                f" {'is' if count == 1 else 'are'} left out; `dexcore check` lists them"
            )
