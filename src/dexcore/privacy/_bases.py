"""The lawful bases for releasing identified unit records (APP 6), as typed values.

Public through :mod:`dexcore.privacy.disclosure`.
"""

from __future__ import annotations

from typing import Literal

import attrs

from dexcore.errors import DexValueError
from dexcore.privacy.consent import ConsentLedger, DataCategory, Purpose

__all__ = [
    "ConsentBasis",
    "LawfulBasis",
    "PrimaryPurpose",
    "RelatedSecondaryPurpose",
    "RequiredByLaw",
    "Research",
    "basis_problem",
    "describe_basis",
]


def _text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DexValueError(f"{type(instance).__name__}.{attribute.name} must be non-blank text")


@attrs.frozen
class PrimaryPurpose:
    """Disclosure for the purpose the data was collected for (APP 6.1).

    Attributes:
        purpose: That purpose, in words.
    """

    purpose: str = attrs.field(validator=_text)

    def describe(self) -> str:
        """One line for the audit log."""
        return f"primary purpose: {self.purpose}"


@attrs.frozen
class RelatedSecondaryPurpose:
    """A secondary purpose the client would reasonably expect (APP 6.2(a)).

    Attributes:
        purpose: The secondary purpose, in words.
        reasonably_expected: The client would reasonably expect this use.
        directly_related: It is directly related to the primary purpose, as
            APP 6.2(a)(i) requires for sensitive information (DEX client
            records always include some).
    """

    purpose: str = attrs.field(validator=_text)
    reasonably_expected: bool
    directly_related: bool

    def describe(self) -> str:
        """One line for the audit log."""
        return f"related secondary purpose: {self.purpose}"


@attrs.frozen
class ConsentBasis:
    """The clients' consent, checked client by client against a ledger.

    Attributes:
        ledger: The consent ledger.
        purpose: The purpose consented to.
        data: The categories released (names and street address by default).
        organisation: The organisation whose clients are released (keyword
            only): only its consents count, since DEX client ids are unique
            only within an organisation.
    """

    ledger: ConsentLedger
    purpose: Purpose
    data: frozenset[DataCategory] = frozenset({DataCategory.NAMES, DataCategory.STREET_ADDRESS})
    organisation: str = attrs.field(kw_only=True, validator=_text)

    def describe(self) -> str:
        """One line for the audit log."""
        return f"consent: {self.purpose}"


@attrs.frozen
class RequiredByLaw:
    """Disclosure required or authorised by law or by a court or tribunal order (APP 6.2(b)).

    Attributes:
        citation: The law or order, such as an act and section.
    """

    citation: str = attrs.field(validator=_text)

    def describe(self) -> str:
        """One line for the audit log."""
        return f"required or authorised by law: {self.citation}"


@attrs.frozen(kw_only=True)
class Research:
    """Research in the public interest without consent (Privacy Act 1988 s 95, s 95A).

    Every condition must hold for the basis to stand.

    Attributes:
        ethics_approval: The human research ethics committee's approval reference.
        guideline: ``"s95"`` (Commonwealth agencies) or ``"s95A"`` (health research).
        not_published_identifying: Results will not be published in a form
            that identifies anyone.
        consent_impracticable: It is impracticable to seek the clients' consent.
        recipient_will_not_disclose: The recipient is reasonably believed not
            to disclose the data further.
    """

    ethics_approval: str = attrs.field(validator=_text)
    guideline: Literal["s95", "s95A"]
    not_published_identifying: bool
    consent_impracticable: bool
    recipient_will_not_disclose: bool

    def describe(self) -> str:
        """One line for the audit log."""
        return f"research under {self.guideline} guidelines, approval {self.ethics_approval}"


#: A lawful basis for releasing identified unit records.
LawfulBasis = PrimaryPurpose | RelatedSecondaryPurpose | ConsentBasis | RequiredByLaw | Research


def _research_problem(basis: Research) -> str | None:
    if basis.guideline not in ("s95", "s95A"):
        return 'research must follow the "s95" or "s95A" guidelines'
    conditions = (
        "not_published_identifying",
        "consent_impracticable",
        "recipient_will_not_disclose",
    )
    missing = [name for name in conditions if getattr(basis, name) is not True]
    return "research conditions not met: " + ", ".join(missing) if missing else None


def _secondary_problem(basis: RelatedSecondaryPurpose) -> str | None:
    if basis.reasonably_expected is not True:
        return "a secondary purpose must be one the clients would reasonably expect"
    if basis.directly_related is not True:
        return (
            "client records hold sensitive information, so a secondary purpose must be "
            "directly related to the primary purpose"
        )
    return None


_BASES = (PrimaryPurpose, RelatedSecondaryPurpose, ConsentBasis, RequiredByLaw, Research)


def describe_basis(basis: object) -> str:
    """The basis for the audit log; a value that is no lawful basis is named by its type."""
    if isinstance(basis, _BASES):
        return basis.describe()
    return "" if basis is None else f"not a lawful basis ({type(basis).__name__})"


def basis_problem(basis: LawfulBasis | None) -> str | None:
    """Why ``basis`` does not stand, or ``None`` when it does."""
    if basis is None:
        return "identified unit records need a lawful basis"
    if isinstance(basis, RelatedSecondaryPurpose):
        return _secondary_problem(basis)
    if isinstance(basis, Research):
        return _research_problem(basis)
    if not isinstance(basis, _BASES):
        return "the basis must be one of the lawful bases in dexcore.privacy.disclosure"
    return None
