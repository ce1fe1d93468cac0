"""Privacy: guarding ids against identity leaks, and generating safe ids.

Consent ledgers, de-identified exports and disclosure control for reports
come in later releases.
"""

from __future__ import annotations

from dexcore.privacy.identifiers import IdLeak, identifier_leaks, new_client_id

__all__ = ["IdLeak", "identifier_leaks", "new_client_id"]
