"""SLK-581, the statistical linkage key, in the style of python-stdnum.

``generate`` builds a key, ``validate`` returns the canonical key or raises
an :class:`~dexcore.errors.InvalidSlk` subclass, ``is_valid`` answers yes or
no, ``parts`` splits a key, ``sex_code`` maps sex and gender to the digit,
and ``estimated_birth_date`` gives DEX's date for an estimate. See
:mod:`dexcore.slk.core` for the rules and the two policies.

An SLK is not anonymous: it can be decoded back to name fragments and a
birth date. Treat it as personal data.
"""

from __future__ import annotations

from dexcore.errors import (
    InvalidSlk,
    InvalidSlkDate,
    InvalidSlkFormat,
    InvalidSlkInput,
    InvalidSlkLength,
    InvalidSlkSex,
    SlkError,
)
from dexcore.slk.core import (
    SlkParts,
    SlkPolicy,
    SlkRow,
    compact,
    estimated_birth_date,
    generate,
    generate_many,
    is_valid,
    parts,
    validate,
)
from dexcore.slk.sex import SEX_CODES, sex_code

__all__ = [
    "SEX_CODES",
    "InvalidSlk",
    "InvalidSlkDate",
    "InvalidSlkFormat",
    "InvalidSlkInput",
    "InvalidSlkLength",
    "InvalidSlkSex",
    "SlkError",
    "SlkParts",
    "SlkPolicy",
    "SlkRow",
    "compact",
    "estimated_birth_date",
    "generate",
    "generate_many",
    "is_valid",
    "parts",
    "sex_code",
    "validate",
]
