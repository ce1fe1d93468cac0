"""Consent and privacy rules: names, street address, SLK, and ids that reveal a client.

These are the rules peer implementations get wrong: names sent without
consent, SLKs that do not match the names, client ids built from initials
and birth dates.
"""

from __future__ import annotations

from dexcore._idguard import IdLeak, identifier_leaks
from dexcore.errors import InvalidSlk, InvalidSlkInput
from dexcore.issues import Severity
from dexcore.model import Case, Client, Session
from dexcore.rules._common import (
    CONSENT_PAGE,
    EXPORTERS,
    METEOR_SLK,
    PROTOCOLS_V13,
    SLK_EXPRESSION,
    TASK_CARD_2,
    VENDOR_KB,
    record_rule,
)
from dexcore.rules.context import CheckContext
from dexcore.rules.engine import (
    Entity,
    Finding,
    RecordRule,
)
from dexcore.slk import SlkPolicy, generate, validate

__all__ = ["RULES"]

ERROR, WARNING = Severity.ERROR, Severity.WARNING
CLIENT, CASE, SESSION = Entity.CLIENT, Entity.CASE, Entity.SESSION


@record_rule(
    "client.consent.names-without-consent",
    ERROR,
    CLIENT,
    "No given or family name without consent to provide details",
    sources=(CONSENT_PAGE, EXPORTERS),
)
def names_without_consent(client: Client, _: CheckContext) -> list[Finding]:
    """When ``consent_to_provide_details`` is false, DSS must not receive the client's names.

    "When consent is not given, the client's first name, last name and street
    level address is removed from the Data Exchange." Sending them anyway
    overrides the client's choice; send the SLK instead.
    """
    if client.consent_to_provide_details:
        return []
    return [
        Finding(
            message=f"{field} is recorded but the client did not consent to providing "
            "details; remove it and send the SLK",
            field=f".{field}",
        )
        for field in ("given_name", "family_name")
        if getattr(client, field) is not None
    ]


@record_rule(
    "client.consent.street-without-consent",
    ERROR,
    CLIENT,
    "No street address without consent to provide details",
    sources=(CONSENT_PAGE,),
)
def street_without_consent(client: Client, _: CheckContext) -> list[Finding]:
    """Without consent, only suburb, state and postcode of the address may be sent.

    DEX removes street-level address when consent is not given; the street
    lines must not be sent at all.
    """
    if client.consent_to_provide_details:
        return []
    return [
        Finding(
            message=f"street line {field} is recorded but the client did not consent to "
            "providing details; keep only suburb, state and postcode",
            field=f".residential_address.{field}",
        )
        for field in ("address_line1", "address_line2")
        if getattr(client.residential_address, field) is not None
    ]


@record_rule(
    "client.consent.slk-missing",
    ERROR,
    CLIENT,
    "An SLK is required when the client did not consent to providing details",
    sources=(EXPORTERS, SLK_EXPRESSION),
)
def slk_missing(client: Client, _: CheckContext) -> list[Finding]:
    """Without consent no name is sent, so the SLK is the only way DSS can link the client's
    records: it must be present ("Slk … mandatory if consent false")."""
    if not client.consent_to_provide_details and client.slk is None:
        return [
            Finding(
                message="the client did not consent to providing details, so an SLK is required",
                field=".slk",
            )
        ]
    return []


@record_rule(
    "client.consent.names-missing",
    ERROR,
    CLIENT,
    "Names are required when the client consented to providing details",
    sources=(VENDOR_KB, PROTOCOLS_V13),
)
def names_missing(client: Client, _: CheckContext) -> list[Finding]:
    """ "If consent to provide details = yes, then the name must be included."

    A client with a single name has it entered as both given and family name.
    """
    if not client.consent_to_provide_details:
        return []
    return [
        Finding(
            message=f"{field} is missing although the client consented to providing "
            "details (a single name goes in both name fields)",
            field=f".{field}",
        )
        for field in ("given_name", "family_name")
        if getattr(client, field) is None
    ]


@record_rule(
    "client.slk.invalid",
    ERROR,
    CLIENT,
    "The SLK must be a valid SLK-581 under DSS's rules",
    sources=(SLK_EXPRESSION, METEOR_SLK),
)
def slk_invalid(client: Client, _: CheckContext) -> list[Finding]:
    """An SLK that is present must match DSS's expression (with a real calendar check)."""
    found: list[Finding] = []
    if client.slk is None:
        return found
    try:
        validate(client.slk, policy=SlkPolicy.DEX)
    except InvalidSlk as error:
        found.append(Finding(message=f"the SLK is not valid: {error}", field=".slk"))
    return found


@record_rule(
    "client.slk.mismatch",
    ERROR,
    CLIENT,
    "The SLK must match the names, birth date and gender",
    sources=(METEOR_SLK, SLK_EXPRESSION),
)
def slk_mismatch(client: Client, _: CheckContext) -> list[Finding]:
    """When the names are present, the SLK sent must be the one they give.

    The key is rebuilt from the family name, given name, birth date and
    gender under the DEX policy; a different key links the client's records
    to someone else's, or to no one's.
    """
    found: list[Finding] = []
    if client.slk is None or client.given_name is None or client.family_name is None:
        return found
    try:
        expected = generate(client.family_name, client.given_name, client.birth_date, client.gender)
        if expected == client.slk:  # the usual case; the model keeps SLKs upper-case and stripped
            return found
        given = validate(client.slk)
    except (InvalidSlk, InvalidSlkInput):
        return found  # reported by client.slk.invalid and the birth-date rules
    if expected != given:
        part = (
            "name letters differ"
            if expected[:5] != given[:5]
            else ("birth date differs" if expected[5:13] != given[5:13] else "sex digit differs")
        )
        found.append(
            Finding(
                message=f"the SLK does not match the client's details (its {part})",
                field=".slk",
            )
        )
    return found


@record_rule(
    "client.birth-date.estimate-not-1-january",
    ERROR,
    CLIENT,
    "An estimated birth date is 1 January of the estimated year",
    sources=(EXPORTERS, PROTOCOLS_V13),
)
def estimate_not_new_year(client: Client, _: CheckContext) -> list[Finding]:
    """When ``is_birth_date_an_estimate`` is true, DEX expects ``YYYY-01-01`` (and the SLK is
    built from that date)."""
    day = client.birth_date
    if client.is_birth_date_an_estimate and (day.month, day.day) != (1, 1):
        return [
            Finding(
                message="the birth date is marked as an estimate but is not 1 January",
                field=".birth_date",
            )
        ]
    return []


def _leak_message(kind: str, leaks: frozenset[IdLeak]) -> str:
    names = ", ".join(sorted(leak.value for leak in leaks))
    return (
        f"the {kind} reveals who the client is ({names}); DSS can see it, so replace it "
        "with an id that carries no personal information"
    )


def _client_leaks(client: Client, context: CheckContext) -> frozenset[IdLeak]:
    return context.remember(
        "client-id-leaks",
        client,
        lambda: identifier_leaks(
            client.client_id,
            given_name=client.given_name,
            family_name=client.family_name,
            birth_date=client.birth_date,
            slk=client.slk,
        ),
    )


@record_rule(
    "client.id.reveals-identity",
    ERROR,
    CLIENT,
    "The client id must not contain the client's name, initials, birth date or other identifiers",
    sources=(TASK_CARD_2, PROTOCOLS_V13),
    reveals_identity=True,
)
def client_id_reveals(client: Client, context: CheckContext) -> list[Finding]:
    """DSS can see client ids, so they "must not contain the client's name or other identifiable
    information".

    Refused: three or more letters of the client's own names, a whole
    two-letter name or both names run together, the names in their own
    script, their initials as a token or next to digits, part of their SLK,
    their birth date in any common form (month names and unpadded parts
    included), an e-mail address, a phone number, or a checksum-valid TFN
    or Medicare number. Issues about such a client leave the id out.
    """
    leaks = frozenset(leak for leak in _client_leaks(client, context) if leak.is_error)
    if leaks:
        return [Finding(message=_leak_message("client id", leaks), field=".client_id")]
    return []


@record_rule(
    "client.id.looks-like-name",
    WARNING,
    CLIENT,
    "The client id contains a common given name or surname",
    sources=(TASK_CARD_2,),
    reveals_identity=True,
)
def client_id_looks_like_name(client: Client, context: CheckContext) -> list[Finding]:
    """A word in the id is a common name: perhaps another person's, perhaps a coincidence."""
    if IdLeak.COMMON_NAME in _client_leaks(client, context):
        return [
            Finding(
                message="the client id contains a word that is a common name; check it does not "
                "name a person",
                field=".client_id",
            )
        ]
    return []


def _case_leaks(case: Case, context: CheckContext) -> frozenset[IdLeak]:
    return context.remember("case-id-leaks", case, lambda: _find_case_leaks(case, context))


def _find_case_leaks(case: Case, context: CheckContext) -> frozenset[IdLeak]:
    return _leaks_for_clients(
        case.case_id, [attached.client_id for attached in case.clients], context
    )


def _leaks_for_clients(
    identifier: str, client_ids: list[str], context: CheckContext
) -> frozenset[IdLeak]:
    """``identifier`` against each client's details; alone when any client is not in the dataset.

    A client outside the dataset (in DEX already) has no details here, but the
    id is still screened for e-mail addresses, phone, tax file and Medicare
    numbers, and common names.
    """
    found: set[IdLeak] = set()
    unknown = not client_ids
    for client_id in client_ids:
        client = context.dataset.client_by_id.get(client_id)
        if client is None:
            unknown = True
            continue
        found |= identifier_leaks(
            identifier,
            given_name=client.given_name,
            family_name=client.family_name,
            birth_date=client.birth_date,
            slk=client.slk,
        )
    if unknown:
        found |= identifier_leaks(identifier)
    return frozenset(found)


@record_rule(
    "case.id.reveals-identity",
    ERROR,
    CASE,
    "The case id must not contain a client's name, initials, birth date or other identifiers",
    sources=(PROTOCOLS_V13, TASK_CARD_2),
    reveals_identity=True,
)
def case_id_reveals(case: Case, context: CheckContext) -> list[Finding]:
    """A case id "must not include identifying information (name, Centrelink CRN)"; it is
    checked against every attached client's details, as client ids are."""
    leaks = frozenset(leak for leak in _case_leaks(case, context) if leak.is_error)
    if leaks:
        return [Finding(message=_leak_message("case id", leaks), field=".case_id")]
    return []


@record_rule(
    "case.id.looks-like-name",
    WARNING,
    CASE,
    "The case id contains a common given name or surname",
    sources=(PROTOCOLS_V13,),
    reveals_identity=True,
)
def case_id_looks_like_name(case: Case, context: CheckContext) -> list[Finding]:
    """A word in the case id is a common name: perhaps a client's, perhaps a coincidence."""
    if IdLeak.COMMON_NAME in _case_leaks(case, context):
        return [
            Finding(
                message="the case id contains a word that is a common name; check it does not "
                "name a person",
                field=".case_id",
            )
        ]
    return []


@record_rule(
    "session.id.reveals-identity",
    ERROR,
    SESSION,
    "The session id must not contain an attending client's name, birth date or other identifiers",
    sources=(PROTOCOLS_V13, TASK_CARD_2),
    reveals_identity=True,
)
def session_id_reveals(session: Session, context: CheckContext) -> list[Finding]:
    """A session id is organisation-supplied and seen by DSS, like client and case ids; it is
    checked against every attending client's details (support persons included), and alone
    for e-mail addresses and phone, tax file and Medicare numbers. Issues about the session,
    and SCORE records of it, then leave the id out."""
    attendees = [attendee.client_id for attendee in session.clients]
    leaks = _leaks_for_clients(session.session_id, attendees, context)
    errors = frozenset(leak for leak in leaks if leak.is_error)
    if errors:
        return [Finding(message=_leak_message("session id", errors), field=".session_id")]
    return []


RULES: tuple[RecordRule, ...] = (
    names_without_consent,
    street_without_consent,
    slk_missing,
    names_missing,
    slk_invalid,
    slk_mismatch,
    estimate_not_new_year,
    client_id_reveals,
    client_id_looks_like_name,
    case_id_reveals,
    case_id_looks_like_name,
    session_id_reveals,
)
