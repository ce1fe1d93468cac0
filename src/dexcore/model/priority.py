"""Priority target groups: whether a client belongs to each, from their own answers.

A :class:`PriorityGroup` classes a client as in the group (``True``), not
in it (``False``) or not stated (``None``). The KPIs count clients assisted
from each group (:mod:`dexcore.kpi`) and disclosure control tabulates by
them (:mod:`dexcore.privacy`); both take the groups from here.

>>> [group.name for group in DEFAULT_PRIORITY_GROUPS]
['atsi', 'cald', 'disability']
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from dexcore.model.client import Client
from dexcore.model.codes import AtsiOrigin

__all__ = ["DEFAULT_PRIORITY_GROUPS", "PriorityGroup"]

#: SACC codes of the main English-speaking countries (ABS): Australia, New Zealand, the United
#: Kingdom and its parts, Ireland, Canada, the United States and South Africa.
MAIN_ENGLISH_SPEAKING = frozenset(
    {"1101", "1201", "2100", "2101", "2102", "2103", "2104", "2105", "2106", "2107", "2108",
     "2201", "8102", "8104", "9225"}
)  # fmt: skip
COUNTRY_NOT_STATED = frozenset({"0003"})
ENGLISH = "1201"
LANGUAGE_NOT_STATED = frozenset({"0002"})


@attrs.frozen(kw_only=True)
class PriorityGroup:
    """A priority target group and how a client is classed in it.

    Attributes:
        name: A short name for reports and JSON, such as ``atsi``.
        description: What the group is.
        classify: ``True`` in the group, ``False`` not, ``None`` not stated.
    """

    name: str
    description: str
    classify: Callable[[Client], bool | None] = attrs.field(eq=False)


def _atsi(client: Client) -> bool | None:
    if client.atsi_origin is AtsiOrigin.NOTSTATED:
        return None
    return client.atsi_origin is not AtsiOrigin.NO


def _cald(client: Client) -> bool | None:
    country = client.country_of_birth
    language = client.language_spoken_at_home
    born_abroad = None if country in COUNTRY_NOT_STATED else country not in MAIN_ENGLISH_SPEAKING
    other_language = None if language in LANGUAGE_NOT_STATED else language != ENGLISH
    if born_abroad or other_language:
        return True
    if born_abroad is False and other_language is False:
        return False
    return None


def _disability(client: Client) -> bool | None:
    if not client.has_disabilities:
        return False
    return None if set(client.disabilities) <= {"NOTSTATED"} else True


#: Aboriginal and/or Torres Strait Islander people, culturally and linguistically diverse
#: people, and people with disability.
DEFAULT_PRIORITY_GROUPS = (
    PriorityGroup(
        name="atsi",
        description="Aboriginal and/or Torres Strait Islander",
        classify=_atsi,
    ),
    PriorityGroup(
        name="cald",
        description=(
            "culturally and linguistically diverse: born in a country other than the main "
            "English-speaking ones, or speaking a language other than English at home"
        ),
        classify=_cald,
    ),
    PriorityGroup(name="disability", description="people with disability", classify=_disability),
)
