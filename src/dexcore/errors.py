"""Exceptions raised by dexcore.

Every exception dexcore raises for bad input or bad arguments derives from
:class:`DexError` and from the builtin it behaves like (``ValueError``,
``KeyError``), so callers can catch either. The module is longer than most
(about 500 lines) on purpose: the whole hierarchy is in one place, so a
caller finds every exception it may catch, and its code, by reading one page.

Messages are built only from field names, table names, rule codes and
limits that dexcore itself defines. They never contain the value that was
rejected: a rejected value may be a name, a birth date, an address or a
statistical linkage key, and exception messages end up in logs.

Every exception has a :attr:`~DexError.code`: a stable, machine-readable
reason such as ``slk.length``, ``xml.bad-value`` or ``consent.no-recipient``,
for a program to act on without reading the message. The codes of each class
are listed with it; a class that knows several reasons (bulk reading,
consent, disclosure) takes the code of the one that applies.

>>> try:
...     raise InvalidSlkLength()
... except DexError as error:
...     print(error.code)
slk.length
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BulkReadError",
    "ConsentError",
    "DexError",
    "DexKeyError",
    "DexStructureError",
    "DexValidationError",
    "DexValueError",
    "DisclosureRefused",
    "InvalidFieldError",
    "InvalidSlk",
    "InvalidSlkDate",
    "InvalidSlkFormat",
    "InvalidSlkInput",
    "InvalidSlkLength",
    "InvalidSlkSex",
    "PeriodError",
    "ReferenceDataError",
    "ServiceContractError",
    "ServiceCredentialsMissing",
    "ServiceError",
    "ServiceFailed",
    "ServiceFault",
    "ServiceUnavailable",
    "SlkError",
    "UnknownCodeError",
]


class DexError(Exception):
    """Base class of every exception dexcore raises on purpose.

    Attributes:
        code: The machine-readable reason, stable from release to release:
            ``dex.error`` here; each subclass sets its own.
    """

    code: str = "dex.error"


class DexValueError(DexError, ValueError):
    """A value, argument or document that dexcore cannot accept (code ``dex.bad-value``)."""

    code = "dex.bad-value"


class InvalidFieldError(DexValueError):
    """A model object was given a field value that breaks a DEX rule.

    Attributes:
        code: ``model.invalid-field``.
        entity: The model class, such as ``"Client"``.
        field: The Python field name, such as ``"birth_date"``.
        reason: What the value must be, never what it was.
    """

    code = "model.invalid-field"

    def __init__(self, entity: str, field: str, reason: str) -> None:
        self.entity = entity
        self.field = field
        self.reason = reason
        super().__init__(f"{entity}.{field}: {reason}")


class UnknownCodeError(DexValueError):
    """A code is not a member of a closed DSS code table.

    The rejected text is not repeated: a code field sometimes receives free
    text that belongs somewhere else (a name typed into the wrong column).

    The message lists the table's codes (they are DSS's, never the caller's
    text), or the first few of a long table and where the rest are listed.

    Attributes:
        code: ``model.unknown-code``.
        table: The code table, such as ``"Gender"``.
        codes: The table's codes, as DSS writes them (empty when unknown).
    """

    code = "model.unknown-code"

    def __init__(self, table: str, codes: tuple[str, ...] = ()) -> None:
        self.table = table
        self.codes = codes
        super().__init__(f"not a code of the {table} table{codes_clause(codes)}")


#: A table with more codes than this is listed by its first few and a pointer to the rest.
_MOST_LISTED = 12


def codes_clause(codes: tuple[str, ...], *, any_case: bool = True, table: str = "") -> str:
    """The clause that lists ``codes`` for a message: ``" (one of A, B; read in any case)"``.

    Empty when ``codes`` is. A long table gives its first few codes and
    where to find the rest: ``dexcore.reference.bundled().tables[table]``,
    or the DEX reference data when ``table`` is not given. With ``any_case``
    the clause says that the codes are read in any case.
    """
    if not codes:
        return ""
    case = "; read in any case" if any_case else ""
    if len(codes) <= _MOST_LISTED:
        return f" (one of {', '.join(codes)}{case})"
    first = ", ".join(codes[:_MOST_LISTED])
    rest = (
        f"dexcore.reference.bundled().tables[{str(table)!r}]" if table else "the DEX reference data"
    )
    return f" (such as {first}; all {len(codes)} are in {rest}{case})"


class DexKeyError(DexError, KeyError):
    """A lookup by id or code found nothing.

    Attributes:
        code: ``dex.unknown-key``.
        kind: What was looked up, such as ``"code table"`` or ``"service type"``.
        key: The key, only when it is an identifier that DSS or dexcore
            defines (a table name, a numeric service type id); callers never
            pass a client's id or any other organisation-supplied text.
    """

    code = "dex.unknown-key"

    def __init__(self, kind: str, key: str | int | None = None) -> None:
        self.kind = kind
        self.key = key
        self.message = f"unknown {kind}" + ("" if key is None else f" {key!r}")
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ReferenceDataError(DexValueError):
    """A reference-data document could not be read.

    Attributes:
        code: ``reference.unreadable``.
        path: Where in the document, such as
            ``"/DEXReferenceData/ReferenceDataItems[3]/Item[7]/OrderNumber"``.
        line: The line number, when the parser knows it.
    """

    code = "reference.unreadable"

    def __init__(self, reason: str, *, path: str = "", line: int | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        where = f" at {path}" if path else ""
        if line is not None:
            where += f" (line {line})"
        super().__init__(f"reference data: {reason}{where}")


class DexStructureError(DexValueError):
    """Plain data (dicts, JSON) could not be turned into model objects.

    Attributes:
        code: ``data.structure``.
        errors: One ``(path, reason)`` pair per problem, with paths written
            ``$.sessions[3].session_date``. Reasons never quote the input.
    """

    code = "data.structure"

    def __init__(self, target: str, errors: tuple[tuple[str, str], ...]) -> None:
        self.target = target
        self.errors = errors
        lines = "; ".join(f"{path}: {reason}" for path, reason in errors)
        super().__init__(f"cannot build {target}: {lines}")


class BulkReadError(DexValueError):
    """A DEX bulk-upload XML file, or one record in it, could not be read.

    Attributes:
        code: What kind of problem, such as ``xml.bad-value`` or ``xml.not-well-formed``.
        path: The element, written ``/DEXFileUpload/Clients/Client[3]/BirthDate``.
        line: The line of the element in the file (``None`` when unknown).
        reason: What the element must be, never what it held.
    """

    def __init__(self, code: str, path: str, line: int | None, reason: str) -> None:
        self.code = code
        self.path = path
        self.line = line
        self.reason = reason
        where = path if line is None else f"line {line}, {path}"
        super().__init__(f"{where}: {reason} [{code}]")


class DexValidationError(DexValueError):
    """A dataset broke one or more rules of severity ERROR.

    Attributes:
        code: ``rules.errors-found``.
        report: The full :class:`dexcore.issues.Report`, warnings included.
        issues: The report's issues.
    """

    code = "rules.errors-found"

    def __init__(self, report: Any) -> None:  # noqa: ANN401 (a Report; typed loosely to keep errors at the bottom layer)
        self.report = report
        self.issues = tuple(report.issues)
        errors = [issue for issue in self.issues if issue.severity == "error"]
        codes = sorted({issue.code for issue in errors})
        shown = ", ".join(codes[:5]) + (", …" if len(codes) > 5 else "")
        super().__init__(f"{len(errors)} error(s) found: {shown}")


class ConsentError(DexValueError):
    """A consent record, or an event on a consent ledger, that cannot be accepted.

    Attributes:
        code: What was wrong, such as ``consent.no-recipient`` or ``consent.before-given``.
        rule: The same as :attr:`code` (its name before every error had a ``code``).
        consent_id: The consent's own id as the caller gave it (never the
            subject's; empty when there is none). It is caller text, so the
            message leaves it out.
        reason: What the record must have, never what it held.
    """

    def __init__(self, rule: str, consent_id: str, reason: str) -> None:
        self.code = rule
        self.consent_id = consent_id
        self.reason = reason
        super().__init__(f"consent: {reason} [{rule}]")

    @property
    def rule(self) -> str:
        """The same as :attr:`code`."""
        return self.code


class DisclosureRefused(DexValueError):
    """A release, export or table was refused because it would disclose too much.

    Attributes:
        code: Why, such as ``release.no-lawful-basis``, ``export.k-anonymity`` or
            ``sdc.differencing``.
        rule: The same as :attr:`code` (its name before every error had a ``code``).
        reason: The explanation, with counts and thresholds but no personal value.
    """

    def __init__(self, rule: str, reason: str) -> None:
        self.code = rule
        self.reason = reason
        super().__init__(f"{reason} [{rule}]")

    @property
    def rule(self) -> str:
        """The same as :attr:`code`."""
        return self.code


class PeriodError(DexValueError):
    """A reporting-period label, number or range that cannot be used (code ``period.invalid``)."""

    code = "period.invalid"


class SlkError(DexValueError):
    """An SLK-581 problem (code ``slk.error``): an invalid key, or inputs that cannot build one.

    Catch it for both; catch :class:`InvalidSlk` for a key and
    :class:`InvalidSlkInput` for the inputs.
    """

    code = "slk.error"


class InvalidSlk(SlkError):
    """A statistical linkage key (SLK-581) is not valid (code ``slk.invalid``).

    The subclasses say what is wrong. Messages are fixed per class and never
    include the key, which encodes parts of a name and a birth date.
    """

    code = "slk.invalid"
    message = "not a valid SLK-581"

    def __init__(self) -> None:
        super().__init__(self.message)


class InvalidSlkLength(InvalidSlk):
    """The key is not 14 characters long (code ``slk.length``)."""

    code = "slk.length"

    message = "an SLK-581 has exactly 14 characters"


class InvalidSlkFormat(InvalidSlk):
    """The name part or the layout of the key is not allowed (code ``slk.format``)."""

    code = "slk.format"

    message = (
        "an SLK-581 is 3 family-name characters, 2 given-name characters, "
        "8 date digits and a sex digit, with 2 only after letters and 9 only for a missing name"
    )


class InvalidSlkDate(InvalidSlk):
    """The date part is not a real date, or is outside the policy's years (code ``slk.date``)."""

    code = "slk.date"

    message = "the date part of the SLK-581 is not a real date in the allowed years"


class InvalidSlkSex(InvalidSlk):
    """The last character is not a sex code: 1, 2, 3 or 9 (code ``slk.sex``)."""

    code = "slk.sex"

    message = "the last character of an SLK-581 must be 1, 2, 3 or 9"


class InvalidSlkInput(SlkError):
    """A value given to build an SLK-581 cannot be used.

    Not a kind of :class:`InvalidSlk`: no key was given, so code that catches
    an invalid key is not handed a problem with the inputs.

    Attributes:
        code: ``slk.invalid-input``.
        field: ``family_name``, ``given_name``, ``birth_date`` or ``sex``.
        reason: What the value must be, never what it was.
    """

    code = "slk.invalid-input"

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"cannot build an SLK-581: {field} {reason}")


class ServiceError(DexError):
    """DEX's web service did not accept a call (:mod:`dexcore.webservice`).

    Messages name the operation, a stable code and DSS's own codes; never a
    value that was sent, and never DSS's message text, which may quote one.

    Attributes:
        code: What went wrong, such as ``webservice.failed``; stable.
        operation: The service operation, such as ``"AddClient"``.
    """

    code = "webservice.error"

    def __init__(self, operation: str, reason: str) -> None:
        self.operation = operation
        self.reason = reason
        super().__init__(f"{operation}: {reason} [{self.code}]")


class ServiceFailed(ServiceError, ValueError):
    """The service answered with ``TransactionStatusCode`` ``Failed``.

    Never retried: DEX read the message and refused it.

    Attributes:
        message_codes: DSS's codes for the refusal, in the order given (the
            values of the response's message elements whose names end in
            ``Code``). DSS's message texts are dropped, as they may quote a
            value that was sent.
        texts_dropped: How many message texts were dropped.
    """

    code = "webservice.failed"

    def __init__(
        self, operation: str, message_codes: tuple[str, ...], texts_dropped: int = 0
    ) -> None:
        self.message_codes = message_codes
        self.texts_dropped = texts_dropped
        codes = ", ".join(message_codes) if message_codes else "none given"
        super().__init__(
            operation,
            f"DEX answered Failed (DSS message codes: {codes};"
            f" {texts_dropped} message text(s) not shown, as they may quote sent values)",
        )


class ServiceFault(ServiceError, ValueError):
    """The service answered with a SOAP fault.

    Attributes:
        fault_code: The fault's code (a qualified name such as
            ``soap:Client``), or ``""``. The fault string is dropped, as it
            may quote a value that was sent.
    """

    code = "webservice.fault"

    def __init__(self, operation: str, fault_code: str) -> None:
        self.fault_code = fault_code
        shown = fault_code or "no code"
        super().__init__(
            operation, f"DEX answered with a SOAP fault ({shown}; its text is not shown)"
        )


class ServiceUnavailable(ServiceError, ConnectionError):
    """The service could not be reached, or answered with an HTTP error and no SOAP reply.

    Attributes:
        attempts: How many times the call was sent.
        status: The HTTP status, when the service answered with one.
        outcome_unknown: The call writes, and timed out after it was sent:
            DEX may have recorded it, so it was not sent again.
    """

    code = "webservice.unavailable"

    def __init__(
        self,
        operation: str,
        attempts: int,
        status: int | None = None,
        *,
        outcome_unknown: bool = False,
    ) -> None:
        self.attempts = attempts
        self.status = status
        self.outcome_unknown = outcome_unknown
        what = "no answer" if status is None else f"HTTP status {status} without a SOAP reply"
        reason = f"{what} after {attempts} attempt(s)"
        if outcome_unknown:
            reason += (
                "; the message may have reached DEX, so the outcome is unknown and it was not"
                " sent again: search for the record (SearchClient) before sending it again"
            )
        super().__init__(operation, reason)


class ServiceContractError(ServiceError, ValueError):
    """The WSDL does not declare what the call needs, or the call does not fit the WSDL.

    Attributes:
        path: The element concerned, such as ``"AddClient.Client.BirthDate"``.
    """

    code = "webservice.contract"

    def __init__(self, operation: str, path: str, reason: str) -> None:
        self.path = path
        super().__init__(operation, f"{path}: {reason}")


class ServiceCredentialsMissing(ServiceError, LookupError):
    """No credentials were found for a call that needs them.

    Attributes:
        names: The environment variables looked for (their names, never values).
    """

    code = "webservice.no-credentials"

    def __init__(self, operation: str, names: tuple[str, ...]) -> None:
        self.names = names
        super().__init__(
            operation,
            "no DEX system-account credentials: set "
            + " and ".join(names)
            + ", or pass a credentials callback",
        )
