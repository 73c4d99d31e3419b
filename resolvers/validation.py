"""Checks of input values shared by the mutations: text, email, RFC, SAT catalogues, amounts, ids.

Each check adds what is wrong to a `Problems` at the given input path and returns the clean value
(or None), so a mutation validates every field and reports every problem at once. Text is taken in
Unicode NFC, so what a keyboard sends decomposed is checked and stored as one character.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.mx import rfc as stdnum_rfc

from loaders.errors import UserInputError
from models import Table, sat
from resolvers.errors import ErrorCode, Problems
from schema.node import pk_of

Path = Sequence[str | int]
_POSTAL_CODE = re.compile(r"[0-9]{5}")  # ASCII digits: \d would take "٠٦٦٠٠" too
# python-stdnum's rule for the last three characters of an RFC: the homoclave, then the check digit.
_HOMOCLAVE = re.compile(r"[1-9A-V][1-9A-Z]")
_CHECK_DIGITS = "0123456789A"
# The words python-stdnum refuses as the first four letters of a person's RFC (SAT's "palabras
# inconvenientes"). Read from it, so the reason given and the rule applied cannot drift apart.
_FORBIDDEN_WORDS = frozenset(stdnum_rfc._name_blacklist)


def nfc(text: str) -> str:
    """The text in Unicode NFC: an "Ñ" typed as N + combining tilde (NFD) becomes the one character
    that RFC rules, searches and unique names compare."""
    return unicodedata.normalize("NFC", text)


def required_text(problems: Problems, path: Path, value: str | None, max_length: int) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        problems.add(path, ErrorCode.REQUIRED, f"{path[-1]} is required and cannot be blank")
        return None
    return optional_text(problems, path, cleaned, max_length)


def optional_text(problems: Problems, path: Path, value: str | None, max_length: int | None) -> str | None:
    if value is None:
        return None
    if "\x00" in value:
        problems.add(path, ErrorCode.INVALID, f"{path[-1]} cannot contain the NUL character (U+0000)")
        return None
    cleaned = nfc(value).strip() or None
    if cleaned is not None and max_length is not None and len(cleaned) > max_length:
        problems.add(path, ErrorCode.INVALID, f"{path[-1]} has {len(cleaned)} characters; at most {max_length}")
        return None
    return cleaned


def email(problems: Problems, path: Path, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if "\x00" in value:
        problems.add(path, ErrorCode.INVALID, "not a valid email address: it contains the NUL character")
        return None
    try:
        return validate_email(nfc(value).strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        problems.add(path, ErrorCode.INVALID, f"not a valid email address: {error}")
        return None


def phone(problems: Problems, path: Path, value: str | None, max_length: int = 40) -> str | None:
    """A phone number as written (trimmed, NFC), when it can be one: Mexican by default, or international
    with its +country code. Its text is kept: people write numbers their own way."""
    cleaned = optional_text(problems, path, value, max_length)
    if cleaned is None:
        return None
    try:
        possible = phonenumbers.is_possible_number(phonenumbers.parse(cleaned, "MX"))
    except phonenumbers.NumberParseException:
        possible = False
    if not possible:
        problems.add(path, ErrorCode.INVALID, f"{cleaned[:40]!r} is not a phone number: give 10 digits for Mexico, "
                     "or + and the country code for another country (an extension may follow)")
        return None
    return cleaned


def rfc(problems: Problems, path: Path, value: str | None) -> str | None:
    """A valid RFC in canonical form (NFC, upper case, compact): a generic one, or 12 (company) /
    13 (person) characters with a correct date, homoclave and check digit."""
    if value is None or not value.strip():
        problems.add(path, ErrorCode.REQUIRED, "rfc is required")
        return None
    value = nfc(value)
    number = stdnum_rfc.compact(value)
    if number in sat.GENERIC_RFCS:
        return number
    reason = _rfc_fault(number)
    if reason:
        problems.add(path, ErrorCode.INVALID, f"invalid RFC {value.strip()[:20]!r}: {reason}")
        return None
    return number


def _rfc_fault(number: str) -> str | None:
    """Why a compacted RFC is not valid, or None when it is."""
    if len(number) not in (12, 13):
        return f"an RFC has 12 characters (company) or 13 (person), this one has {len(number)}"
    try:
        stdnum_rfc.validate(number, validate_check_digits=True)
    except InvalidChecksum:
        return "its check digit (last character) does not match the rest of the RFC"
    except InvalidComponent:
        return _rfc_component_fault(number)
    except (InvalidFormat, InvalidLength):
        return ("its format is wrong: 3 letters (company) or 4 (person), a YYMMDD date, a 2-character homoclave "
                "and a check digit")
    except ValidationError as error:  # any other reason stdnum may grow
        return str(error) or type(error).__name__
    return None


def _rfc_component_fault(number: str) -> str:
    """The reason behind python-stdnum's InvalidComponent, which it raises alike for a forbidden
    word, a date and a homoclave: checked here in its order, on an RFC whose format it accepted."""
    letters = len(number) - 9
    if letters == 4 and number[:4] in _FORBIDDEN_WORDS:
        return (f"its first four letters {number[:4]!r} are a word SAT does not allow in a person's RFC "
                f"(SAT replaces its last letter with X: {number[:3] + 'X'!r})")
    date = number[letters:letters + 6]
    try:
        # As python-stdnum reads it: the century is unknown, so 2000-2099 (000229 is a valid date).
        datetime.date(2000 + int(date[:2]), int(date[2:4]), int(date[4:]))
    except ValueError:
        return f"its date part {date!r} (YYMMDD after the letters) is not a valid date"
    homoclave = number[-3:-1]
    if not _HOMOCLAVE.fullmatch(homoclave):
        return (f"its homoclave {homoclave!r} (the 2 characters before the check digit) is not valid: "
                "the first is 1-9 or A-V, the second 1-9 or A-Z, and neither is 0")
    if number[-1] not in _CHECK_DIGITS:
        return f"its check digit (last character) is a digit or A, not {number[-1]!r}"
    return "one of its parts is not valid"


def rfc_kind(number: str) -> str:
    """'generic', 'company' (persona moral, 12 characters) or 'person' (persona física, 13)."""
    if number in sat.GENERIC_RFCS:
        return "generic"
    return "company" if len(number) == 12 else "person"


def fiscal_profile(
    problems: Problems,
    number: str | None,
    *,
    tax_regime: str | None,
    cfdi_use: str | None,
    payment_form: str | None,
    payment_method: Any,
    origin: Mapping[str, str],
) -> None:
    """The SAT codes fit their catalogues, each other and the RFC. `origin` says where a value
    came from when the caller did not give it (e.g. copied from another account)."""

    def where(field: str) -> str:
        return f" ({origin[field]})" if field in origin else ""

    if tax_regime is not None and tax_regime not in sat.TAX_REGIMES:
        problems.add(["taxRegime"], ErrorCode.INVALID,
                     f"{tax_regime!r}{where('taxRegime')} is not a SAT c_RegimenFiscal code; allowed: {', '.join(sat.TAX_REGIMES)}")
        tax_regime = None
    if cfdi_use is not None and cfdi_use not in sat.CFDI_USES:
        problems.add(["cfdiUse"], ErrorCode.INVALID,
                     f"{cfdi_use!r}{where('cfdiUse')} is not a c_UsoCFDI code an account may default to; allowed: {', '.join(sat.CFDI_USES)}")
        cfdi_use = None
    if payment_form is not None and payment_form not in sat.PAYMENT_FORMS:
        problems.add(["paymentForm"], ErrorCode.INVALID,
                     f"{payment_form!r}{where('paymentForm')} is not a SAT c_FormaPago code; allowed: {', '.join(sat.PAYMENT_FORMS)}")
    if payment_method is not None and getattr(payment_method, "value", payment_method) == "PPD" and payment_form != sat.PPD_PAYMENT_FORM:
        problems.add(["paymentForm"], ErrorCode.INVALID,
                     f"payment method PPD requires payment form {sat.PPD_PAYMENT_FORM} (por definir), got {payment_form!r}{where('paymentForm')}")
    if number is not None and rfc_kind(number) == "generic":
        if tax_regime != sat.GENERIC_REGIME or cfdi_use != sat.GENERIC_CFDI_USE:
            problems.add(["taxRegime"], ErrorCode.INVALID,
                         f"the generic RFC {number} goes with régimen {sat.GENERIC_REGIME} and uso {sat.GENERIC_CFDI_USE}, "
                         f"got {tax_regime}{where('taxRegime')} and {cfdi_use}{where('cfdiUse')}")
        return
    if number is not None and tax_regime is not None:
        kind = rfc_kind(number)
        allowed = sat.COMPANY_REGIMES if kind == "company" else sat.PERSON_REGIMES
        if kind != "generic" and tax_regime not in allowed:
            who = "a company (persona moral, 12 characters)" if kind == "company" else "a person (persona física, 13 characters)"
            problems.add(["taxRegime"], ErrorCode.INVALID,
                         f"régimen {tax_regime}{where('taxRegime')} does not apply to {who}; allowed: {', '.join(sorted(allowed))}")
            return
    if tax_regime is not None and cfdi_use is not None and tax_regime not in sat.CFDI_USES[cfdi_use].tax_regimes:
        allowed_uses = sorted(code for code, use in sat.CFDI_USES.items() if tax_regime in use.tax_regimes)
        problems.add(["cfdiUse"], ErrorCode.INVALID,
                     f"uso {cfdi_use}{where('cfdiUse')} is not allowed for régimen {tax_regime}; allowed: {', '.join(allowed_uses)}")


def currency(problems: Problems, path: Path, value: str | None) -> str | None:
    """An ISO 4217 code of SAT's c_Moneda catalogue (models/sat.py), in capital letters."""
    if value is not None and value in sat.CURRENCIES:
        return value
    shown = "null" if value is None else repr(value[:20])
    hint = f"; write it {value.strip().upper()!r}" if value and value.strip().upper() in sat.CURRENCIES else ""
    problems.add(path, ErrorCode.INVALID,
                 f"currency {shown} is not an ISO 4217 code of SAT's c_Moneda catalogue (e.g. MXN, USD, "
                 f"EUR){hint}; the query satCatalogs {{ currencies {{ code description }} }} lists them")
    return None


def postal_code(problems: Problems, path: Path, value: str | None) -> str | None:
    if value is not None and not _POSTAL_CODE.fullmatch(value):
        problems.add(path, ErrorCode.INVALID, f"a código postal has 5 digits, got {value!r}")
        return None
    return value


def amount(
    problems: Problems,
    path: Path,
    value: Decimal | None,
    *,
    places: int,
    minimum: Decimal | None = None,
    above: Decimal | None = None,
    maximum: Decimal,
) -> Decimal | None:
    """A finite decimal within its bounds with at most `places` decimals (None when absent).
    The bounds come first: a number of a thousand digits never reaches the rounding."""
    if value is None:
        return None
    name = path[-1]
    if not value.is_finite():
        problems.add(path, ErrorCode.INVALID, f"{name} must be a finite number, got {value}")
        return None
    if minimum is not None and value < minimum:
        problems.add(path, ErrorCode.OUT_OF_RANGE, f"{name} must be at least {minimum}, got {value}")
        return None
    if above is not None and value <= above:
        problems.add(path, ErrorCode.OUT_OF_RANGE, f"{name} must be greater than {above}, got {value}")
        return None
    if value > maximum:
        problems.add(path, ErrorCode.OUT_OF_RANGE, f"{name} must be at most {maximum}, got {value}")
        return None
    try:
        exact = value == value.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        exact = False
    if not exact:
        problems.add(path, ErrorCode.INVALID, f"{name} has more than {places} decimal places: {value}")
        return None
    return value


def global_id(problems: Problems, path: Path, value: str | None, model: type[Table]) -> int | None:
    """The primary key of a global id of `model` (existence is checked by the caller)."""
    if value is None:
        return None
    try:
        pk = pk_of(value, model)
    except UserInputError as error:
        problems.add(path, ErrorCode.INVALID, error.message)
        return None
    if pk is None:
        problems.add(path, ErrorCode.NOT_FOUND, f"{value[:64]!r} is not the id of a {model.type_name()}")
    return pk
