"""The charts, as inline SVG: SCORE change per domain, and the provider's rank among peers.

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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from dexcore.html_report._figures import DomainFigure, Shown

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MISSING_MATPLOTLIB", "peers_chart", "require_matplotlib", "score_chart"]

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


def _svg(text: str, name: str) -> str:
    """The ``<svg>`` element alone (no XML declaration, doctype or metadata), ids its own.

    matplotlib numbers its groups ``figure_1``, ``line2d_1``...: prefixed with the chart's
    name, two charts on one page share no id.
    """
    start = text.index("<svg")
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", text[start:], flags=re.DOTALL).strip()
    return re.sub(r'id="([A-Za-z][\w.]*_\d+)"', rf'id="{name}-\1"', svg)


def _chart(name: str, rows: int, draw: Callable[[Axes], None]) -> str:
    require_matplotlib()
    import matplotlib  # noqa: PLC0415 (the optional extra)
    from matplotlib.figure import Figure  # noqa: PLC0415

    out = io.StringIO()
    # Text is never read as mathematics: a "$" in a domain code stays a "$".
    with (
        _DRAWING,
        matplotlib.rc_context(
            {
                "svg.hashsalt": f"dexcore-report-{name}",
                "svg.fonttype": "none",
                "font.family": ["sans-serif"],
                "font.size": 10.0,
                "text.parse_math": False,
            }
        ),
    ):
        figure = Figure(figsize=(7.5, 1.0 + 0.55 * max(rows, 1)), layout="constrained")
        draw(figure.add_subplot())
        figure.savefig(out, format="svg", metadata={"Date": None})
    return _svg(out.getvalue(), name)


def score_chart(domains: Sequence[DomainFigure]) -> str:
    """The SCORE change per domain as an ``<svg>`` element, the same bytes for the same figures.

    Raises:
        ImportError: matplotlib is not installed (the message names the extra).
    """
    return _chart("score", len(domains), lambda axes: _draw(axes, domains))


def _draw_ranks(axes: Axes, ranks: Sequence[tuple[str, float | None]]) -> None:
    for row, (_, rank) in enumerate(ranks):
        if rank is None:
            axes.annotate("not compared", (0, row), xytext=(3, 0), textcoords="offset points",
                          va="center", fontsize=8, color="#555555")  # fmt: skip
            continue
        axes.barh(row, rank, height=0.5, color=_BARS[0][2])
        axes.annotate(f"{rank:.0f}", (rank, row), xytext=(3, 0), textcoords="offset points",
                      va="center", fontsize=8)  # fmt: skip
    axes.axvline(50, color="#333333", linewidth=1, linestyle="--")
    axes.set_yticks(range(len(ranks)), [label for label, _ in ranks])
    axes.invert_yaxis()
    axes.set_xlim(0, 105)
    axes.set_xlabel("percentile rank (dashed line: the peers' median)")
    axes.spines[["top", "right"]].set_visible(False)


def peers_chart(ranks: Sequence[tuple[str, float | None]]) -> str:
    """The provider's percentile rank per KPI as an ``<svg>`` element.

    Args:
        ranks: Per KPI, its label and the rank (0-100), or ``None`` when not compared.

    Raises:
        ImportError: matplotlib is not installed (the message names the extra).
    """
    return _chart("peers", len(ranks), lambda axes: _draw_ranks(axes, ranks))
