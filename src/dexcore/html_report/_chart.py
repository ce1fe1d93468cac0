"""The SCORE chart: clients improved, unchanged and declined per domain, as inline SVG.

matplotlib is an optional extra (``pip install 'dexcore[report]'``), imported
only when a chart is drawn. The SVG is reproducible: a fixed hash salt for
its element ids, no creation date, text kept as text (``svg.fonttype``
``none``, drawn with the reader's own sans-serif font, so nothing is
embedded or fetched).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dexcore.html_report._figures import DomainFigure, Shown

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MISSING_MATPLOTLIB", "require_matplotlib", "score_chart"]

#: The one line said when the optional extra is missing.
MISSING_MATPLOTLIB = "the report's charts need matplotlib: pip install 'dexcore[report]'"

# matplotlib's settings are process-wide: charts are drawn one at a time, each in an
# rc_context that restores the caller's settings when it ends.
_DRAWING = threading.Lock()
_BARS = (  # (field, legend, colour): Okabe and Ito's palette, readable in colour blindness
    ("improved", "improved", "#0072B2"),
    ("no_change", "no change", "#999999"),
    ("declined", "declined", "#D55E00"),
)
_HEIGHT = 0.26  # of one bar, in rows


def require_matplotlib() -> None:
    """Check that matplotlib can be imported.

    Raises:
        ImportError: it cannot; the message names the extra to install.
    """
    try:
        import matplotlib  # noqa: F401, PLC0415 (the optional extra)
    except ImportError:
        raise ImportError(MISSING_MATPLOTLIB, name="matplotlib") from None


def _label(axes: Axes, x: float, y: float, value: Shown) -> None:
    axes.annotate(
        str(value), (x, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8
    )


def _values(domain: DomainFigure) -> tuple[Shown, ...]:
    return tuple(getattr(domain, field) for field, _, _ in _BARS)


def _draw(axes: Axes, domains: Sequence[DomainFigure]) -> None:
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 (the optional extra)

    for k, (field, legend, colour) in enumerate(_BARS):
        for row, domain in enumerate(domains):
            value: Shown = getattr(domain, field)
            y = row + (k - 1) * _HEIGHT
            width = value if isinstance(value, int) else 0
            axes.barh(y, width, height=_HEIGHT, color=colour, label=legend if row == 0 else None)
            if value != 0:  # a zero shows as no bar; a hidden count says n.p.
                _label(axes, width, y, value)
    names = [f"{d.score_type}: {d.domain}" for d in domains]
    axes.set_yticks(range(len(domains)), names)
    axes.invert_yaxis()
    axes.set_xlabel("clients (n.p.: not published, to protect small counts)")
    largest = max((v for d in domains for v in _values(d) if isinstance(v, int)), default=0)
    axes.set_xlim(0, max(largest, 1) * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower right", frameon=False, ncols=3, bbox_to_anchor=(1, 1))


def _svg(text: str) -> str:
    """The ``<svg>`` element alone: no XML declaration, doctype or comment."""
    start = text.index("<svg")
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text[start:], flags=re.DOTALL).strip()


def score_chart(domains: Sequence[DomainFigure]) -> str:
    """The SCORE change per domain as an ``<svg>`` element, the same bytes for the same figures.

    Raises:
        ImportError: matplotlib is not installed (the message names the extra).
    """
    require_matplotlib()
    import matplotlib  # noqa: PLC0415 (the optional extra)
    from matplotlib.figure import Figure  # noqa: PLC0415

    out = io.StringIO()
    # Text is never read as mathematics: a "$" in a domain code stays a "$".
    with (
        _DRAWING,
        matplotlib.rc_context(
            {
                "svg.hashsalt": "dexcore-report",
                "svg.fonttype": "none",
                "font.family": ["sans-serif"],
                "font.size": 10.0,
                "text.parse_math": False,
            }
        ),
    ):
        figure = Figure(figsize=(7.5, 1.0 + 0.55 * max(len(domains), 1)), layout="constrained")
        _draw(figure.add_subplot(), domains)
        figure.savefig(out, format="svg", metadata={"Date": None})
    return _svg(out.getvalue())
