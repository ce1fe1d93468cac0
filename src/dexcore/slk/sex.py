"""The SLK-581 sex digit: ``1``, ``2``, ``3`` or ``9`` from codes, letters and words.

The last character of an SLK-581 is METeOR's sex code: 1 male, 2 female,
3 intersex, indeterminate, other or another term, 9 not stated or
inadequately described. DSS maps the ABS 2020 gender standard onto it: man
or male 1, woman or female 2, non-binary 3, a different term 3, not stated 9.

Anything that is not recognised raises; an unknown value never becomes a
silent 9.
"""

from __future__ import annotations

import enum

from dexcore.errors import InvalidSlkInput

__all__ = ["SEX_CODES", "sex_code"]

#: The four valid sex digits.
SEX_CODES = frozenset("1239")

# Keys are upper case with blanks, hyphens, underscores, slashes and full stops removed.
_WORDS: dict[str, str] = {
    **dict.fromkeys(("1", "M", "MALE", "MAN", "MANORMALE", "BOY"), "1"),
    **dict.fromkeys(("2", "F", "FEMALE", "WOMAN", "WOMANORFEMALE", "GIRL"), "2"),
    **dict.fromkeys(
        (
            "3",
            "X",
            "OTHER",
            "INTERSEX",
            "INDETERMINATE",
            "INTERSEXORINDETERMINATE",
            "NONBINARY",
            "DIFFERENTTERM",
            "ADIFFERENTTERM",
            "IUSEADIFFERENTTERM",
            "THEYUSEADIFFERENTTERM",
            "ANOTHERTERM",
        ),
        "3",
    ),
    **dict.fromkeys(
        (
            "",
            "0",
            "9",
            "U",
            "UNKNOWN",
            "NOTSTATED",
            "NOTSTATEDINADEQUATELYDESCRIBED",
            "INADEQUATELYDESCRIBED",
            "PREFERNOTTOANSWER",
            "PREFERNOTTOSAY",
        ),
        "9",
    ),
}

_SEPARATORS = str.maketrans("", "", " -_/.\t")


def sex_code(value: str | int | enum.Enum | None) -> str:
    """The SLK-581 sex digit for ``value``.

    Accepts the digits themselves, the letters M/F/X/U, DEX ``GenderCode``
    values (``MALE``, ``FEMALE``, ``OTHER``, ``INTERSEX``, ``NOTSTATED``) and
    the words of the ABS 2020 standard, in any case. ``None`` and blank mean
    not stated (9), as does PMHC's gender ``0``. White space at either end
    (a CR, LF or no-break space left by a CSV file) is ignored.

    >>> sex_code("female"), sex_code("X"), sex_code(None), sex_code("non-binary")
    ('2', '3', '9', '3')

    Raises:
        InvalidSlkInput: ``value`` is not recognised.
    """
    if value is None:
        return "9"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidSlkInput("sex", "must be a code, a letter or a word, or None")
    # Any white space at the ends (CR, LF, no-break space from CSV files), as str.strip().
    code = _WORDS.get(str(value).strip().upper().translate(_SEPARATORS))
    if code is None:  # (no KeyError: it would carry the value in its chain)
        raise InvalidSlkInput(
            "sex", "is not a recognised sex or gender (use 1/2/3/9, M/F/X/U or a word)"
        )
    return code
