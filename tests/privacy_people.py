"""Synthetic clients and a release desk for the privacy tests (names and ids made up)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dexcore.model import AtsiOrigin, Client, Gender, ResidentialAddress, State
from dexcore.privacy import AuditEntry, ReleaseDesk

ON = dt.date(2025, 1, 15)
KEY = bytes(range(1, 33))  # a fixed 32-byte key, so the order of links is the same every run


def person(number: int, **changes: Any) -> Client:
    fields: dict[str, Any] = {
        "client_id": f"K{number:04d}",
        "consent_to_provide_details": False,
        "consented_for_future_contacts": False,
        "slk": f"ZQ{chr(65 + number % 26)}{chr(65 + number // 26 % 26)}L150619802",
        "birth_date": dt.date(1980, 6, 15),
        "gender": Gender.FEMALE,
        "country_of_birth": "1101",
        "language_spoken_at_home": "1201",
        "atsi_origin": AtsiOrigin.NO,
        "residential_address": ResidentialAddress(
            suburb="Brindabella Flats", state=State.ACT, postcode="2611"
        ),
    }
    fields.update(changes)
    return Client(**fields)


def people(numbers: range, **changes: Any) -> list[Client]:
    return [person(n, **changes) for n in numbers]


def desk() -> tuple[ReleaseDesk, list[AuditEntry]]:
    log: list[AuditEntry] = []
    return ReleaseDesk(log), log
