"""Every source is cited publicly.

The catalogue links each rule's source to docs/explanation/sources.md, and nothing in the
repository points at notes that are not in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dexcore.issues import Severity
from dexcore.rules import RULESETS
from dexcore.rules.catalogue import catalogue_markdown
from dexcore.rules.engine import (
    Entity,
    Finding,
    RecordRule,
    RuleInfo,
    RuleSet,
    Source,
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SOURCES_PAGE = DOCS / "explanation" / "sources.md"


def _slug(heading: str) -> str:
    """The anchor MyST (and GitHub) give a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower().replace(" ", "-"))


def _anchors() -> set[str]:
    page = SOURCES_PAGE.read_text(encoding="utf-8")
    return {_slug(match) for match in re.findall(r"^#{1,3} (.+)$", page, flags=re.MULTILINE)}


def _all_sources() -> set[Source]:
    return {
        source for ruleset in RULESETS.values() for rule in ruleset for source in rule.info.sources
    }


def test_every_rule_source_has_an_entry_in_the_sources_page() -> None:
    anchors = _anchors()
    sources = _all_sources()
    assert len(sources) >= 15
    missing = sorted(source.document for source in sources if source.anchor not in anchors)
    assert missing == [], "add the source to docs/explanation/sources.md and give it an anchor"


def test_the_anchor_check_notices_a_wrong_anchor() -> None:
    anchors = _anchors()
    assert "data-exchange-protocols" in anchors
    assert "no-such-document" not in anchors
    assert "" not in anchors


def test_the_catalogue_links_every_source() -> None:
    page = catalogue_markdown()
    lines = [line for line in page.splitlines() if line.startswith("Sources: ")]
    assert lines
    cite = r"\[[^\]]+\]\(\.\./explanation/sources\.md#[a-z0-9-]+\) \[(DSS|second-hand|inferred)\]"
    for line in lines:
        assert re.fullmatch(rf"Sources: {cite}(; {cite})*\.", line), line
    links = set(re.findall(r"\(\.\./explanation/sources\.md#([a-z0-9-]+)\)", page))
    assert links <= _anchors()


def _one_rule_set(source: Source) -> RuleSet:
    def never(_record: object, _context: object) -> Iterator[Finding]:
        return iter(())

    info = RuleInfo(
        code="client.example",
        severity=Severity.INFO,
        summary="Example",
        description="An example rule.",
        sources=(source,),
        entity=Entity.CLIENT,
    )
    return RuleSet(name="t", version="1", rules=(RecordRule(info=info, check=never),))


def test_a_source_without_an_anchor_is_cited_but_not_linked() -> None:
    page = catalogue_markdown({"T": _one_rule_set(Source(document="Private memo", version="2"))})
    assert "Sources: Private memo, 2 [DSS]." in page
    assert "explanation/sources.md#" not in page.split("## T", 1)[1]


def test_a_source_with_an_anchor_is_linked() -> None:
    source = Source(document="Memo", evidence="inferred", anchor="rules-dexcore-infers")
    page = catalogue_markdown({"T": _one_rule_set(source)})
    assert "Sources: [Memo](../explanation/sources.md#rules-dexcore-infers) [inferred]." in page


def test_the_sources_page_is_in_the_table_of_contents() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    assert re.search(r"^explanation/sources$", index, flags=re.MULTILINE)


# Citations of notes that live outside the repository. Built from parts so this file is not a hit.
UNPUBLISHED = [
    re.compile(pattern)
    for pattern in (
        "reference/" + r"(slk581|dex-spec|privacy|ecosystem)\.md",
        r"\b(slk581|dex-spec)" + r"(\.md| §)",
        r"\bseed " + r"0\d\d",
        r"\.\./shared/|/work/" + "shared",
    )
]


def _repository_files() -> Iterator[Path]:
    for top in ("src", "tests", "docs", "tools", "bench", "examples"):
        for path in (ROOT / top).rglob("*"):
            if "_build" in path.parts or "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix in {".py", ".md", ".csv", ".txt", ".toml", ".cfg", ".json", ".rst"}:
                yield path
    yield ROOT / "README.md"
    yield ROOT / "pyproject.toml"


def test_nothing_cites_notes_outside_the_repository() -> None:
    offenders = []
    for path in _repository_files():
        name = path.relative_to(ROOT).as_posix()
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}: {p.pattern}" for p in UNPUBLISHED if p.search(text)]
    assert offenders == []


@pytest.mark.parametrize(
    "text",
    [
        "see reference/" + "dex-spec.md §2.1",
        "(" + "dex-spec §7)",
        "as seed " + "004 says",
        "python tools/x.py ../" + "shared/reference/data/file.xml",
    ],
)
def test_the_citation_guard_catches_each_kind(text: str) -> None:
    assert any(pattern.search(text) for pattern in UNPUBLISHED)
