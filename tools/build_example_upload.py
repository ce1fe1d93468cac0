"""Write ``examples/example-upload.xml``: a DEX bulk upload with a few deliberate mistakes.

It is the example dataset (``examples/example-dataset.json``) as an
organisation would upload it for 2024-H2: every client and case, the
sessions of July to December 2024 and their assessments, without the
outlets (set up in the portal, not uploaded). It is written by
:func:`dexcore.io.bulk.write_bulk` and then edited the way hand-built
uploads go wrong, so that ``dexcore check`` has something to show:

- a client who did not consent, sent with a given name anyway;
- a placeholder (``no value``) in a mandatory code;
- a session dated 31 September.

Every person here is invented. Run ``python tools/build_example_upload.py``
and review the diff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

from dexcore.io import dataset_from_json
from dexcore.io.bulk import write_bulk

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "examples" / "example-dataset.json"
TARGET = ROOT / "examples" / "example-upload.xml"
FIRST_DAY = dt.date(2024, 7, 1)

#: (client or session id, what to find in that record, what to put instead).
MISTAKES = (
    (
        "<ClientId>C00007</ClientId>",
        "</ConsentedForFutureContacts>\n",
        "</ConsentedForFutureContacts>\n      <GivenName>Tavi</GivenName>\n",
    ),
    (
        "<ClientId>C00018</ClientId>",
        "<CountryOfBirthCode>1101</CountryOfBirthCode>",
        "<CountryOfBirthCode>no value</CountryOfBirthCode>",
    ),
    (
        "<SessionId>S002</SessionId>\n      <CaseId>FAM-003</CaseId>",
        "<SessionDate>2024-10-07</SessionDate>",
        "<SessionDate>2024-09-31</SessionDate>",
    ),
)


def _edit(text: str, anchor: str, before: str, after: str) -> str:
    """Replace the first ``before`` after ``anchor``, which must both be there."""
    start = text.find(anchor)
    at = text.find(before, start)
    if start < 0 or at < 0:
        raise SystemExit(f"the example dataset changed: cannot place a mistake at {anchor!r}")
    return text[:at] + after + text[at + len(before) :]


def build() -> str:
    """The example upload's text."""
    dataset = dataset_from_json(SOURCE.read_bytes())
    sessions = tuple(s for s in dataset.sessions if s.session_date >= FIRST_DAY)
    kept = {s.key for s in sessions}
    upload = attrs.evolve(
        dataset,
        sessions=sessions,
        client_assessments=tuple(a for a in dataset.client_assessments if a.session_key in kept),
        session_assessments=tuple(a for a in dataset.session_assessments if a.session_key in kept),
        outlets=(),
        organisation=None,
    )
    (data,) = write_bulk(upload)
    text = data.decode("utf-8")
    for anchor, before, after in MISTAKES:
        text = _edit(text, anchor, before, after)
    return text


if __name__ == "__main__":
    TARGET.write_text(build(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
