"""Every dexcore error carries one machine-readable reason, ``code``, stable across releases."""

from __future__ import annotations

import inspect
import re

import pytest

from dexcore import errors
from dexcore.errors import (
    BulkReadError,
    ConsentError,
    DexError,
    DexValueError,
    DisclosureRefused,
    InvalidFieldError,
    InvalidSlk,
    InvalidSlkInput,
    InvalidSlkLength,
    SlkError,
)
from dexcore.slk import generate, validate

# The codes a program may rely on, written out here so that renaming one fails a test.
CLASS_CODES = {
    "DexError": "dex.error",
    "DexValueError": "dex.bad-value",
    "DexKeyError": "dex.unknown-key",
    "InvalidFieldError": "model.invalid-field",
    "UnknownCodeError": "model.unknown-code",
    "ReferenceDataError": "reference.unreadable",
    "DexStructureError": "data.structure",
    "DexValidationError": "rules.errors-found",
    "PeriodError": "period.invalid",
    "SlkError": "slk.error",
    "InvalidSlk": "slk.invalid",
    "InvalidSlkLength": "slk.length",
    "InvalidSlkFormat": "slk.format",
    "InvalidSlkDate": "slk.date",
    "InvalidSlkSex": "slk.sex",
    "InvalidSlkInput": "slk.invalid-input",
    "ServiceError": "webservice.error",
    "ServiceFailed": "webservice.failed",
    "ServiceFault": "webservice.fault",
    "ServiceUnavailable": "webservice.unavailable",
    "ServiceContractError": "webservice.contract",
    "ServiceCredentialsMissing": "webservice.no-credentials",
}
# These take the code of the problem that applies, per instance.
PER_INSTANCE = {"BulkReadError", "ConsentError", "DisclosureRefused"}


def error_classes() -> dict[str, type[DexError]]:
    found = {name: getattr(errors, name) for name in errors.__all__}
    return {n: c for n, c in found.items() if inspect.isclass(c) and issubclass(c, DexError)}


def test_every_error_class_is_listed_with_its_code() -> None:
    assert set(error_classes()) == set(CLASS_CODES) | PER_INSTANCE


@pytest.mark.parametrize(("name", "code"), sorted(CLASS_CODES.items()))
def test_each_class_has_its_own_stable_code(name: str, code: str) -> None:
    assert error_classes()[name].code == code


def test_codes_are_distinct_dotted_names() -> None:
    assert len(set(CLASS_CODES.values())) == len(CLASS_CODES)
    for code in CLASS_CODES.values():
        assert re.fullmatch(r"[a-z]+(\.[a-z-]+)+", code), code


def test_per_instance_codes_and_their_old_names_agree() -> None:
    consent = ConsentError("consent.no-recipient", "C-1", "the recipient must be named")
    assert consent.code == consent.rule == "consent.no-recipient"
    refused = DisclosureRefused("export.k-anonymity", "fewer than 5 clients share a row")
    assert refused.code == refused.rule == "export.k-anonymity"
    bulk = BulkReadError("xml.bad-value", "/DEXFileUpload/Clients/Client[1]/BirthDate", 3, "a date")
    assert bulk.code == "xml.bad-value"
    # A per-instance code is the instance's own, not shared through the class.
    assert ConsentError.code == DexValueError.code != consent.code


def test_field_errors_keep_their_field_beside_the_code() -> None:
    invalid = InvalidFieldError("Client", "birth_date", "must be a date")
    assert (invalid.code, invalid.field) == ("model.invalid-field", "birth_date")
    with pytest.raises(InvalidSlkInput) as caught:
        generate("Smith", "Jo", "not a date", 1)
    assert (caught.value.code, caught.value.field) == ("slk.invalid-input", "birth_date")


def test_raised_errors_carry_the_code_of_their_class() -> None:
    with pytest.raises(InvalidSlkLength) as caught:
        validate("ABC")
    assert caught.value.code == "slk.length"


def test_slk_input_errors_are_slk_errors_but_not_invalid_keys() -> None:
    # Code that catches an invalid key must not be handed a problem with the inputs ...
    assert not issubclass(InvalidSlkInput, InvalidSlk)
    # ... and both are still what they were before: value errors of dexcore.
    for cls in (InvalidSlkInput, InvalidSlk):
        assert issubclass(cls, SlkError)
        assert issubclass(cls, DexValueError)
        assert issubclass(cls, ValueError)
    with pytest.raises(SlkError):
        generate("Smith", "Jo", "not a date", 1)
    with pytest.raises(SlkError):
        validate("ABC")
