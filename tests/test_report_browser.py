"""The HTML report in a real browser: headless Chromium loads it, offline, without complaint.

Chromium (Debian's ``chromium`` package) renders each page twice: once to dump the DOM it
built (the charts must be in it) and once to take a screenshot (it must show the chart's
colours). Every message on the browser's console fails the test: the page has no script, so
a message can only be an error, such as a load the page's Content-Security-Policy refused.
Without Chromium the test is skipped, except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from dexcore.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "example-dataset.json"
PEERS = ROOT / "examples" / "example-peers.json"
WIDTH, HEIGHT = 1000, 2600
# The chart's colours (dexcore/html_report/_chart.py): improved, no change, declined.
BLUE, GREY, ORANGE = (0x00, 0x72, 0xB2), (0x99, 0x99, 0x99), (0xD5, 0x5E, 0x00)
SECTIONS = ["kpis", "score", "unidentified", "checks"]
CONSOLE = re.compile(r":CONSOLE\b.*")


def _chromium() -> str | None:
    return next(
        (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
    )


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI runs the browser test, but Chromium is missing: .ci/run installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI installs and runs it")
    return binary


def browse(binary: str, page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Open ``page`` in headless Chromium with console logging on stderr."""
    argv = [
        binary, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
        "--no-first-run", "--disable-extensions", "--enable-logging=stderr", "--v=0",
        f"--user-data-dir={profile}", *extra, page.as_uri(),
    ]  # fmt: skip
    result = subprocess.run(argv, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def console(result: subprocess.CompletedProcess[str]) -> list[str]:
    return CONSOLE.findall(result.stderr)


def pixels_near(image: Image.Image, colour: tuple[int, int, int], within: int = 12) -> int:
    """How many pixels are within ``within`` of ``colour`` in each channel."""
    found = 0
    for (red, green, blue, *_), count in zip(*_colours(image), strict=True):
        if max(abs(red - colour[0]), abs(green - colour[1]), abs(blue - colour[2])) <= within:
            found += count
    return found


def _colours(image: Image.Image) -> tuple[list[tuple[int, ...]], list[int]]:
    """The distinct colours of an RGB image and how many pixels have each."""
    counted = image.getcolors(maxcolors=WIDTH * HEIGHT) or []
    colours = [colour for _, colour in counted if isinstance(colour, tuple)]
    return colours, [count for count, colour in counted if isinstance(colour, tuple)]


def make_page(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    argv = ["report", str(EXAMPLE), "--period", "2024-H2", "--today", "2025-01-15"]
    assert main([*argv, *extra, "-o", str(out)]) == 0
    return out


@pytest.mark.parametrize(
    ("name", "options", "sections", "charts"),
    [
        ("draft.html", ["--peers", str(PEERS)], [*SECTIONS, "peers"], 2),
        ("published.html", ["--publish"], SECTIONS, 1),
    ],
)  # fmt: skip
def test_the_report_renders_in_chromium(
    chromium: str, tmp_path: Path, name: str, options: list[str], sections: list[str], charts: int
) -> None:
    page = make_page(tmp_path, name, *options)
    dom = browse(chromium, page, tmp_path / "profile-dom", "--dump-dom")
    assert console(dom) == []
    assert dom.stdout.count("<svg") == charts, "a chart is missing from the rendered page"
    assert 'id="score-figure_1"' in dom.stdout
    for section in sections:
        assert f'<section id="{section}">' in dom.stdout
    shot = tmp_path / f"{name}.png"
    taken = browse(chromium, page, tmp_path / "profile-shot", f"--screenshot={shot}",
                   f"--window-size={WIDTH},{HEIGHT}")  # fmt: skip
    assert console(taken) == []
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    colours, counts = _colours(image)
    assert len(colours) > 50, "the screenshot is blank"
    assert max(counts) < 0.97 * WIDTH * HEIGHT, "the screenshot is almost one colour"
    assert pixels_near(image, BLUE) > 2000  # the unidentified share's bar, and improved bars
    if name == "draft.html":  # exact counts: the chart's no-change and declined bars show
        assert pixels_near(image, GREY) > 500
        assert pixels_near(image, ORANGE) > 500


def test_the_browser_check_sees_console_errors_and_refused_loads(
    chromium: str, tmp_path: Path
) -> None:
    """The other direction: what the test must catch, it catches."""
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    pages = {
        "error.html": '<!DOCTYPE html><html><body><script>console.error("boom")</script></body>',
        "fetch.html": (
            f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy"'
            f' content="{policy}"></head><body><img src="https://example.invalid/x.png"></body>'
        ),
    }
    for name, text in pages.items():
        page = tmp_path / name
        page.write_text(text, encoding="utf-8")
        result = browse(chromium, page, tmp_path / f"profile-{name}", "--dump-dom")
        assert console(result) != [], name
        assert "<svg" not in result.stdout
