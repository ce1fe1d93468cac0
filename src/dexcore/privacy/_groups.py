"""A client's membership of a KPI priority group, as exports and tables label it."""

from __future__ import annotations

from collections.abc import Mapping

from dexcore.model import Client
from dexcore.model.priority import DEFAULT_PRIORITY_GROUPS, PriorityGroup

#: The labels, in the order tables show them.
GROUP_LABELS = ("yes", "no", "not stated")

_GROUPS: Mapping[str, PriorityGroup] = {group.name: group for group in DEFAULT_PRIORITY_GROUPS}


def group_label(name: str, client: Client) -> str:
    """``"yes"``, ``"no"`` or ``"not stated"`` for the priority group called ``name``."""
    value = _GROUPS[name].classify(client)
    if value is None:
        return GROUP_LABELS[2]
    return GROUP_LABELS[0] if value else GROUP_LABELS[1]
