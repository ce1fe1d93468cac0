r"""Text for a terminal: data shown, never obeyed; sizes read the way people write them.

A record id such as ``S1\r\x1b[31mALL CLEAR`` written to a terminal as it is
would return the cursor, turn the text red and overwrite the line it is on.
:func:`shown` escapes every character a terminal may act on rather than show.
"""

from __future__ import annotations

import argparse
import re

__all__ = ["parse_size", "shown"]

# What a terminal may act on rather than show: C0 and C1 controls and DEL, lone surrogates
# (which cannot even be written as UTF-8), line and paragraph separators, bidirectional
# overrides and isolates (which reorder what is shown around them).
_UNSHOWABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\ud800-\udfff"  # C0 controls, DEL, C1 controls, lone surrogates
    r"\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"  # separators, bidirectional controls
)

_SIZE = re.compile(r"(\d+)\s*([kmg]?)b?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(value: object) -> str:
    r"""``value`` as text for a terminal, with every control character escaped (``\x1b``)."""
    return _UNSHOWABLE.sub(_escape_one, str(value))


def parse_size(text: str) -> int:
    """A size in bytes written ``50000000``, ``100MB``, ``2GB`` or ``500kB`` (decimal units).

    Raises:
        argparse.ArgumentTypeError: it is not such a size.
    """
    match = _SIZE.fullmatch(text.strip())
    if match is None or not 0 < len(match.group(1)) <= 15:  # petabytes at most
        raise argparse.ArgumentTypeError("expected a size such as 100MB, 2GB or 50000000")
    return int(match.group(1)) * _SIZE_UNITS[match.group(2).lower()]
