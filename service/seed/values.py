"""Small value helpers every area shares: weighted choice, dates back from the anchor, money, ids,
text, phone numbers and valid RFCs.

Dates go back from a fixed anchor (2026-06-30 UTC), never from the clock.
"""

from __future__ import annotations

import random
import re
import unicodedata
import uuid
from bisect import bisect
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Generic, TypeVar

from stdnum.mx import rfc as stdnum_rfc

#: The day every date goes back from; the last instant any past event may have.
ANCHOR_DATE = date(2026, 6, 30)
ANCHOR_END = datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)
#: How far back accounts were created (days).
MAX_AGE_DAYS = 2200
#: Fixed domain of the demo company running the CRM.
OWN_DOMAIN = "demo-comercial.mx"

T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted choice, faster than `random.choices` for a fixed table."""

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        pairs = list(pairs)
        self.values = [value for value, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect(self.cum, rng.random() * self.total)]


#: Rows per parent in a tab: most have a few, hardly any has eight.
ACCOUNT_ROWS = Weighted(zip(range(1, 9), (24, 22, 17, 13, 9, 7, 5, 3), strict=True))
CONTACT_ROWS = Weighted(zip(range(1, 9), (38, 26, 14, 9, 6, 4, 2, 1), strict=True))
#: Lines per quote, order or invoice.
LINES = Weighted(zip(range(1, 6), (30, 28, 20, 13, 9), strict=True))

# --------------------------------------------------------------------------- dates

DAYS = [ANCHOR_DATE - timedelta(days=back) for back in range(MAX_AGE_DAYS + 400)]
# Working hours in Mexico City (08:00-18:00, UTC-6) are 14:00-24:00 UTC.
WORKDAY_START = [datetime(d.year, d.month, d.day, 14, tzinfo=UTC) for d in DAYS]


def past_day(rng: random.Random, newest_back: int, oldest_back: int) -> date:
    """A date between `oldest_back` and `newest_back` days before the anchor."""
    return DAYS[rng.randint(newest_back, max(newest_back, oldest_back))]


def future_day(rng: random.Random, soonest: int, latest: int) -> date:
    return ANCHOR_DATE + timedelta(days=rng.randint(soonest, latest))


def past_moment(rng: random.Random, newest_back: int, oldest_back: int) -> datetime:
    """A UTC instant in working hours, between `oldest_back` and `newest_back` days before the anchor."""
    start = WORKDAY_START[rng.randint(newest_back, max(newest_back, oldest_back))]
    return start + timedelta(seconds=rng.randrange(36000))


def future_moment(rng: random.Random, soonest: int, latest: int) -> datetime:
    start = WORKDAY_START[0] + timedelta(days=rng.randint(soonest, latest))
    return start + timedelta(seconds=rng.randrange(0, 36000, 900))


def later(moment: datetime, seconds: int) -> datetime:
    return min(moment + timedelta(seconds=seconds), ANCHOR_END)


def days_back(day: date) -> int:
    return (ANCHOR_DATE - day).days


def add_months(day: date, months: int) -> date:
    """`day` plus whole months; callers keep the day of month <= 28."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return day.replace(year=year, month=month + 1)


def long_ago(rng: random.Random, newest_years: int, oldest_years: int) -> date:
    """A birth or incorporation date, before the span `past_day` covers."""
    return ANCHOR_DATE - timedelta(days=rng.randint(365 * newest_years, 365 * oldest_years))


# --------------------------------------------------------------------------- money, ids, text


def money(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount between `low` and `high` pesos, with cents."""
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


def log_money(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount between `low` and `high` pesos, small amounts as frequent as large ones per order of magnitude."""
    return Decimal(int(low * (high / low) ** rng.random() * 100)).scaleb(-2)


def folio_uuid(rng: random.Random) -> str:
    """A folio fiscal: SAT prints UUIDs in upper case."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def hex_digits(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def ascii_text(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slug(text: str, sep: str = "-") -> str:
    return sep.join(re.findall(r"[a-z0-9]+", ascii_text(text).lower()))


def phone(rng: random.Random, lada: str) -> str:
    """A 10-digit Mexican number with its area code (lada), e.g. +52 55 1234 5678."""
    if len(lada) == 2:
        return f"+52 {lada} {rng.randint(1000, 9999)} {rng.randint(0, 9999):04d}"
    return f"+52 {lada} {rng.randint(100, 999)} {rng.randint(0, 9999):04d}"


# --------------------------------------------------------------------------- fiscal data (SAT)

GENERIC_RFC = "XAXX010101000"
#: SAT c_FormaPago of a payment: transfer, cash, credit card, debit card, cheque.
PAYMENT_FORMS = Weighted([("03", 55), ("01", 8), ("04", 12), ("28", 6), ("02", 5)])

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Homoclave characters python-stdnum accepts with check digits on: [1-9A-V][1-9A-Z].
_HOMOCLAVE_1 = "123456789ABCDEFGHIJKLMNOPQRSTUV"
_HOMOCLAVE_2 = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Words SAT's rule leaves out of the letters of an RFC.
_RFC_SKIP_WORDS = frozenset(
    "DE DEL LA LAS LOS EL Y E EN CON PARA POR A SA CV RL SC AC SOCIEDAD COMPANIA CIA HIJOS ASOCIADOS".split()
)


def valid_rfc(rng: random.Random, letters: str, born: date) -> str:
    """An RFC with a valid check digit: letters + YYMMDD + homoclave + digit, checked by python-stdnum."""
    for attempt in range(40):
        if attempt == 3:
            # SAT replaces the last letter of an inconvenient word (stdnum's blacklist) with an X.
            letters = letters[:-1] + "X"
        elif attempt >= 6:
            letters = "".join(rng.choice(_LETTERS) for _ in letters)
        stem = f"{letters}{born:%y%m%d}{rng.choice(_HOMOCLAVE_1)}{rng.choice(_HOMOCLAVE_2)}"
        value = stem + stdnum_rfc.calc_check_digit(stem)
        if stdnum_rfc.is_valid(value, validate_check_digits=True):
            return value
    raise RuntimeError(f"no valid RFC for {letters} {born}")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^A-Z]+", ascii_text(text).upper()) if w]


def company_letters(name: str) -> str:
    """The three letters of a company RFC, from the initials of its name (SAT's rule, simplified)."""
    words = [w for w in _words(name) if w not in _RFC_SKIP_WORDS]
    if len(words) >= 3:
        letters = words[0][0] + words[1][0] + words[2][0]
    elif len(words) == 2:
        letters = words[0][0] + words[1][:2]
    else:
        letters = (words[0] if words else "")[:3]
    return (letters + "XXX")[:3]


def person_letters(first_name: str, paternal: str, maternal: str) -> str:
    """The four letters of a person RFC: paternal initial and first inner vowel, maternal initial, name initial."""
    first = _words(first_name)
    if len(first) > 1 and first[0] in ("JOSE", "MARIA", "MA", "J"):
        first = first[1:]
    pat = "".join(w for w in _words(paternal) if w not in _RFC_SKIP_WORDS) or "X"
    mat = "".join(w for w in _words(maternal) if w not in _RFC_SKIP_WORDS) or "X"
    vowel = next((ch for ch in pat[1:] if ch in "AEIOU"), "X")
    return pat[0] + vowel + mat[0] + (first[0][0] if first else "X")
