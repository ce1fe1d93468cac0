"""The one rule for the identifiers a consent names: subject, organisation, recipient, consent id.

Two spellings of an identifier are compared at two strengths:

* the **canonical form** (:func:`canonical_id`): Unicode NFKC, surrounding
  white space stripped; it must then be printable ASCII without white space.
  Full-width letters and padded ids become the plain id; look-alike letters
  from other scripts (Cyrillic "С"), zero-width characters and inner spaces
  are refused rather than guessed at. A permit authorises only a question
  whose identifiers have exactly its canonical form.
* the **fold key** (:func:`fold_key`): the canonical form case-folded. A
  denial stops every question whose identifiers have its fold key, and
  consent ids are unique by fold key, so a spelling difference can only ever
  turn an answer into *no*.
"""

from __future__ import annotations

import unicodedata

from dexcore.errors import ConsentError

__all__ = ["canonical_id", "fold_key"]

#: Longest identifier accepted (DEX ids are at most 50 characters; consent ids at most 64).
MAX_LENGTH = 64


def _plain(text: str) -> bool:
    """Printable ASCII with no white space (``!`` to ``~``)."""
    return all("!" <= char <= "~" for char in text)


def canonical_id(value: object, what: str = "identifier") -> str:
    """The canonical form of an identifier, or a :class:`~dexcore.errors.ConsentError`.

    NFKC-normalised and stripped of surrounding white space; what remains must
    be 1 to 64 printable ASCII characters with no white space. Case is kept:
    ``"dss"`` and ``"DSS"`` are different canonical ids that share a fold key.

    Args:
        value: The identifier as the caller spelled it.
        what: Which identifier it is, for the error message (``"subject"``).

    Raises:
        ConsentError: ``consent.invalid-id``; the message never quotes ``value``.

    >>> canonical_id("  ＤＳＳ ")
    'DSS'
    """
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text and len(text) <= MAX_LENGTH and _plain(text):
            return text
    raise ConsentError(
        "consent.invalid-id",
        "",
        f"{what} must be 1 to {MAX_LENGTH} printable ASCII characters with no inner white space "
        "(after NFKC normalisation and stripping)",
    )


def fold_key(canonical: str) -> str:
    """The key under which spellings that differ only in case meet (denials match on it).

    >>> fold_key(canonical_id("Dss")) == fold_key(canonical_id("DSS"))
    True
    """
    return canonical.casefold()
