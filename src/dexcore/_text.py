"""Text folded to plain ASCII letters: one definition for the SLK and the id guard.

An SLK-581 counts the letters A–Z of a name after NFKD with the combining
marks dropped (AIHW METeOR 349481 and 349483; ``docs/explanation/slk.md``),
and the id guard compares an id with those same letters of the client's
names, so both fold a name here.
"""

from __future__ import annotations

import unicodedata

__all__ = ["latin_letters", "to_ascii"]

# Deletes every ASCII character but A-Z (applied after upper-casing).
_KEEP_A_TO_Z = {i: None for i in range(128) if not ord("A") <= i <= ord("Z")}


def to_ascii(text: str) -> str:
    """``text`` after NFKD with every non-ASCII character dropped.

    NFKD splits é into e and a combining accent; encoding to ASCII then drops
    the accent and every letter with no ASCII decomposition (ø, ß, æ, ł, other
    scripts). ASCII text comes back as it is.

    >>> to_ascii("Zoë Øster-Ñúñez")
    'Zoe ster-Nunez'
    """
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def latin_letters(text: str) -> str:
    """The letters A–Z of ``text``, upper-case, after NFKD with marks dropped.

    >>> latin_letters("O'Brien-Ñúñez 2")
    'OBRIENNUNEZ'
    """
    return to_ascii(text).upper().translate(_KEEP_A_TO_Z)
