"""resolvers/validation.py on its own: each rule's clean value, and for a bad value the problem it adds
to a Problems collector, at the input path it was given, with its code and a message that says why."""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from stdnum.mx.rfc import calc_check_digit

from models import Account, Contact
from resolvers.errors import ErrorCode, Problems
from resolvers.validation import (
    amount,
    currency,
    email,
    global_id,
    optional_text,
    phone,
    postal_code,
    required_text,
    rfc,
)

PATH = ["input", "lines", 2, "name"]
FIELD = ["input", "lines", "2", "name"]  # as UserError.field has it: positions as text


def _check(rule: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[tuple[list[str], ErrorCode, str]]]:
    """The rule's value for PATH and the problems it added."""
    problems = Problems()
    value = rule(problems, PATH, *args, **kwargs)
    assert bool(problems) == bool(problems.errors)
    return value, [(e.field, e.code, e.message) for e in problems.errors]


def _one_problem(rule: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[ErrorCode, str]:
    """The single problem a refused value gives (its value is None and its path is PATH)."""
    value, problems = _check(rule, *args, **kwargs)
    assert value is None
    assert len(problems) == 1, problems
    field, code, message = problems[0]
    assert field == FIELD
    return code, message


def _rfc(without_check_digit: str) -> str:
    return without_check_digit + calc_check_digit(without_check_digit)


# --- text -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n"])
def test_required_text_refuses_missing_or_blank(value: str | None) -> None:
    assert _one_problem(required_text, value, 10) == (ErrorCode.REQUIRED, "name is required and cannot be blank")


def test_required_text_trims_and_checks_the_length() -> None:
    assert _check(required_text, "  Acme  ", 4) == ("Acme", [])
    assert _one_problem(required_text, "Acme S.A.", 4) == (ErrorCode.INVALID, "name has 9 characters; at most 4")


def test_optional_text_keeps_absent_and_empties_blank() -> None:
    assert _check(optional_text, None, 5) == (None, [])
    assert _check(optional_text, "   ", 5) == (None, [])
    assert _check(optional_text, " x ", None) == ("x", [])


def test_optional_text_counts_characters_in_nfc() -> None:
    # "Peña" typed decomposed is 5 code points, but 4 characters once composed: it fits in 4.
    decomposed = unicodedata.normalize("NFD", "Peña")
    assert len(decomposed) == 5
    assert _check(optional_text, decomposed, 4) == ("Peña", [])


def test_optional_text_refuses_the_nul_character() -> None:
    assert _one_problem(optional_text, "a\x00b", 10) == (ErrorCode.INVALID, "name cannot contain the NUL character (U+0000)")


# --- email and phone --------------------------------------------------------------------------


def test_email_is_normalized_or_absent() -> None:
    assert _check(email, " ana@Example.COM ") == ("ana@example.com", [])
    assert _check(email, None) == (None, [])
    assert _check(email, "  ") == (None, [])


@pytest.mark.parametrize("value", ["nope", "a@", "a@b@c.mx", "ana@example.com\x00"])
def test_a_bad_email_says_why(value: str) -> None:
    code, message = _one_problem(email, value)
    assert code is ErrorCode.INVALID
    assert message.startswith("not a valid email address: ")


@pytest.mark.parametrize("value", ["55 1234 5678", "(55) 1234-5678", "+1 212 555 0100", "+52 55 1234 5678 ext. 12"])
def test_a_phone_is_kept_as_written(value: str) -> None:
    assert _check(phone, f"  {value} ") == (value, [])


@pytest.mark.parametrize("value", ["123", "not a phone", "+999 1234"])
def test_a_bad_phone_says_what_a_phone_is(value: str) -> None:
    code, message = _one_problem(phone, value)
    assert code is ErrorCode.INVALID
    assert message.startswith(f"{value!r} is not a phone number: give 10 digits for Mexico")


def test_a_phone_longer_than_its_column_is_refused_by_length() -> None:
    assert _one_problem(phone, "5" * 41) == (ErrorCode.INVALID, "name has 41 characters; at most 40")


# --- RFC --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "clean"),
    [
        (_rfc("ABC680524P7"), _rfc("ABC680524P7")),  # a company: 12 characters
        (_rfc("GODE561231GR"), _rfc("GODE561231GR")),  # a person: 13
        (" " + _rfc("ABC680524P7").lower() + " ", _rfc("ABC680524P7")),  # canonical: upper case, compact
        ("xaxx010101000", "XAXX010101000"),  # the generic RFCs have no valid check digit, by design
        ("XEXX010101000", "XEXX010101000"),
        (unicodedata.normalize("NFD", _rfc("PEÑA800101A1")), _rfc("PEÑA800101A1")),
    ],
)
def test_a_valid_rfc_in_canonical_form(value: str, clean: str) -> None:
    assert _check(rfc, value) == (clean, [])


@pytest.mark.parametrize("value", [None, "", "  "])
def test_rfc_is_required(value: str | None) -> None:
    assert _one_problem(rfc, value) == (ErrorCode.REQUIRED, "rfc is required")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("ABC68052", "an RFC has 12 characters (company) or 13 (person), this one has 8"),
        (_rfc("ABC680524P7")[:-1] + ("0" if _rfc("ABC680524P7")[-1] != "0" else "1"),
         "its check digit (last character) does not match the rest of the RFC"),
        (_rfc("BUEI800101AB"), "its first four letters 'BUEI' are a word SAT does not allow"),
        (_rfc("ABC681324P7"), "its date part '681324' (YYMMDD after the letters) is not a valid date"),
        (_rfc("ABC680524P0"), "its homoclave 'P0' (the 2 characters before the check digit) is not valid"),
        ("1BC680524P73", "its format is wrong: 3 letters (company) or 4 (person)"),
    ],
)
def test_an_invalid_rfc_gives_its_true_reason(value: str, reason: str) -> None:
    code, message = _one_problem(rfc, value)
    assert code is ErrorCode.INVALID
    assert message.startswith(f"invalid RFC {value[:20]!r}: {reason}"), message


# --- catalogues and codes ---------------------------------------------------------------------


def test_a_currency_of_the_catalogue() -> None:
    assert _check(currency, "MXN") == ("MXN", [])
    assert _check(currency, "USD") == ("USD", [])


def test_a_currency_in_the_wrong_case_gets_a_hint() -> None:
    code, message = _one_problem(currency, "usd")
    assert code is ErrorCode.INVALID
    assert "currency 'usd' is not an ISO 4217 code of SAT's c_Moneda catalogue" in message
    assert "write it 'USD'" in message


@pytest.mark.parametrize(("value", "shown"), [(None, "null"), ("XYZ", "'XYZ'"), ("M" * 50, repr("M" * 20))])
def test_a_currency_outside_the_catalogue_is_refused_without_a_hint(value: str | None, shown: str) -> None:
    code, message = _one_problem(currency, value)
    assert code is ErrorCode.INVALID
    assert message.startswith(f"currency {shown} is not an ISO 4217 code")
    assert "write it" not in message


def test_a_postal_code_has_five_ascii_digits() -> None:
    assert _check(postal_code, "06600") == ("06600", [])
    assert _check(postal_code, None) == (None, [])
    for bad in ("6600", "066000", "06 600", " 06600", "abcde"):
        assert _one_problem(postal_code, bad) == (ErrorCode.INVALID, f"a código postal has 5 digits, got {bad!r}")


def test_a_postal_code_in_other_digits_is_refused() -> None:
    # SAT's códigos postales are ASCII digits; "٠٦٦٠٠" would be stored and printed on a CFDI as it is.
    assert _one_problem(postal_code, "٠٦٦٠٠") == (ErrorCode.INVALID, "a código postal has 5 digits, got '٠٦٦٠٠'")


# --- amounts ----------------------------------------------------------------------------------

BOUNDS = {"places": 2, "minimum": Decimal(0), "maximum": Decimal("1000")}


@pytest.mark.parametrize("value", [Decimal("0"), Decimal("12.5"), Decimal("12.50"), Decimal("1000"), Decimal("1E+2")])
def test_an_amount_within_bounds_is_kept(value: Decimal) -> None:
    assert _check(amount, value, **BOUNDS) == (value, [])


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (Decimal("NaN"), ErrorCode.INVALID, "name must be a finite number, got NaN"),
        (Decimal("-Infinity"), ErrorCode.INVALID, "name must be a finite number, got -Infinity"),
        (Decimal("-0.01"), ErrorCode.OUT_OF_RANGE, "name must be at least 0, got -0.01"),
        (Decimal("1000.01"), ErrorCode.OUT_OF_RANGE, "name must be at most 1000, got 1000.01"),
        (Decimal("1.005"), ErrorCode.INVALID, "name has more than 2 decimal places: 1.005"),
        # Bounds first: a number of huge exponent is refused by its size, never quantized.
        (Decimal("1E+999999"), ErrorCode.OUT_OF_RANGE, "name must be at most 1000, got 1E+999999"),
        (Decimal("1E-999999"), ErrorCode.INVALID, "name has more than 2 decimal places: 1E-999999"),
    ],
)
def test_a_bad_amount_says_which_bound(value: Decimal, code: ErrorCode, message: str) -> None:
    assert _one_problem(amount, value, **BOUNDS) == (code, message)


def test_an_amount_above_an_exclusive_bound() -> None:
    assert _one_problem(amount, Decimal(0), places=4, above=Decimal(0), maximum=Decimal(10)) == (
        ErrorCode.OUT_OF_RANGE,
        "name must be greater than 0, got 0",
    )
    assert _check(amount, Decimal("0.0001"), places=4, above=Decimal(0), maximum=Decimal(10)) == (Decimal("0.0001"), [])
    assert _check(amount, None, **BOUNDS) == (None, [])


# --- global ids -------------------------------------------------------------------------------


def _gid(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_a_global_id_of_the_model_gives_its_key() -> None:
    assert _check(global_id, _gid("Account:42"), Account) == (42, [])
    assert _check(global_id, None, Account) == (None, [])


def test_a_global_id_of_another_type_is_not_found() -> None:
    value = _gid("Contact:42")
    assert _one_problem(global_id, value, Account) == (ErrorCode.NOT_FOUND, f"{value!r} is not the id of a Account")


@pytest.mark.parametrize("text", ["Account:0", "Account:042", "Account: 42", "Account:٤٢", "Account:2147483648", ":1"])
def test_a_global_id_this_api_never_made_is_invalid(text: str) -> None:
    code, message = _one_problem(global_id, _gid(text), Contact)
    assert code is ErrorCode.INVALID
    assert message.endswith("not an id of this API")


def test_a_global_id_that_is_no_base64_is_invalid() -> None:
    code, message = _one_problem(global_id, "not base64!", Account)
    assert (code, message) == (ErrorCode.INVALID, "invalid id 'not base64!': not an id of this API")


# --- the collector ----------------------------------------------------------------------------


def test_every_problem_of_an_input_is_collected_at_its_own_path() -> None:
    problems = Problems()
    required_text(problems, ["name"], " ", 10)
    rfc(problems, ["rfc"], "ABC")
    amount(problems, ["lines", 0, "quantity"], Decimal("-1"), places=4, minimum=Decimal(0), maximum=Decimal(10))
    email(problems, ["email"], "ok@example.com")
    assert [(e.field, e.code) for e in problems.errors] == [
        (["name"], ErrorCode.REQUIRED),
        (["rfc"], ErrorCode.INVALID),
        (["lines", "0", "quantity"], ErrorCode.OUT_OF_RANGE),
    ]
