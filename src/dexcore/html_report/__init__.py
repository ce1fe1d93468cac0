"""A KPI report as one self-contained HTML page (``dexcore report``).

:func:`gather_report` turns a dataset (and, optionally, a check report and
peer figures) into a :class:`ReportData`: the five standard KPIs with their
numerators and denominators, the SCORE change per domain, the
unidentified-client share, the provider's place among its peers, and the
check summary. With ``publish=True`` every count goes through
:func:`~dexcore.privacy.protect`. :func:`render_report` makes the page: the
charts are inline SVG drawn by matplotlib (the optional ``report`` extra,
``pip install 'dexcore[report]'``), and nothing is loaded from elsewhere.
The page shows no client's name, birth date, SLK or id. See
:doc:`/howto/report`.
"""

from __future__ import annotations

from dexcore.html_report._chart import peers_chart, require_matplotlib, score_chart
from dexcore.html_report._figures import (
    CheckFigures,
    DomainFigure,
    IssueCount,
    PeerFigures,
    RatioFigure,
    ReportData,
    Shown,
)
from dexcore.html_report._gather import gather_report
from dexcore.html_report._peers import peers_from_json
from dexcore.html_report._render import render_report

__all__ = [
    "CheckFigures",
    "DomainFigure",
    "IssueCount",
    "PeerFigures",
    "RatioFigure",
    "ReportData",
    "Shown",
    "gather_report",
    "peers_chart",
    "peers_from_json",
    "render_report",
    "require_matplotlib",
    "score_chart",
]
