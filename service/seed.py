"""Deterministic demo data: a Mexican CRM with accounts, contacts and every tab filled.

`seed_demo(engine, accounts=N, seed=S)` writes, in one transaction,

* the catalogue: salespeople (app_user), price lists, vendors, products, services, campaigns;
* N accounts (about 70 % companies, 30 % persons, 2 % with the generic RFC) with corporate
  groups and account relations, 1-5 contacts for most of them (plus a few without account),
  and their addresses;
* the rows of every account tab and contact tab of `models.relations`: most parents get
  0-8 rows per tab, about 2 % get 30-60 so that paging has something to page through;
* documents that add up: quotes, orders and invoices store the totals of their lines; PPD
  invoices are paid in installments by payment CFDIs whose documentos relacionados chain the
  balance from the invoice's total down to its stored balance; credit notes are subtotal + tax.

Determinism: every value comes from `random.Random` streams seeded from `seed` (one stream
per area, so changing one area does not reshuffle the others) and from pools of Faker es_MX
values drawn once from `Faker("es_MX").seed_instance(seed)`. Dates go back from a fixed
anchor (2026-06-30 UTC), never from the clock, and ids are assigned here from max(id) + 1, so
an empty database gets the same rows, ids included, on SQLite and PostgreSQL.

Speed: rows are plain dicts inserted with Core `executemany` in chunks; Faker is never called
per row (it costs tens of microseconds per value).
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
import uuid
from bisect import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from faker import Faker
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel
from stdnum.mx import rfc as stdnum_rfc

import models  # noqa: F401 - registers every table on the metadata
from models import sat
from models.enums import (
    AccountRelationKind,
    AccountType,
    AddressKind,
    AssetStatus,
    BankTransactionKind,
    BillingPeriod,
    CampaignMemberStatus,
    CampaignStatus,
    CampaignType,
    CaseChannel,
    CasePriority,
    CaseSeverity,
    CaseStatus,
    CashFlowKind,
    ChatRoomType,
    CommissionStatus,
    CreditNoteStatus,
    EmailDirection,
    EventKind,
    EventStatus,
    FiscalDocumentStatus,
    InvoiceStatus,
    LotSerialStatus,
    MovementKind,
    OpportunityStage,
    PaymentMethod,
    ProjectStatus,
    PurchaseOrderStatus,
    QuoteStage,
    SalesOrderStatus,
    ServiceContractStatus,
    ShippingMethod,
    SubscriptionStatus,
    Tax,
    TrackingUnit,
)
from models.parties import Account
from models.totals import cents, document_totals, line_amounts, tax_rate
from models.types import CENT, ZERO

__all__ = ["SeedReport", "database_is_empty", "seed_demo"]

#: Rows per INSERT ... executemany.
CHUNK = 5000
#: The day every date goes back from; the last instant any past event may have.
ANCHOR_DATE = date(2026, 6, 30)
ANCHOR_END = datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)
#: How far back accounts were created (days).
MAX_AGE_DAYS = 2200
#: Fixed domain of the demo company running the CRM.
OWN_DOMAIN = "demo-comercial.mx"



# --------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class SeedReport:
    """What `seed_demo` inserted: rows per table and the time it took."""

    rows: dict[str, int] = field(default_factory=dict)
    accounts: int = 0
    contacts: int = 0
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def __str__(self) -> str:
        return (
            f"demo data loaded: {self.total_rows:,} rows in {len(self.rows)} tables "
            f"({self.accounts:,} accounts, {self.contacts:,} contacts) in {self.seconds:.1f} s"
        )


async def database_is_empty(engine: AsyncEngine) -> bool:
    """True when the account table has no rows."""
    async with engine.connect() as conn:
        result = await conn.execute(sa.select(Account.__table__.c.id).limit(1))
        return result.first() is None


async def seed_demo(engine: AsyncEngine, *, accounts: int, seed: int) -> SeedReport:
    """Insert `accounts` demo accounts with everything around them; the same seed gives the same rows."""
    if accounts < 0:
        raise ValueError("accounts must be >= 0")
    started = time.perf_counter()
    async with engine.begin() as conn:
        writer = _Writer(conn)
        seeder = _Seeder(seed, await _next_ids(conn), writer)
        await seeder.run(accounts)
        await writer.flush_all()
        if conn.dialect.name == "postgresql":
            await _reset_sequences(conn)
    return SeedReport(
        rows=dict(writer.counts),
        accounts=writer.counts.get("account", 0),
        contacts=writer.counts.get("contact", 0),
        seconds=time.perf_counter() - started,
    )


# --------------------------------------------------------------------------- writing


def _tables_with_id() -> list[sa.Table]:
    return [table for table in SQLModel.metadata.sorted_tables if "id" in table.c]


async def _next_ids(conn: AsyncConnection) -> dict[str, int]:
    """First free id of every table, so a database that already holds rows can be seeded too."""
    next_ids = {}
    for table in _tables_with_id():
        highest = (await conn.execute(sa.select(sa.func.max(table.c.id)))).scalar()
        next_ids[table.name] = (highest or 0) + 1
    return next_ids


async def _reset_sequences(conn: AsyncConnection) -> None:
    # Ids were given explicitly, so the serial sequences never moved: the next insert would collide.
    for table in _tables_with_id():
        await conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )


class _Writer:
    """Buffers rows per table and inserts them in chunks, parents before children.

    When a buffer is full, only the tables it references (transitively) are flushed first: that
    keeps every foreign key satisfied without turning small buffers into many tiny INSERTs.
    """

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.order = list(SQLModel.metadata.sorted_tables)
        self.tables = {table.name: table for table in self.order}
        self.buffers: dict[str, list[dict[str, Any]]] = {table.name: [] for table in self.order}
        self.counts: dict[str, int] = {}
        self.columns = {table.name: frozenset(table.c.keys()) for table in self.order}
        self.ancestors = {table.name: self._ancestors(table) for table in self.order}

    @staticmethod
    def _ancestors(table: sa.Table) -> list[str]:
        seen: set[str] = set()
        todo = [table]
        while todo:
            for fk in todo.pop().foreign_keys:
                parent = fk.column.table
                if parent.name != table.name and parent.name not in seen:
                    seen.add(parent.name)
                    todo.append(parent)
        return [t.name for t in SQLModel.metadata.sorted_tables if t.name in seen]

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.buffers[table].append(row)

    async def maybe_flush(self) -> None:
        for name, rows in self.buffers.items():
            if len(rows) >= CHUNK:
                for parent in self.ancestors[name]:
                    await self._flush(parent)
                await self._flush(name)

    async def flush_all(self) -> None:
        for table in self.order:
            await self._flush(table.name)

    async def _flush(self, name: str) -> None:
        rows = self.buffers[name]
        if not rows:
            return
        self.buffers[name] = []
        # executemany takes its columns from the first row: every row must have them all.
        if rows[0].keys() != self.columns[name]:
            raise AssertionError(f"{name}: columns {sorted(rows[0].keys() ^ self.columns[name])} differ")
        statement = sa.insert(self.tables[name])
        for start in range(0, len(rows), CHUNK):
            await self.conn.execute(statement, rows[start : start + CHUNK])
        self.counts[name] = self.counts.get(name, 0) + len(rows)


# --------------------------------------------------------------------------- small value helpers

T = TypeVar("T")


class _Weighted(Generic[T]):
    """A weighted choice, faster than `random.choices` for a fixed table."""

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        pairs = list(pairs)
        self.values = [value for value, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect(self.cum, rng.random() * self.total)]


#: Rows per parent in a tab: most have a few, hardly any has eight.
_ACCOUNT_ROWS = _Weighted(zip(range(1, 9), (24, 22, 17, 13, 9, 7, 5, 3), strict=True))
_CONTACT_ROWS = _Weighted(zip(range(1, 9), (38, 26, 14, 9, 6, 4, 2, 1), strict=True))
_LINES = _Weighted(zip(range(1, 6), (30, 28, 20, 13, 9), strict=True))
#: Installments a PPD invoice is paid in.
_INSTALLMENTS = _Weighted([(1, 45), (2, 25), (3, 18), (4, 12)])

_DAYS = [ANCHOR_DATE - timedelta(days=back) for back in range(MAX_AGE_DAYS + 400)]
# Working hours in Mexico City (08:00-18:00, UTC-6) are 14:00-24:00 UTC.
_WORKDAY_START = [datetime(d.year, d.month, d.day, 14, tzinfo=UTC) for d in _DAYS]


def _day(rng: random.Random, newest_back: int, oldest_back: int) -> date:
    """A date between `oldest_back` and `newest_back` days before the anchor."""
    return _DAYS[rng.randint(newest_back, max(newest_back, oldest_back))]


def _future_day(rng: random.Random, soonest: int, latest: int) -> date:
    return ANCHOR_DATE + timedelta(days=rng.randint(soonest, latest))


def _moment(rng: random.Random, newest_back: int, oldest_back: int) -> datetime:
    """A UTC instant in working hours, between `oldest_back` and `newest_back` days before the anchor."""
    start = _WORKDAY_START[rng.randint(newest_back, max(newest_back, oldest_back))]
    return start + timedelta(seconds=rng.randrange(36000))


def _future_moment(rng: random.Random, soonest: int, latest: int) -> datetime:
    start = _WORKDAY_START[0] + timedelta(days=rng.randint(soonest, latest))
    return start + timedelta(seconds=rng.randrange(0, 36000, 900))


def _later(moment: datetime, seconds: int) -> datetime:
    return min(moment + timedelta(seconds=seconds), ANCHOR_END)


def _days_back(day: date) -> int:
    return (ANCHOR_DATE - day).days


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount between `low` and `high` pesos, with cents."""
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


def _log_money(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount between `low` and `high` pesos, small amounts as frequent as large ones per order of magnitude."""
    return Decimal(int(low * (high / low) ** rng.random() * 100)).scaleb(-2)


def _add_months(day: date, months: int) -> date:
    """`day` plus whole months; callers keep the day of month <= 28."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return day.replace(year=year, month=month + 1)


def _long_ago(rng: random.Random, newest_years: int, oldest_years: int) -> date:
    """A birth or incorporation date, before the span `_day` covers."""
    return ANCHOR_DATE - timedelta(days=rng.randint(365 * newest_years, 365 * oldest_years))


def _uuid(rng: random.Random) -> str:
    """A folio fiscal: SAT prints UUIDs in upper case."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str, sep: str = "-") -> str:
    return sep.join(re.findall(r"[a-z0-9]+", _ascii(text).lower()))


def _phone(rng: random.Random, lada: str) -> str:
    """A 10-digit Mexican number with its area code (lada), e.g. +52 55 1234 5678."""
    if len(lada) == 2:
        return f"+52 {lada} {rng.randint(1000, 9999)} {rng.randint(0, 9999):04d}"
    return f"+52 {lada} {rng.randint(100, 999)} {rng.randint(0, 9999):04d}"


# --------------------------------------------------------------------------- fiscal data (SAT)

_COMPANY_REGIMES = _Weighted(
    [("601", 68), ("603", 6), ("620", 2), ("622", 3), ("623", 2), ("624", 2), ("610", 2), ("626", 15)]
)
_PERSON_REGIMES = _Weighted(
    [("612", 33), ("626", 25), ("605", 10), ("606", 8), ("621", 5), ("625", 5), ("611", 3), ("614", 2),
     ("615", 2), ("607", 1), ("608", 2), ("616", 2), ("610", 2)]
)
#: How often each uso de CFDI is an account's default, among those its régimen allows (models/sat.py).
_CFDI_USE_WEIGHTS: dict[str, float] = {
    "S01": 8.0, "G03": 50, "G01": 20, "G02": 3, **{f"I0{n}": 1.5 for n in range(1, 9)},
    "D01": 8, "D02": 2, "D04": 2, "D07": 1, "D10": 2, "CN01": 6,
}


def _cfdi_uses(regime: str) -> _Weighted[str]:
    return _Weighted([(use, weight) for use, weight in _CFDI_USE_WEIGHTS.items() if regime in sat.CFDI_USES[use].tax_regimes])


_USES_BY_REGIME = {regime: _cfdi_uses(regime) for regime in _COMPANY_REGIMES.values + _PERSON_REGIMES.values}
_PAYMENT_FORMS = _Weighted([("03", 55), ("01", 8), ("04", 12), ("28", 6), ("02", 5)])
GENERIC_RFC = "XAXX010101000"

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Homoclave characters python-stdnum accepts with check digits on: [1-9A-V][1-9A-Z].
_HOMOCLAVE_1 = "123456789ABCDEFGHIJKLMNOPQRSTUV"
_HOMOCLAVE_2 = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_RFC_SKIP_WORDS = frozenset(
    "DE DEL LA LAS LOS EL Y E EN CON PARA POR A SA CV RL SC AC SOCIEDAD COMPANIA CIA HIJOS ASOCIADOS".split()
)


def _rfc(rng: random.Random, letters: str, born: date) -> str:
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


def _company_letters(name: str) -> str:
    """The three letters of a company RFC, from the initials of its name (SAT's rule, simplified)."""
    words = [w for w in re.split(r"[^A-Z]+", _ascii(name).upper()) if w and w not in _RFC_SKIP_WORDS]
    if len(words) >= 3:
        letters = words[0][0] + words[1][0] + words[2][0]
    elif len(words) == 2:
        letters = words[0][0] + words[1][:2]
    else:
        letters = (words[0] if words else "")[:3]
    return (letters + "XXX")[:3]


def _person_letters(first_name: str, paternal: str, maternal: str) -> str:
    """The four letters of a person RFC: paternal initial and first inner vowel, maternal initial, name initial."""
    first = [w for w in re.split(r"[^A-Z]+", _ascii(first_name).upper()) if w]
    if len(first) > 1 and first[0] in ("JOSE", "MARIA", "MA", "J"):
        first = first[1:]
    pat = "".join(w for w in re.split(r"[^A-Z]+", _ascii(paternal).upper()) if w and w not in _RFC_SKIP_WORDS) or "X"
    mat = "".join(w for w in re.split(r"[^A-Z]+", _ascii(maternal).upper()) if w and w not in _RFC_SKIP_WORDS) or "X"
    vowel = next((ch for ch in pat[1:] if ch in "AEIOU"), "X")
    return pat[0] + vowel + mat[0] + (first[0][0] if first else "X")


# --------------------------------------------------------------------------- static pools (Spanish)

#: (city, municipality, state, first and last postal code, lada, border zone with IVA 8 %, weight)
_PLACES = _Weighted(
    (place[:-1], place[-1])
    for place in (
        ("Ciudad de México", "Cuauhtémoc", "Ciudad de México", 6000, 6999, "55", False, 8),
        ("Ciudad de México", "Benito Juárez", "Ciudad de México", 3000, 3999, "55", False, 6),
        ("Ciudad de México", "Miguel Hidalgo", "Ciudad de México", 11000, 11999, "55", False, 6),
        ("Ciudad de México", "Coyoacán", "Ciudad de México", 4000, 4999, "55", False, 4),
        ("Ciudad de México", "Álvaro Obregón", "Ciudad de México", 1000, 1999, "55", False, 3),
        ("Ciudad de México", "Iztapalapa", "Ciudad de México", 9000, 9999, "55", False, 3),
        ("Ciudad de México", "Azcapotzalco", "Ciudad de México", 2000, 2999, "55", False, 2),
        ("Naucalpan de Juárez", "Naucalpan de Juárez", "México", 53000, 53899, "55", False, 3),
        ("Tlalnepantla", "Tlalnepantla de Baz", "México", 54000, 54199, "55", False, 2),
        ("Toluca de Lerdo", "Toluca", "México", 50000, 50299, "722", False, 2),
        ("Guadalajara", "Guadalajara", "Jalisco", 44100, 44990, "33", False, 6),
        ("Zapopan", "Zapopan", "Jalisco", 45010, 45299, "33", False, 4),
        ("Monterrey", "Monterrey", "Nuevo León", 64000, 64999, "81", False, 6),
        ("San Pedro Garza García", "San Pedro Garza García", "Nuevo León", 66200, 66299, "81", False, 3),
        ("Puebla", "Puebla", "Puebla", 72000, 72599, "222", False, 3),
        ("Santiago de Querétaro", "Querétaro", "Querétaro", 76000, 76249, "442", False, 3),
        ("León", "León", "Guanajuato", 37000, 37699, "477", False, 3),
        ("Tijuana", "Tijuana", "Baja California", 22000, 22699, "664", True, 3),
        ("Mexicali", "Mexicali", "Baja California", 21000, 21399, "686", True, 1),
        ("Ciudad Juárez", "Juárez", "Chihuahua", 32000, 32699, "656", True, 2),
        ("Chihuahua", "Chihuahua", "Chihuahua", 31000, 31399, "614", False, 1),
        ("Hermosillo", "Hermosillo", "Sonora", 83000, 83299, "662", False, 1),
        ("Reynosa", "Reynosa", "Tamaulipas", 88500, 88799, "899", True, 1),
        ("Mérida", "Mérida", "Yucatán", 97000, 97399, "999", False, 2),
        ("Cancún", "Benito Juárez", "Quintana Roo", 77500, 77599, "998", False, 1),
        ("Aguascalientes", "Aguascalientes", "Aguascalientes", 20000, 20399, "449", False, 1),
        ("San Luis Potosí", "San Luis Potosí", "San Luis Potosí", 78000, 78399, "444", False, 1),
        ("Morelia", "Morelia", "Michoacán de Ocampo", 58000, 58299, "443", False, 1),
        ("Saltillo", "Saltillo", "Coahuila de Zaragoza", 25000, 25299, "844", False, 1),
        ("Veracruz", "Veracruz", "Veracruz de Ignacio de la Llave", 91700, 91999, "229", False, 1),
        ("Culiacán", "Culiacán", "Sinaloa", 80000, 80299, "667", False, 1),
        ("Oaxaca de Juárez", "Oaxaca de Juárez", "Oaxaca", 68000, 68299, "951", False, 1),
    )
)
_COLONIAS = (
    "Centro", "Del Valle", "Industrial", "Moderna", "Jardines del Bosque", "Las Águilas", "San Rafael",
    "Obrera", "Americana", "Reforma", "Guadalupe", "San José", "El Carmen", "Las Palmas", "Los Pinos",
    "Vista Hermosa", "Residencial del Parque", "Parque Industrial", "Lomas del Valle", "Santa María",
    "Jardines de la Montaña", "Nueva Industrial", "La Paz", "Bosques de las Lomas", "San Miguel",
    "Villa de las Flores", "Ampliación Juárez", "Fraccionamiento Los Robles", "Santa Fe", "Chapultepec",
)
_INT_NUMBERS = ("A", "B", "1", "2", "3", "4", "101", "201", "302", "Piso 3", "Piso 8", "Local 5", "Local 12",
                "Depto. 4", "Bodega 7", "Nave 2")
_INDUSTRIES = (
    "Manufactura", "Comercio al por mayor", "Comercio al por menor", "Construcción", "Servicios profesionales",
    "Tecnologías de la información", "Transporte y logística", "Alimentos y bebidas", "Salud", "Educación",
    "Agroindustria", "Automotriz", "Hotelería y turismo", "Inmobiliario", "Energía", "Minería", "Textil",
    "Farmacéutica", "Gobierno", "Servicios financieros",
)
_ACCOUNT_TYPES = _Weighted(
    [(AccountType.CUSTOMER, 60), (AccountType.PROSPECT, 15), (AccountType.DISTRIBUTOR, 8),
     (AccountType.RESELLER, 7), (AccountType.PARTNER, 4), (AccountType.SUPPLIER, 3), (AccountType.OTHER, 3)]
)
_COMPANY_PREFIXES = (
    "Comercializadora", "Grupo", "Distribuidora", "Servicios Integrales", "Industrias", "Constructora",
    "Tecnología", "Corporativo", "Logística", "Importadora", "Transportes", "Alimentos", "Consultores",
    "Manufacturas", "Desarrollos", "Soluciones",
)
_COMPANY_WORDS = (
    "del Norte", "del Bajío", "del Pacífico", "del Golfo", "Azteca", "Maya", "Sierra Madre", "Anáhuac",
    "Tolteca", "del Sureste", "Occidente", "Peninsular", "Metropolitana", "Huasteca", "Mixteca", "Cumbres",
)
_PERSON_BUSINESSES = ("Consultorio", "Despacho", "Taller", "Abarrotes", "Papelería", "Ferretería", "Estética",
                      "Farmacia", "Refaccionaria", "Tienda")
_LEGAL_SUFFIXES = ("S.A. de C.V.", "S. R.L. de C.V.", "S.A.", "S.C.", "A.C.")
_FREE_MAIL = _Weighted([("gmail.com", 50), ("hotmail.com", 20), ("outlook.com", 15), ("yahoo.com.mx", 10),
                        ("prodigy.net.mx", 5)])
_COMPANY_MAILBOXES = ("contacto", "ventas", "facturacion", "compras", "info", "administracion")
_JOBS = (
    ("Director General", "Dirección"), ("Gerente de Compras", "Compras"), ("Comprador", "Compras"),
    ("Contador General", "Contabilidad"), ("Auxiliar Contable", "Contabilidad"), ("Jefe de Almacén", "Almacén"),
    ("Gerente de TI", "Sistemas"), ("Ingeniero de Soporte", "Sistemas"), ("Coordinador de Logística", "Logística"),
    ("Director de Finanzas", "Finanzas"), ("Tesorero", "Finanzas"), ("Representante Legal", "Jurídico"),
    ("Gerente de Planta", "Producción"), ("Supervisor de Producción", "Producción"),
    ("Gerente de Mantenimiento", "Mantenimiento"), ("Asistente de Dirección", "Dirección"),
    ("Gerente de Recursos Humanos", "Recursos Humanos"), ("Ejecutivo de Cuentas por Pagar", "Finanzas"),
)
_BOSS_JOBS = (("Director General", "Dirección"), ("Gerente General", "Dirección"), ("Socio Director", "Dirección"))
_RELATION_NOTES = ("Mismo grupo corporativo", "Alianza comercial", "Comparten almacén", "Distribuidor autorizado",
                   "Cliente en común", "Convenio de colaboración 2025", None, None, None)

#: (name, SAT c_ClaveProdServ, SAT c_ClaveUnidad, lowest price, highest price, tax)
_PRODUCT_BASES = (
    ("Laptop", "43211503", "H87", 12000, 45000, Tax.IVA_16),
    ("Computadora de escritorio", "43211507", "H87", 10000, 30000, Tax.IVA_16),
    ("Monitor 24 pulgadas", "43211902", "H87", 2500, 7000, Tax.IVA_16),
    ("Impresora multifuncional", "43212105", "H87", 3500, 25000, Tax.IVA_16),
    ("Tóner para impresora", "44103103", "H87", 900, 3500, Tax.IVA_16),
    ("Papel bond carta", "14111507", "XBX", 600, 1200, Tax.IVA_16),
    ("Silla ergonómica", "56101504", "H87", 2500, 9000, Tax.IVA_16),
    ("Escritorio ejecutivo", "56101703", "H87", 4000, 15000, Tax.IVA_16),
    ("Disco de estado sólido 1 TB", "43201803", "H87", 1200, 3500, Tax.IVA_16),
    ("Router empresarial", "43222609", "H87", 2500, 18000, Tax.IVA_16),
    ("Switch administrable 24 puertos", "43222612", "H87", 4000, 22000, Tax.IVA_16),
    ("No break 1500 VA", "39121011", "H87", 2500, 9000, Tax.IVA_16),
    ("Cable UTP categoría 6", "26121609", "MTR", 8, 25, Tax.IVA_16),
    ("Cámara de seguridad IP", "46171610", "H87", 1200, 6000, Tax.IVA_16),
    ("Teclado inalámbrico", "43211706", "H87", 300, 1500, Tax.IVA_16),
    ("Mouse óptico", "43211708", "H87", 150, 900, Tax.IVA_16),
    ("Proyector", "45111609", "H87", 7000, 25000, Tax.IVA_16),
    ("Aceite hidráulico", "15121902", "LTR", 60, 180, Tax.IVA_16),
    ("Guantes de nitrilo (caja con 100)", "46181504", "XBX", 150, 400, Tax.IVA_16),
    ("Casco de seguridad", "46181701", "H87", 200, 900, Tax.IVA_16),
    ("Tornillo hexagonal galvanizado", "31161501", "KGM", 60, 150, Tax.IVA_16),
    ("Cemento gris bulto 50 kg", "30111601", "H87", 220, 320, Tax.IVA_16),
    ("Pintura vinílica cubeta 19 L", "31211501", "H87", 1200, 3500, Tax.IVA_16),
    ("Montacargas eléctrico", "24101601", "H87", 250000, 650000, Tax.IVA_16),
    ("Tarima de madera", "24112101", "H87", 150, 450, Tax.IVA_16),
    ("Película estirable", "24141501", "H87", 250, 600, Tax.IVA_16),
    ("Lector de código de barras", "43211701", "H87", 900, 4500, Tax.IVA_16),
    ("Terminal punto de venta", "43211509", "H87", 8000, 20000, Tax.IVA_16),
    ("Tableta", "43211509", "H87", 4000, 18000, Tax.IVA_16),
    ("Teléfono IP", "43191510", "H87", 1500, 6000, Tax.IVA_16),
    ("Extintor PQS 6 kg", "46191601", "H87", 700, 1800, Tax.IVA_16),
    ("Botiquín de primeros auxilios", "42172001", "H87", 400, 1500, Tax.IVA_16),
    ("Llanta para montacargas", "25172504", "H87", 2500, 8000, Tax.IVA_16),
    ("Batería 12 V", "26111701", "H87", 1500, 4500, Tax.IVA_16),
    ("Agua purificada garrafón 20 L", "50202301", "H87", 35, 60, Tax.IVA_0),
    ("Café en grano", "50201706", "KGM", 250, 600, Tax.IVA_0),
    ("Medicamento genérico", "51101500", "XBX", 80, 400, Tax.IVA_0),
    ("Libro técnico", "55101500", "H87", 300, 1500, Tax.IVA_0),
)
_BRANDS = ("Nexa", "Tecnovo", "Alfa", "Mextron", "Kronos", "Vértice", "Atlas", "Orión", "Quetzal", "Itzá")
#: (name, SAT c_ClaveProdServ, SAT c_ClaveUnidad, lowest price, highest price, tax)
_SERVICE_BASES = (
    ("Soporte técnico en sitio", "81111811", "E48", 600, 2500, Tax.IVA_16),
    ("Soporte técnico remoto", "81111811", "HUR", 350, 900, Tax.IVA_16),
    ("Consultoría de implementación ERP", "80101507", "HUR", 900, 2500, Tax.IVA_16),
    ("Capacitación de usuarios", "86101700", "E48", 3000, 25000, Tax.IVA_16),
    ("Mantenimiento preventivo", "72101507", "E48", 1500, 9000, Tax.IVA_16),
    ("Mantenimiento correctivo", "73152108", "E48", 1200, 15000, Tax.IVA_16),
    ("Desarrollo de software a la medida", "81111500", "HUR", 700, 1800, Tax.IVA_16),
    ("Hospedaje web", "81112105", "E48", 1500, 9000, Tax.IVA_16),
    ("Timbrado de CFDI", "81112100", "E48", 900, 2500, Tax.IVA_16),
    ("Póliza de soporte", "81111805", "E48", 12000, 90000, Tax.IVA_16),
    ("Flete local", "78101802", "E48", 800, 5000, Tax.IVA_16),
    ("Flete foráneo", "78101800", "E48", 3000, 25000, Tax.IVA_16),
    ("Instalación de cableado estructurado", "72151600", "E48", 5000, 60000, Tax.IVA_16),
    ("Auditoría de sistemas", "84111600", "E48", 15000, 80000, Tax.IVA_16),
    ("Renta de montacargas", "72141700", "DAY", 1200, 3500, Tax.IVA_16),
    ("Servicio de limpieza", "76111500", "E48", 3000, 20000, Tax.IVA_16),
    ("Diseño gráfico", "82141500", "HUR", 400, 1200, Tax.IVA_16),
    ("Asesoría fiscal", "84111500", "HUR", 800, 3000, Tax.IVA_16),
    ("Servicio de nómina", "84111700", "E48", 2000, 15000, Tax.IVA_16),
    ("Monitoreo de alarmas", "92121700", "E48", 400, 1500, Tax.IVA_16),
    ("Diplomado en institución acreditada", "86101700", "E48", 8000, 30000, Tax.EXENTO),
    ("Consulta médica ocupacional", "85121800", "E48", 500, 1500, Tax.EXENTO),
    ("Arrendamiento de casa habitación", "80131500", "E48", 8000, 25000, Tax.EXENTO),
    ("Calibración de básculas", "81141500", "E48", 900, 4000, Tax.IVA_16),
    ("Fumigación", "70141500", "E48", 1500, 8000, Tax.IVA_16),
)
_SERVICE_TIERS = ("Básico", "Estándar", "Premium", "Empresarial")
_PRICE_LISTS = (("Lista general", "MXN"), ("Mayoreo", "MXN"), ("Distribuidores", "MXN"), ("Exportación", "USD"))
_CAMPAIGN_THEMES = (
    ("Buen Fin", CampaignType.ADVERTISING), ("Hot Sale", CampaignType.SOCIAL),
    ("Expo Industrial", CampaignType.TRADE_SHOW), ("Webinar CFDI 4.0", CampaignType.WEBINAR),
    ("Boletín mensual", CampaignType.EMAIL), ("Regreso a clases", CampaignType.EMAIL),
    ("Lanzamiento de línea industrial", CampaignType.EVENT), ("Promoción fin de año", CampaignType.EMAIL),
    ("Feria de proveedores", CampaignType.TRADE_SHOW), ("Campaña en redes", CampaignType.SOCIAL),
    ("Desayuno con clientes", CampaignType.EVENT), ("Webinar de nómina", CampaignType.WEBINAR),
    ("Anuncios en buscadores", CampaignType.ADVERTISING), ("Expo Tecnología", CampaignType.TRADE_SHOW),
)
_SPANISH_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                   "octubre", "noviembre", "diciembre")
_BANKS = ("BBVA", "Banorte", "Santander", "Banamex", "HSBC", "Scotiabank", "Inbursa", "Banregio", "BanBajío",
          "Banco Azteca")
_WAREHOUSES = ("Almacén Central CDMX", "CEDIS Guadalajara", "CEDIS Monterrey", "Bodega Querétaro",
               "Almacén Tijuana", "Bodega Mérida")
_PLANS = (
    ("Renta de impresora multifuncional", 900, 3500), ("Licencia ERP 5 usuarios", 2500, 6000),
    ("Licencia ERP 20 usuarios", 8000, 18000), ("Renta de montacargas", 9000, 25000),
    ("Hospedaje y correo empresarial", 400, 2500), ("Monitoreo de alarmas 24/7", 600, 1800),
    ("Renta de equipo de cómputo", 1500, 9000), ("Suscripción de timbrado CFDI", 300, 1500),
    ("Soporte mensual", 2500, 12000), ("Renta de terminal punto de venta", 350, 900),
)
_CASH_CATEGORIES = {
    CashFlowKind.INFLOW: ("Cobranza", "Ventas de contado", "Anticipo de cliente", "Reembolso"),
    CashFlowKind.OUTFLOW: ("Devolución a cliente", "Nota de crédito", "Comisión bancaria", "Bonificación"),
}
_CREDIT_REASONS = ("Devolución de mercancía", "Descuento por pronto pago", "Bonificación por volumen",
                   "Error en precio facturado", "Ajuste por diferencia en facturación", "Mercancía dañada")
_OPPORTUNITY_TOPICS = (
    "Renovación de licencias", "Equipamiento de oficinas", "Proyecto de red y cableado", "Póliza de soporte anual",
    "Migración a ERP en la nube", "Suministro de consumibles", "Flotilla de montacargas",
    "Punto de venta en sucursales",
    "Capacitación de personal", "Videovigilancia", "Mantenimiento de planta", "Ampliación de almacén",
)
_LEAD_SOURCES = ("Sitio web", "Referido", "Expo", "Llamada en frío", "Campaña de email", "Redes sociales",
                 "Distribuidor", "Cliente existente")
_STAGE_PROBABILITY = {
    OpportunityStage.PROSPECTING: 10, OpportunityStage.QUALIFICATION: 20, OpportunityStage.PROPOSAL: 50,
    OpportunityStage.NEGOTIATION: 75, OpportunityStage.CLOSED_WON: 100, OpportunityStage.CLOSED_LOST: 0,
}
_PROJECT_NAMES = ("Implementación ERP", "Migración de servidores", "Instalación de red", "Remodelación de sucursal",
                  "Auditoría de inventarios", "Digitalización de expedientes", "Automatización de almacén",
                  "Portal de clientes", "Integración de facturación electrónica", "Capacitación anual")
_PO_SUBJECTS = ("Reposición de inventario", "Compra de consumibles", "Equipo para nueva sucursal",
                "Refacciones de mantenimiento", "Material de oficina", "Equipo de cómputo", "Insumos de limpieza")
_PO_TERMS = (
    "Entrega en 5 días hábiles. Garantía de 12 meses. Devoluciones dentro de 30 días con factura.",
    "Entrega LAB almacén del proveedor. Pago a 30 días.",
    "Entrega en sitio. Garantía del fabricante. Sin devoluciones en pedidos especiales.",
    None,
)
_CONTRACT_SUBJECTS = ("Póliza de soporte", "Mantenimiento preventivo", "Soporte de red", "Servicio de impresión",
                      "Mantenimiento de montacargas", "Soporte ERP")
_CASE_TITLES = ("No puede timbrar facturas", "Equipo no enciende", "Error al iniciar sesión", "Solicitud de cambio",
                "Factura con RFC incorrecto", "Entrega incompleta", "Producto dañado en envío",
                "Lentitud en el sistema", "Actualización de datos fiscales", "Falla en impresora",
                "Duda sobre complemento de pago", "Reposición de garantía")
_COMMENT_BODIES = (
    "Se envió la cotización actualizada con los precios de la lista de mayoreo.",
    "El cliente solicita factura con uso CFDI G03.",
    "Llamar la próxima semana para dar seguimiento al pedido.",
    "Confirmó la recepción de la mercancía sin incidencias.",
    "Pendiente la constancia de situación fiscal actualizada.",
    "Se acordó entrega parcial y el resto en 15 días.",
    "Solicita ampliar su línea de crédito.",
    "Cambió el responsable de compras; actualizar contacto.",
    "Pago recibido por transferencia, falta complemento de pago.",
    "Interesado en la póliza de soporte premium.",
    "Se reprogramó la visita por cierre de planta.",
    "Reporta que el código postal fiscal cambió.",
)
_REPLY_BODIES = ("De acuerdo, lo reviso.", "Listo, ya quedó registrado.", "Gracias, le doy seguimiento.",
                 "Confirmado con el cliente.", "Se lo comento al área de crédito.")
_EMAIL_SUBJECTS = ("Cotización {n}", "Seguimiento a su pedido {n}", "Factura A-{n}", "Confirmación de entrega",
                   "Solicitud de información", "Renovación de póliza", "Invitación a webinar", "Estado de cuenta",
                   "Complemento de pago {n}", "Reunión de seguimiento", "Actualización de datos fiscales")
_EMAIL_PREVIEWS = ("Buen día, adjunto encontrará la información solicitada.",
                   "Estimado cliente, le compartimos el documento en formato PDF y XML.",
                   "Hola, ¿podemos agendar una llamada esta semana?",
                   "Le confirmamos que su pedido fue enviado por paquetería.",
                   "Gracias por su preferencia. Quedamos atentos a sus comentarios.",
                   "Favor de confirmar la recepción de este correo.")
_DOCUMENTS = (
    ("Contrato de servicios", "application/pdf", "pdf"), ("Propuesta comercial", "application/pdf", "pdf"),
    ("Constancia de situación fiscal", "application/pdf", "pdf"), ("Acta constitutiva", "application/pdf", "pdf"),
    ("Orden de compra firmada", "application/pdf", "pdf"), ("Comprobante de domicilio", "image/jpeg", "jpg"),
    ("Catálogo de productos 2026", "application/pdf", "pdf"), ("Opinión de cumplimiento SAT", "application/pdf", "pdf"),
    ("Lista de precios", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("Minuta de reunión", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("Fotografía de instalación", "image/png", "png"), ("Poder notarial", "application/pdf", "pdf"),
)
_EVENTS = {
    EventKind.CALL: ("Llamada de seguimiento", "Llamada de cobranza", "Llamada de presentación"),
    EventKind.MEETING: ("Reunión de presentación", "Visita a planta", "Revisión de propuesta", "Junta de arranque"),
    EventKind.TASK: ("Enviar cotización", "Preparar contrato", "Actualizar datos fiscales", "Enviar estado de cuenta"),
}
_EVENT_PLACES = ("Oficinas del cliente", "Sala de juntas 2", "Google Meet", "Zoom", "Microsoft Teams",
                 "Planta del cliente")
_LOG_ACTIONS = ("UPDATED", "EMAILED", "CALLED", "INVOICED", "STATUS_CHANGED", "NOTE_ADDED", "ASSIGNED")
_CONTACT_LOG_ACTIONS = ("EMAILED", "CALLED", "CALLED", "NOTE_ADDED")
_ROOM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"  # Meteor ids, as RocketChat
_DISCOUNT_PERCENTS = tuple(Decimal(p) for p in ("5", "7.5", "10", "12.5", "15", "20"))
_COMMISSION_RATES = tuple(Decimal(r) for r in ("0.0200", "0.0300", "0.0500", "0.0750", "0.1000"))
_PERIOD_MONTHS = {BillingPeriod.MONTHLY: 1, BillingPeriod.QUARTERLY: 3, BillingPeriod.YEARLY: 12}
_UNITS_COVERED = {TrackingUnit.HOURS: (20, 40, 80, 120), TrackingUnit.INCIDENTS: (5, 10, 20),
                  TrackingUnit.VISITS: (4, 12, 24)}
#: Link table and its target column, per table reached through account_* / contact_* links.
_LINKS_OF = {"email": ("email", "email_id"), "document": ("document", "document_id"),
             "calendar_event": ("event", "event_id")}

_MEMBER_STATUS = _Weighted([(CampaignMemberStatus.TARGETED, 25), (CampaignMemberStatus.SENT, 30),
                            (CampaignMemberStatus.OPENED, 20), (CampaignMemberStatus.RESPONDED, 10),
                            (CampaignMemberStatus.CONVERTED, 8), (CampaignMemberStatus.UNSUBSCRIBED, 7)])
_EVENT_KINDS = _Weighted([(EventKind.CALL, 35), (EventKind.MEETING, 40), (EventKind.TASK, 25)])
_PAST_EVENT_STATUS = _Weighted([(EventStatus.HELD, 70), (EventStatus.NOT_HELD, 15), (EventStatus.CANCELLED, 10),
                                (EventStatus.PLANNED, 5)])
_INVOICE_STATUS = _Weighted([(InvoiceStatus.PAID, 50), (InvoiceStatus.ISSUED, 14), (InvoiceStatus.PARTIALLY_PAID, 10),
                             (InvoiceStatus.OVERDUE, 12), (InvoiceStatus.CANCELLED, 7), (InvoiceStatus.DRAFT, 7)])
_CREDIT_NOTE_STATUS = _Weighted([(CreditNoteStatus.APPLIED, 60), (CreditNoteStatus.ISSUED, 30),
                                 (CreditNoteStatus.CANCELLED, 10)])
_SUBSCRIPTION_STATUS = _Weighted([(SubscriptionStatus.ACTIVE, 60), (SubscriptionStatus.PAUSED, 10),
                                  (SubscriptionStatus.CANCELLED, 15), (SubscriptionStatus.EXPIRED, 15)])
_BILLING_PERIODS = _Weighted([(BillingPeriod.MONTHLY, 65), (BillingPeriod.QUARTERLY, 15), (BillingPeriod.YEARLY, 20)])
_OPPORTUNITY_STAGE = _Weighted([(OpportunityStage.PROSPECTING, 20), (OpportunityStage.QUALIFICATION, 18),
                                (OpportunityStage.PROPOSAL, 17), (OpportunityStage.NEGOTIATION, 12),
                                (OpportunityStage.CLOSED_WON, 18), (OpportunityStage.CLOSED_LOST, 15)])
_PROJECT_STATUS = _Weighted([(ProjectStatus.PLANNED, 15), (ProjectStatus.IN_PROGRESS, 35), (ProjectStatus.ON_HOLD, 8),
                             (ProjectStatus.COMPLETED, 35), (ProjectStatus.CANCELLED, 7)])
_QUOTE_STAGE = _Weighted([(QuoteStage.DRAFT, 15), (QuoteStage.DELIVERED, 25), (QuoteStage.REVIEWED, 15),
                          (QuoteStage.ACCEPTED, 30), (QuoteStage.REJECTED, 15)])
_SALES_ORDER_STATUS = _Weighted([(SalesOrderStatus.CREATED, 15), (SalesOrderStatus.APPROVED, 20),
                                 (SalesOrderStatus.DELIVERED, 25), (SalesOrderStatus.INVOICED, 35),
                                 (SalesOrderStatus.CANCELLED, 5)])
_PURCHASE_ORDER_STATUS = _Weighted([(PurchaseOrderStatus.CREATED, 20), (PurchaseOrderStatus.APPROVED, 20),
                                    (PurchaseOrderStatus.SENT_TO_VENDOR, 20), (PurchaseOrderStatus.RECEIVED, 40)])
_MOVEMENT_KIND = _Weighted([(MovementKind.OUT, 70), (MovementKind.IN, 20), (MovementKind.TRANSFER, 10)])
_LOT_STATUS = _Weighted([(LotSerialStatus.DELIVERED, 65), (LotSerialStatus.AVAILABLE, 15),
                         (LotSerialStatus.RETURNED, 10), (LotSerialStatus.EXPIRED, 10)])
_ASSET_STATUS = _Weighted([(AssetStatus.IN_SERVICE, 70), (AssetStatus.IN_REPAIR, 10),
                           (AssetStatus.OUT_OF_SERVICE, 8), (AssetStatus.RETIRED, 12)])
_TRACKING_UNIT = _Weighted([(TrackingUnit.HOURS, 60), (TrackingUnit.INCIDENTS, 25), (TrackingUnit.VISITS, 15)])
_CASE_STATUS = _Weighted([(CaseStatus.OPEN, 15), (CaseStatus.IN_PROGRESS, 15), (CaseStatus.WAITING, 10),
                          (CaseStatus.RESOLVED, 25), (CaseStatus.CLOSED, 35)])
_CASE_PRIORITY = _Weighted([(CasePriority.LOW, 25), (CasePriority.NORMAL, 50), (CasePriority.HIGH, 18),
                            (CasePriority.URGENT, 7)])
_CASE_SEVERITY = _Weighted([(CaseSeverity.MINOR, 60), (CaseSeverity.MAJOR, 30), (CaseSeverity.CRITICAL, 10)])
_ROOM_TYPE = _Weighted([(ChatRoomType.LIVECHAT, 45), (ChatRoomType.DIRECT, 25), (ChatRoomType.PRIVATE_GROUP, 20),
                        (ChatRoomType.CHANNEL, 10)])


# --------------------------------------------------------------------------- seeded entities


@dataclass(slots=True)
class _Item:
    """A product or service, as lines and links need it."""

    id: int
    name: str
    price: Decimal
    unit: str
    tax: Tax
    is_product: bool


@dataclass(slots=True, eq=False)
class _Contact:
    id: int
    account: _Account | None
    name: str
    email: str
    age: int  #: days since it was created
    heavy: bool
    shipping_address: str | None = None
    primary_address: str | None = None
    fiscal_address: str | None = None


@dataclass(slots=True, eq=False)
class _Account:
    id: int
    short_name: str  #: trade name, or the person's name
    email: str
    domain: str | None
    user_id: int
    age: int  #: days since it was created
    heavy: bool
    border: bool  #: fiscal address in the northern border zone (IVA 8 %)
    credit_days: int
    payment_method: PaymentMethod
    currency: str
    created_at: datetime
    place: tuple  #: the _PLACES entry of its fiscal address
    fiscal_postal_code: str
    contacts: list[_Contact] = field(default_factory=list)
    fiscal_address: str | None = None


@dataclass(slots=True, frozen=True)
class _LineSpec:
    """What one document line sells, before its amounts are computed."""

    item: _Item
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal | None
    discount_amount: Decimal | None
    tax: Tax


@dataclass(slots=True, frozen=True)
class _Invoiced:
    """An invoice as the credit notes, payments and cash flows of its account refer to it."""

    id: int
    date: date
    net: Decimal  #: subtotal - discount_total: what its taxes were computed on
    tax_total: Decimal
    total: Decimal
    status: InvoiceStatus
    #: (date, amount) of each installment paid by a payment CFDI, in order; none for a PUE invoice.
    installments: tuple[tuple[date, Decimal], ...] = ()


@dataclass(slots=True)
class _Applied:
    """One installment of an invoice, as a payment CFDI applies it (a documento relacionado)."""

    invoice: _Invoiced
    day: date
    installment: int
    previous_balance: Decimal
    amount_paid: Decimal

    def row(self, row_id: int, payment_id: int) -> dict[str, Any]:
        return {
            "id": row_id,
            "payment_cfdi_id": payment_id,
            "invoice_id": self.invoice.id,
            "installment": self.installment,
            "previous_balance": self.previous_balance,
            "amount_paid": self.amount_paid,
            "remaining_balance": self.previous_balance - self.amount_paid,
        }


@dataclass(slots=True)
class _Catalogue:
    users: list[tuple[int, str, str]] = field(default_factory=list)  #: (id, name, email)
    price_lists: list[int] = field(default_factory=list)
    vendors: list[int] = field(default_factory=list)
    products: list[_Item] = field(default_factory=list)
    services: list[_Item] = field(default_factory=list)
    campaigns: list[tuple[int, date, date, CampaignStatus]] = field(default_factory=list)


class _FakerPools:
    """Values Faker draws once; rows pick from them with a Random (Faker per row is far too slow)."""

    def __init__(self, seed: int) -> None:
        fake = Faker("es_MX")
        fake.seed_instance(seed)
        self.first_names = [fake.first_name() for _ in range(500)]
        self.last_names = [fake.last_name() for _ in range(600)]
        self.companies = [self._trade_name(fake.company()) for _ in range(1500)]
        self.streets = [fake.street_name() for _ in range(800)]

    @staticmethod
    def _trade_name(company: str) -> str:
        company = company.replace("Corporacin", "Corporación")  # a typo in Faker's es_MX prefixes
        for suffix in _LEGAL_SUFFIXES:
            if company.endswith(" " + suffix):
                return company[: -len(suffix) - 1]
        return company


# --------------------------------------------------------------------------- the seeder


class _Seeder:
    """Builds every row. Each area draws from its own Random stream, derived from the seed."""

    def __init__(self, seed: int, next_ids: dict[str, int], writer: _Writer) -> None:
        self.seed = seed
        self.next_ids = next_ids
        self.writer = writer
        self.pools = _FakerPools(seed)
        self.catalogue = _Catalogue()
        self.accounts: list[_Account] = []
        self.orphans: list[_Contact] = []  #: contacts without an account
        self._price_list_choice: _Weighted[int | None] = _Weighted([(None, 1)])
        #: The comment written last (id, account, contact, created_at): the next one may reply to it.
        self._last_comment: tuple[int, _Account | None, _Contact | None, datetime] | None = None

    def _rng(self, area: str) -> random.Random:
        # A str seed is hashed with SHA-512 by random.seed: stable across runs and platforms.
        return random.Random(f"crmgraph-seed:{self.seed}:{area}")

    def _id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def _add(self, table: str, row: dict[str, Any]) -> None:
        self.writer.add(table, row)

    async def run(self, n_accounts: int) -> None:
        self._catalogue(self._rng("catalogue"))
        await self.writer.maybe_flush()
        await self._parties(self._rng("parties"), n_accounts)
        areas = [
            (self._links, self._rng("links")),
            (self._communications, self._rng("communications")),
            (self._finance, self._rng("finance")),
            (self._sales, self._rng("sales")),
            (self._purchases, self._rng("purchases")),
            (self._operations, self._rng("operations")),
            (self._engagement, self._rng("engagement")),
        ]
        groups: list[tuple[_Account | None, list[_Contact]]] = [(a, a.contacts) for a in self.accounts]
        groups += [(None, [contact]) for contact in self.orphans]
        for account, contacts in groups:
            for area, rng in areas:
                area(rng, account, contacts)
            await self.writer.maybe_flush()

    # ----------------------------------------------------------------- shared helpers

    def _user(self, rng: random.Random) -> tuple[int, str, str]:
        return rng.choice(self.catalogue.users)

    def _owners(
        self, rng: random.Random, account: _Account | None, contacts: Sequence[_Contact], *,
        p_group: float = 0.85, p_contact: float = 0.8,
    ) -> list[tuple[_Account | None, _Contact | None]]:
        """Who gets rows in a tab that accounts and contacts share (a row may belong to both).

        The group takes part with `p_group`; then each contact with `p_contact` gets a few rows
        (also the account's), and the account gets a few rows of its own.
        """
        if rng.random() >= p_group:
            return []
        owners: list[tuple[_Account | None, _Contact | None]] = []
        if account is not None:
            own = rng.randint(30, 60) if account.heavy else rng.choice((0, 0, 1, 1, 2))
            owners += [(account, None)] * own
        for contact in contacts:
            if rng.random() < p_contact:
                count = rng.randint(20, 40) if contact.heavy else _CONTACT_ROWS.pick(rng)
                owners += [(account, contact)] * count
        if not owners and account is not None:
            owners = [(account, None)] * _ACCOUNT_ROWS.pick(rng)
        return owners

    @staticmethod
    def _count(rng: random.Random, account: _Account, p: float = 0.8) -> int:
        """Rows of an account-only tab: none for some accounts, 1-8 for most, 30-60 for the heavy ones."""
        if rng.random() >= p:
            return 0
        return rng.randint(30, 60) if account.heavy else _ACCOUNT_ROWS.pick(rng)

    @staticmethod
    def _age(account: _Account | None, contact: _Contact | None) -> int:
        if contact is not None:
            return contact.age
        return account.age if account is not None else MAX_AGE_DAYS

    def _place(self, rng: random.Random, place: tuple | None = None) -> dict[str, Any]:
        """Address columns of a plausible Mexican address (street, colonia, municipality, state, CP)."""
        place = place or _PLACES.pick(rng)
        city, municipality, state, cp_low, cp_high, _lada, _border = place
        columns = {
            "street": rng.choice(self.pools.streets),
            "ext_number": str(rng.randint(1, 4999)) if rng.random() < 0.95 else "S/N",
            "int_number": rng.choice(_INT_NUMBERS) if rng.random() < 0.35 else None,
            "colonia": rng.choice(_COLONIAS),
            "city": city,
            "municipality": municipality,
            "state": state,
            "postal_code": f"{rng.randint(cp_low, cp_high):05d}",
            "country": "MX",
        }
        return columns

    @staticmethod
    def _address_text(a: dict[str, Any]) -> str:
        interior = f" Int. {a['int_number']}" if a["int_number"] else ""
        return (f"{a['street']} {a['ext_number']}{interior}, Col. {a['colonia']}, C.P. {a['postal_code']}, "
                f"{a['municipality']}, {a['state']}, México")

    def _person_name(self, rng: random.Random) -> tuple[str, str, str]:
        first = rng.choice(self.pools.first_names)
        if rng.random() < 0.15:
            first = f"{first} {rng.choice(self.pools.first_names)}"
        return first, rng.choice(self.pools.last_names), rng.choice(self.pools.last_names)

    # ----------------------------------------------------------------- catalogue

    def _catalogue(self, rng: random.Random) -> None:
        cat = self.catalogue
        for n in range(20):
            first, paternal, maternal = self._person_name(rng)
            user_id = self._id("app_user")
            name = f"{first} {paternal} {maternal}"
            email = f"{_slug(first.split()[0], '')}.{_slug(paternal, '')}{user_id}@{OWN_DOMAIN}"
            cat.users.append((user_id, name, email))
            self._add("app_user", {"id": user_id, "name": name, "email": email, "active": n < 18})
        for name, currency in _PRICE_LISTS:
            price_list_id = self._id("price_list")
            cat.price_lists.append(price_list_id)
            self._add("price_list", {"id": price_list_id, "name": name, "currency": currency})
        self._price_list_choice = _Weighted(
            [(cat.price_lists[0], 70), (cat.price_lists[1], 15), (cat.price_lists[2], 10), (None, 5)])
        for _ in range(50):
            trade = rng.choice(self.pools.companies)
            vendor_id = self._id("vendor")
            cat.vendors.append(vendor_id)
            founded = _long_ago(rng, 3, 40)
            self._add("vendor", {
                "id": vendor_id,
                "name": trade,
                "rfc": _rfc(rng, _company_letters(trade), founded),
                "email": f"ventas@{_slug(trade)}.com.mx",
                "phone": _phone(rng, _PLACES.pick(rng)[5]),
                "created_at": _moment(rng, 400, MAX_AGE_DAYS),
            })
        self._products(rng)
        self._services(rng)
        self._campaigns(rng)

    def _products(self, rng: random.Random) -> None:
        variants = [(base, brand) for base in _PRODUCT_BASES for brand in _BRANDS]
        for base, brand in rng.sample(variants, 300):
            name, sat_code, unit, low, high, tax = base
            product_id = self._id("product")
            price = _money(rng, low, high)
            model = f"{rng.choice('ABCDEFGHKLMNPRSTVXZ')}{rng.randint(1, 99) * 10}"
            full_name = f"{name} {brand} {model}"
            self.catalogue.products.append(_Item(product_id, full_name, price, unit, tax, True))
            if unit in ("H87", "XBX"):
                stock = Decimal(rng.randint(0, 500))
            else:
                stock = Decimal(rng.randint(0, 500_000)).scaleb(-3)
            self._add("product", {
                "id": product_id,
                "name": full_name,
                "sku": f"{_slug(brand, '')[:3].upper()}-{product_id:05d}",
                "unit": unit,
                "price": price,
                "stock": stock,
                "sat_product_code": sat_code,
                "active": rng.random() < 0.93,
            })

    def _services(self, rng: random.Random) -> None:
        for base, tier in [(base, tier) for base in _SERVICE_BASES for tier in _SERVICE_TIERS]:
            name, sat_code, unit, low, high, tax = base
            service_id = self._id("service")
            price = _money(rng, low, high)
            full_name = f"{name} {tier}"
            self.catalogue.services.append(_Item(service_id, full_name, price, unit, tax, False))
            self._add("service", {
                "id": service_id,
                "name": full_name,
                "code": f"SRV-{service_id:04d}",
                "unit": unit,
                "price": price,
                "sat_product_code": sat_code,
                "active": rng.random() < 0.95,
            })

    def _campaigns(self, rng: random.Random) -> None:
        for _ in range(30):
            theme, kind = rng.choice(_CAMPAIGN_THEMES)
            start = ANCHOR_DATE + timedelta(days=rng.randint(-720, 90))
            end = start + timedelta(days=rng.choice((7, 14, 30, 45, 60, 90)))
            if start > ANCHOR_DATE:
                status = CampaignStatus.PLANNED
            elif rng.random() < 0.07:
                status = CampaignStatus.CANCELLED
            else:
                status = CampaignStatus.COMPLETED if end < ANCHOR_DATE else CampaignStatus.ACTIVE
            campaign_id = self._id("campaign")
            self.catalogue.campaigns.append((campaign_id, start, end, status))
            budget = _money(rng, 5_000, 400_000)
            self._add("campaign", {
                "id": campaign_id,
                "name": f"{theme} {_SPANISH_MONTHS[start.month - 1]} {start.year}",
                "type": kind,
                "status": status,
                "start_date": start,
                "end_date": end,
                "budget": budget,
                "expected_revenue": cents(budget * Decimal(rng.randint(15, 80)) / 10),
            })

    # ----------------------------------------------------------------- parties

    async def _parties(self, rng: random.Random, n_accounts: int) -> None:
        group_heads: list[int] = []  # companies without a parent: candidates to head a corporate group
        parents: dict[int, int] = {}
        for _ in range(n_accounts):
            account = self._account(rng, group_heads, parents)
            self.accounts.append(account)
            if rng.random() < 0.9:
                self._contacts(rng, account, rng.choice((1, 1, 2, 2, 3, 3, 3, 4, 4, 5)))
            await self.writer.maybe_flush()
        self._relations(rng, parents)
        for _ in range(max(1, n_accounts // 30) if n_accounts else 0):
            self.orphans.extend(self._contacts(rng, None, 1))
        for account in self.accounts:
            self._account_addresses(rng, account)
            for contact in account.contacts:
                self._contact_addresses(rng, contact)
            await self.writer.maybe_flush()
        for contact in self.orphans:
            self._contact_addresses(rng, contact)

    def _account(self, rng: random.Random, group_heads: list[int], parents: dict[int, int]) -> _Account:
        cat = self.catalogue
        account_id = self._id("account")
        kind = rng.random()
        generic, person = kind < 0.02, kind < 0.32
        place = _PLACES.pick(rng)
        age = rng.randint(30, MAX_AGE_DAYS)
        if person:
            first, paternal, maternal = self._person_name(rng)
            name = f"{first} {paternal} {maternal}".upper()
            trade_name = f"{rng.choice(_PERSON_BUSINESSES)} {paternal}" if rng.random() < 0.4 else None
            short_name = trade_name or f"{first.split()[0]} {paternal}"
            domain = None
            email = f"{_slug(first.split()[0], '')}.{_slug(paternal, '')}{rng.randint(1, 99)}@{_FREE_MAIL.pick(rng)}"
            rfc = GENERIC_RFC if generic else _rfc(
                rng, _person_letters(first, paternal, maternal), _long_ago(rng, 20, 70))
            regime = "616" if generic else _PERSON_REGIMES.pick(rng)
        else:
            base = rng.choice(self.pools.companies)
            trade_name = base if rng.random() < 0.5 else f"{rng.choice(_COMPANY_PREFIXES)} {base}"
            if rng.random() < 0.2:
                trade_name = f"{rng.choice(_COMPANY_PREFIXES)} {rng.choice(_COMPANY_WORDS)}"
            # CFDI 4.0 wants the razón social as registered, without the régimen capital (S.A. de C.V.).
            name = trade_name.upper()
            short_name = trade_name
            domain = f"{_slug(trade_name)}.com.mx"
            email = f"{rng.choice(_COMPANY_MAILBOXES)}@{domain}"
            rfc = _rfc(rng, _company_letters(name), _long_ago(rng, age // 365 + 1, age // 365 + 30))
            regime = _COMPANY_REGIMES.pick(rng)
        cfdi_use = "S01" if generic else _USES_BY_REGIME[regime].pick(rng)
        credit_days = rng.choice((0, 0, 0, 15, 30, 30, 45, 60, 90))
        ppd = credit_days > 0 and rng.random() < 0.6
        currency = "USD" if rng.random() < 0.03 else "MXN"
        price_list = cat.price_lists[3] if currency == "USD" else self._price_list_choice.pick(rng)
        parent_id = None
        if not person and group_heads and rng.random() < 0.12:
            parent_id = rng.choice(group_heads[-300:])
            parents[account_id] = parent_id
        elif not person:
            group_heads.append(account_id)
        user_id = self._user(rng)[0]
        created = _moment(rng, age, age)
        methods = rng.sample(list(ShippingMethod), rng.randint(1, 3))
        fiscal_postal_code = f"{rng.randint(place[3], place[4]):05d}"
        self._add("account", {
            "id": account_id,
            "account_no": f"CLI-{account_id:06d}",
            "name": name,
            "trade_name": trade_name,
            "rfc": rfc,
            "email": email,
            "phone": _phone(rng, place[5]),
            "website": f"https://www.{domain}" if domain and rng.random() < 0.7 else None,
            "industry": rng.choice(_INDUSTRIES),
            "account_type": _ACCOUNT_TYPES.pick(rng),
            "assigned_user_id": user_id,
            "parent_account_id": parent_id,
            "tax_regime": regime,
            "cfdi_use": cfdi_use,
            "payment_form": "99" if ppd else _PAYMENT_FORMS.pick(rng),
            "payment_method": PaymentMethod.PPD if ppd else PaymentMethod.PUE,
            "fiscal_postal_code": fiscal_postal_code,
            "currency": currency,
            "credit_limit": Decimal(rng.randint(1, 100) * 5000) if credit_days else ZERO,
            "credit_days": credit_days,
            "payment_terms": f"Crédito a {credit_days} días" if credit_days else "Contado",
            "do_not_email": rng.random() < 0.05,
            "marketing_opt_in": rng.random() < 0.45,
            "shipping_methods": sorted(methods, key=list(ShippingMethod).index),
            "store_visible": rng.random() < 0.85,
            "price_list_id": price_list,
            "created_at": created,
            "updated_at": _later(created, rng.randint(0, age * 86400)),
        })
        return _Account(
            id=account_id, short_name=short_name, email=email, domain=domain,
            user_id=user_id, age=age, heavy=rng.random() < 0.02, border=place[6], credit_days=credit_days,
            payment_method=PaymentMethod.PPD if ppd else PaymentMethod.PUE, currency=currency,
            created_at=created, place=place, fiscal_postal_code=fiscal_postal_code,
        )

    def _relations(self, rng: random.Random, parents: dict[int, int]) -> None:
        """Account relations, each written in both directions with the inverse kind."""
        pairs: set[tuple[int, int]] = set()

        def relate(a: int, b: int, kind: AccountRelationKind, inverse: AccountRelationKind) -> None:
            pairs.add((min(a, b), max(a, b)))
            notes = rng.choice(_RELATION_NOTES)
            for this, other, what in ((a, b, kind), (b, a, inverse)):
                self._add("account_relation", {
                    "id": self._id("account_relation"), "account_id": this, "related_account_id": other,
                    "kind": what, "notes": notes,
                })

        for child, parent in parents.items():  # dict order is insertion order: deterministic
            relate(child, parent, AccountRelationKind.PARENT, AccountRelationKind.SUBSIDIARY)
        ids = [account.id for account in self.accounts]
        if len(ids) < 2:
            return
        kinds = _Weighted([(AccountRelationKind.AFFILIATE, 4), (AccountRelationKind.PARTNER, 4),
                           (AccountRelationKind.OTHER, 2)])
        for account_id in ids:
            if rng.random() >= 0.45:
                continue
            for _ in range(rng.randint(1, 2)):
                other = rng.choice(ids)
                if other == account_id or (min(account_id, other), max(account_id, other)) in pairs:
                    continue
                kind = kinds.pick(rng)
                relate(account_id, other, kind, kind)

    def _contacts(self, rng: random.Random, account: _Account | None, count: int) -> list[_Contact]:
        contacts = []
        for position in range(count):
            contact_id = self._id("contact")
            first, paternal, maternal = self._person_name(rng)
            title, department = rng.choice(_BOSS_JOBS if position == 0 else _JOBS)
            if account is not None and account.domain:
                email = f"{_slug(first.split()[0], '')}.{_slug(paternal, '')}@{account.domain}"
            else:
                user = f"{_slug(first.split()[0], '')}{_slug(paternal, '')}{rng.randint(1, 999)}"
                email = f"{user}@{_FREE_MAIL.pick(rng)}"
            age = rng.randint(1, account.age) if account else rng.randint(30, MAX_AGE_DAYS)
            reports_to = None
            if account is not None and account.contacts and rng.random() < 0.6:
                # Mostly the first (the boss), sometimes another earlier colleague.
                reports_to = account.contacts[0].id if rng.random() < 0.7 else rng.choice(account.contacts).id
            lada = _PLACES.pick(rng)[5]
            created = _moment(rng, age, age)
            self._add("contact", {
                "id": contact_id,
                "contact_no": f"CON-{contact_id:06d}",
                "first_name": first,
                "last_name": f"{paternal} {maternal}",
                "title": title if account is not None else None,
                "department": department if account is not None else None,
                "email": email,
                "phone": f"{_phone(rng, lada)} ext. {rng.randint(100, 999)}" if rng.random() < 0.7 else None,
                "mobile": _phone(rng, lada) if rng.random() < 0.8 else None,
                "account_id": account.id if account else None,
                "reports_to_id": reports_to,
                "do_not_email": rng.random() < 0.05,
                "marketing_opt_in": rng.random() < 0.45,
                "assigned_user_id": account.user_id if account and rng.random() < 0.8 else self._user(rng)[0],
                "created_at": created,
                "updated_at": _later(created, rng.randint(0, age * 86400)),
            })
            contact = _Contact(contact_id, account, f"{first} {paternal}", email, age, rng.random() < 0.01)
            if account is not None:
                account.contacts.append(contact)
            contacts.append(contact)
        return contacts

    def _address(self, rng: random.Random, account: _Account | None, contact: _Contact | None, kind: AddressKind,
                 primary: bool, place: tuple | None = None, postal_code: str | None = None) -> str:
        columns = self._place(rng, place)
        if postal_code:
            columns["postal_code"] = postal_code
        self._add("address", {
            "id": self._id("address"),
            "account_id": account.id if account else None,
            "contact_id": contact.id if contact else None,
            "kind": kind,
            "is_primary": primary,
            **columns,
        })
        return self._address_text(columns)

    def _account_addresses(self, rng: random.Random, account: _Account) -> None:
        if rng.random() < 0.97:
            # The FISCAL address carries the account's fiscal postal code (CFDI 4.0 checks it).
            account.fiscal_address = self._address(
                rng, account, None, AddressKind.FISCAL, True, account.place, account.fiscal_postal_code)
        if rng.random() < 0.55 or account.heavy:
            for n in range(rng.randint(30, 45) if account.heavy else rng.randint(1, 3)):
                self._address(rng, account, None, AddressKind.SHIPPING, n == 0)
        if rng.random() < 0.25:
            self._address(rng, account, None, AddressKind.BILLING, True)
        if rng.random() < 0.10:
            self._address(rng, account, None, AddressKind.OTHER, False)

    def _contact_addresses(self, rng: random.Random, contact: _Contact) -> None:
        if rng.random() >= 0.75:
            return
        kinds = []
        if rng.random() < 0.55:
            kinds.append((AddressKind.SHIPPING, True))
        if rng.random() < 0.4 or not kinds:
            kinds.append((AddressKind.OTHER, not kinds))
        if contact.account is None and rng.random() < 0.5:
            kinds.append((AddressKind.FISCAL, True))
        elif rng.random() < 0.1:
            kinds.append((AddressKind.BILLING, True))
        for kind, primary in kinds:
            text = self._address(rng, None, contact, kind, primary)
            if kind is AddressKind.SHIPPING and primary:
                contact.shipping_address = text
            if kind is AddressKind.FISCAL:
                contact.fiscal_address = text
            if primary and contact.primary_address is None:
                contact.primary_address = text

    # ----------------------------------------------------------------- links to the catalogue

    def _links(self, rng: random.Random, account: _Account | None, contacts: list[_Contact]) -> None:
        """Products, services and campaigns of the account and its contacts (link tables)."""
        cat = self.catalogue
        parents: list[tuple[str, int, bool, float]] = []
        if account is not None:
            parents.append(("account", account.id, account.heavy, 0.75))
        parents += [("contact", contact.id, contact.heavy, 0.7) for contact in contacts]
        for side, parent_id, heavy, p in parents:
            for target, pool in (("service", cat.services), ("product", cat.products)):
                for item in self._sample(rng, pool, heavy, p):
                    self._add(f"{side}_{target}", {f"{side}_id": parent_id, f"{target}_id": item.id})
            for campaign_id, start, end, status in self._sample(rng, cat.campaigns, heavy, p):
                newest = max(0, _days_back(min(end, ANCHOR_DATE)))
                oldest = max(newest, _days_back(start) + 30)
                self._add(f"{side}_campaign", {
                    f"{side}_id": parent_id,
                    "campaign_id": campaign_id,
                    "status": CampaignMemberStatus.TARGETED if status is CampaignStatus.PLANNED
                    else _MEMBER_STATUS.pick(rng),
                    "added_at": _moment(rng, newest, oldest),
                })

    @staticmethod
    def _sample(rng: random.Random, pool: Sequence[T], heavy: bool, p: float) -> list[T]:
        """Distinct targets for a link table: the (parent, target) key must be unique."""
        if rng.random() >= p:
            return []
        count = rng.randint(30, 60) if heavy else _ACCOUNT_ROWS.pick(rng)
        return rng.sample(pool, min(count, len(pool)))

    # ----------------------------------------------------------------- emails, documents, calendar

    def _communications(self, rng: random.Random, account: _Account | None, contacts: list[_Contact]) -> None:
        """Emails, documents and calendar events, linked to the account and, often, one of its contacts."""
        for table, build in (("email", self._email), ("document", self._document), ("calendar_event", self._event)):
            link_table, link_column = _LINKS_OF[table]
            for owner, contact in self._owners(rng, account, contacts):
                row_id = self._id(table)
                self._add(table, build(rng, row_id, owner, contact))
                if owner is not None:
                    self._add(f"account_{link_table}", {"account_id": owner.id, link_column: row_id})
                if contact is not None:
                    self._add(f"contact_{link_table}", {"contact_id": contact.id, link_column: row_id})

    def _email(self, rng: random.Random, email_id: int, account: _Account | None,
               contact: _Contact | None) -> dict[str, Any]:
        user = self._user(rng)
        party = contact.email if contact is not None else account.email  # type: ignore[union-attr]
        outbound = rng.random() < 0.6
        sender, recipient = (user[2], party) if outbound else (party, user[2])
        cc = None
        if account is not None and len(account.contacts) > 1 and rng.random() < 0.25:
            cc = ", ".join(c.email for c in rng.sample(account.contacts, 2) if c is not contact) or None
        return {
            "id": email_id,
            "subject": rng.choice(_EMAIL_SUBJECTS).format(n=rng.randint(100, 99999)),
            "from_address": sender,
            "to_addresses": recipient,
            "cc_addresses": cc,
            "sent_at": _moment(rng, 0, min(self._age(account, contact), 730)),
            "direction": EmailDirection.OUTBOUND if outbound else EmailDirection.INBOUND,
            "body_preview": rng.choice(_EMAIL_PREVIEWS),
            "message_id": f"<{_hex(rng, 24)}@{sender.rsplit('@', 1)[1]}>",
        }

    def _document(self, rng: random.Random, document_id: int, account: _Account | None,
                  contact: _Contact | None) -> dict[str, Any]:
        title, mime_type, extension = rng.choice(_DOCUMENTS)
        uploaded = _moment(rng, 0, min(self._age(account, contact), 1095))
        return {
            "id": document_id,
            "title": title,
            "filename": f"{_slug(title, '_')}_{document_id}.{extension}",
            "mime_type": mime_type,
            "size": rng.randint(20_000, 8_000_000),
            "storage_key": f"documents/{uploaded:%Y/%m}/{_hex(rng, 32)}.{extension}",
            "uploaded_at": uploaded,
        }

    def _event(self, rng: random.Random, event_id: int, account: _Account | None,
               contact: _Contact | None) -> dict[str, Any]:
        kind = _EVENT_KINDS.pick(rng)
        if rng.random() < 0.2:
            start, status = _future_moment(rng, 1, 60), EventStatus.PLANNED
        else:
            start, status = _moment(rng, 0, min(self._age(account, contact), 540)), _PAST_EVENT_STATUS.pick(rng)
        minutes = {EventKind.CALL: rng.randint(1, 9) * 5, EventKind.MEETING: rng.randint(2, 8) * 15,
                   EventKind.TASK: 30}[kind]
        return {
            "id": event_id,
            "subject": rng.choice(_EVENTS[kind]),
            "kind": kind,
            "start_at": start,
            "end_at": None if kind is EventKind.TASK and rng.random() < 0.5 else start + timedelta(minutes=minutes),
            "status": status,
            "location": {EventKind.CALL: "Teléfono", EventKind.TASK: None}.get(kind, rng.choice(_EVENT_PLACES)),
        }

    # ----------------------------------------------------------------- finance (account tabs)

    def _finance(self, rng: random.Random, account: _Account | None, contacts: list[_Contact]) -> None:
        """Invoices, payment CFDIs, credit notes, transfer CFDIs, cash, banks, commissions, subscriptions."""
        if account is None:
            return
        invoices = [self._invoice(rng, account) for _ in range(self._count(rng, account, 0.85))]
        self._payment_cfdis(rng, account, invoices)
        for _ in range(self._count(rng, account, 0.7)):
            self._credit_note(rng, account, invoices)
        for _ in range(self._count(rng, account, 0.65)):
            back = rng.randint(0, min(account.age, 1095))
            self._add("transfer_invoice", {
                "id": (transfer_id := self._id("transfer_invoice")),
                "account_id": account.id,
                "uuid": _uuid(rng),
                "serie": "T",
                "folio": str(transfer_id),
                "date": _DAYS[back],
                "origin": rng.choice(_WAREHOUSES),
                "destination": f"{account.short_name}, {account.place[0]}, {account.place[2]}"[:254],
                "status": FiscalDocumentStatus.CANCELLED if rng.random() < 0.05 else FiscalDocumentStatus.ISSUED,
            })
        for _ in range(self._count(rng, account, 0.75)):
            kind = CashFlowKind.INFLOW if rng.random() < 0.75 else CashFlowKind.OUTFLOW
            reference = None
            if kind is CashFlowKind.INFLOW and invoices:
                reference = f"A-{rng.choice(invoices).id}"
            elif rng.random() < 0.6:
                reference = f"REF-{rng.randint(10000, 999999)}"
            self._add("cash_flow", {
                "id": self._id("cash_flow"),
                "account_id": account.id,
                "date": _day(rng, 0, min(account.age, 1095)),
                "kind": kind,
                "category": rng.choice(_CASH_CATEGORIES[kind]),
                "amount": _log_money(rng, 300, 300_000),
                "currency": account.currency,
                "reference": reference,
            })
        for _ in range(self._count(rng, account, 0.75)):
            bank = rng.choice(_BANKS)
            back = rng.randint(0, min(account.age, 1095))
            self._add("bank_transaction", {
                "id": self._id("bank_transaction"),
                "account_id": account.id,
                "bank_account": f"{bank} {rng.randint(0, 9999):04d}",
                "bank": bank,
                "date": _DAYS[back],
                "kind": BankTransactionKind.DEPOSIT if rng.random() < 0.7 else BankTransactionKind.WITHDRAWAL,
                "amount": _log_money(rng, 300, 300_000),
                "reference": f"SPEI {rng.randint(1_000_000, 9_999_999)}" if rng.random() < 0.8 else None,
                "reconciled": rng.random() < (0.9 if back > 30 else 0.3),
            })
        self._commissions(rng, account)
        for _ in range(self._count(rng, account, 0.65)):
            self._subscription(rng, account)

    def _invoice(self, rng: random.Random, account: _Account) -> _Invoiced:
        """One invoice with its lines; returns what the documents that refer to it need."""
        invoice_id = self._id("invoice")
        status = _INVOICE_STATUS.pick(rng)
        term = account.credit_days or 30
        oldest = min(account.age, 1095)
        if status is InvoiceStatus.OVERDUE and oldest <= term:
            status = InvoiceStatus.ISSUED  # too young an account to owe anything overdue
        if status is InvoiceStatus.DRAFT:
            back = rng.randint(0, min(10, oldest))
        elif status is InvoiceStatus.ISSUED:
            back = rng.randint(0, min(term, oldest))  # not due yet
        elif status is InvoiceStatus.OVERDUE:
            back = rng.randint(term + 1, max(term + 1, min(oldest, term + 240)))
        else:
            back = rng.randint(0, oldest)
        issued = _DAYS[back]
        specs = [self._line_spec(rng, account.border) for _ in range(_LINES.pick(rng))]
        totals, lines = self._lines("invoice_line", "invoice_id", invoice_id, specs)
        total = totals["total"]
        # Sold on credit, the invoice is PPD and its payments are stamped later, in installments.
        on_credit = status in (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE, InvoiceStatus.PARTIALLY_PAID)
        ppd = on_credit or account.payment_method is PaymentMethod.PPD or (account.credit_days > 0 and rng.random() < 0.5)
        paid = ZERO
        if status is InvoiceStatus.PAID and ppd:
            paid = total
        elif status is InvoiceStatus.PARTIALLY_PAID:
            paid = total - cents(total * Decimal(rng.randint(10, 90)) / 100)
        installments = self._installments(rng, back, paid)
        if (status is InvoiceStatus.PAID and not ppd) or status is InvoiceStatus.CANCELLED:
            balance = ZERO  # PUE: paid when issued, no payment CFDI; or nothing is owed
        else:
            balance = total - paid
        contacts = account.contacts
        self._add_document("invoice", {
            "id": invoice_id,
            "account_id": account.id,
            "contact_id": rng.choice(contacts).id if contacts and rng.random() < 0.4 else None,
            "uuid": None if status is InvoiceStatus.DRAFT else _uuid(rng),
            "serie": "A",
            "folio": str(invoice_id),
            "date": issued,
            "due_date": issued + timedelta(days=term),
            "status": status,
            "balance": balance,
            "currency": account.currency,
            "payment_method": PaymentMethod.PPD if ppd else PaymentMethod.PUE,
            **totals,
        }, "invoice_line", lines)
        net = totals["subtotal"] - totals["discount_total"]
        return _Invoiced(invoice_id, issued, net, totals["tax_total"], total, status, installments)

    @staticmethod
    def _installments(rng: random.Random, back: int, paid: Decimal) -> tuple[tuple[date, Decimal], ...]:
        """`paid` in 1-4 equal installments (the last takes the odd cents), about a month apart from
        the issue date `back` days before the anchor, none after it."""
        if paid <= 0:
            return ()
        count = min(_INSTALLMENTS.pick(rng), int(paid / CENT))
        share = cents(paid / count)
        amounts = [share] * (count - 1) + [paid - share * (count - 1)]
        days_after = sorted(min(back, 30 * n + rng.randint(0, 25)) for n in range(count))
        return tuple((_DAYS[back - after], amount) for after, amount in zip(days_after, amounts, strict=True))

    def _payment_cfdis(self, rng: random.Random, account: _Account, invoices: list[_Invoiced]) -> None:
        """The payment CFDIs of the account's PPD installments, in date order. One payment may pay
        installments of several invoices; a few were stamped, cancelled and stamped again as issued."""
        applied = []
        for invoice in invoices:
            balance = invoice.total
            for number, (day, amount) in enumerate(invoice.installments, start=1):
                applied.append(_Applied(invoice, day, number, balance, amount))
                balance -= amount
        applied.sort(key=lambda a: (a.day, a.invoice.id, a.installment))
        payments: list[list[_Applied]] = []
        for item in applied:
            group = payments[-1] if payments else None
            # Joining an earlier payment moves an installment's date back, never before its invoice's
            # issue or its previous installment (that one is in an earlier payment, on an earlier day).
            if (group is not None and len(group) < 4 and rng.random() < 0.3 and group[0].day >= item.invoice.date
                    and all(other.invoice is not item.invoice for other in group)):
                group.append(item)
            else:
                payments.append([item])
        for group in payments:
            form = _PAYMENT_FORMS.pick(rng)
            replaced = rng.random() < 0.04
            for status in (FiscalDocumentStatus.CANCELLED, FiscalDocumentStatus.ISSUED) if replaced else (
                    FiscalDocumentStatus.ISSUED,):
                payment_id = self._id("payment_cfdi")
                self._add("payment_cfdi", {
                    "id": payment_id,
                    "account_id": account.id,
                    "uuid": _uuid(rng),
                    "serie": "P",
                    "folio": str(payment_id),
                    "payment_date": group[0].day,
                    "payment_form": form,
                    "amount": sum((item.amount_paid for item in group), ZERO),
                    "currency": account.currency,
                    "status": status,
                })
                for item in group:
                    self._add("payment_related_document", item.row(self._id("payment_related_document"), payment_id))

    def _credit_note(self, rng: random.Random, account: _Account,
                     invoices: list[_Invoiced]) -> None:
        related = None
        stamped = [inv for inv in invoices if inv.status not in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED)]
        if stamped and rng.random() < 0.85:
            # A share of the invoice (all of it for a full return), its tax in the same share.
            invoice = rng.choice(stamped)
            related = invoice.id
            back = rng.randint(max(0, _days_back(invoice.date) - 60), _days_back(invoice.date))
            share = Decimal(rng.randint(3, 100)) / 100
            subtotal, tax_total = cents(invoice.net * share), cents(invoice.tax_total * share)
        else:
            back = rng.randint(0, min(account.age, 1095))
            subtotal = _log_money(rng, 100, 50_000)
            tax_total = cents(subtotal * tax_rate(Tax.IVA_8 if account.border else Tax.IVA_16))
        self._add("credit_note", {
            "id": (note_id := self._id("credit_note")),
            "account_id": account.id,
            "uuid": _uuid(rng),
            "serie": "NC",
            "folio": str(note_id),
            "date": _DAYS[back],
            "related_invoice_id": related,
            "reason": rng.choice(_CREDIT_REASONS),
            "currency": account.currency,
            "subtotal": subtotal,
            "tax_total": tax_total,
            "total": subtotal + tax_total,
            "status": _CREDIT_NOTE_STATUS.pick(rng),
        })

    def _commissions(self, rng: random.Random, account: _Account) -> None:
        months = min(24, account.age // 30 + 1)
        count = min(months, self._count(rng, account, 0.7))
        for offset in sorted(rng.sample(range(months), count)):
            year, month = divmod(ANCHOR_DATE.year * 12 + ANCHOR_DATE.month - 1 - offset, 12)
            base = _log_money(rng, 5_000, 500_000)
            rate = rng.choice(_COMMISSION_RATES)
            if offset >= 3:
                status = CommissionStatus.PAID if rng.random() < 0.9 else CommissionStatus.APPROVED
            else:
                status = CommissionStatus.PENDING if offset == 0 or rng.random() < 0.5 else CommissionStatus.APPROVED
            self._add("commission", {
                "id": self._id("commission"),
                "account_id": account.id,
                "salesperson_id": account.user_id if rng.random() < 0.85 else self._user(rng)[0],
                "base_amount": base,
                "rate": rate,
                "amount": cents(base * rate),
                "status": status,
                "period": f"{year:04d}-{month + 1:02d}",
            })

    def _subscription(self, rng: random.Random, account: _Account) -> None:
        plan, low, high = rng.choice(_PLANS)
        status = _SUBSCRIPTION_STATUS.pick(rng)
        period = _BILLING_PERIODS.pick(rng)
        step = _PERIOD_MONTHS[period]
        start = _day(rng, 30, min(account.age, 1500))
        start = start.replace(day=min(start.day, 28))
        end = next_billing = None
        if status is SubscriptionStatus.EXPIRED:
            periods = max(1, (_days_back(start) // 31) // step)
            end = _add_months(start, rng.randint(1, periods) * step) - timedelta(days=1)
            if end >= ANCHOR_DATE:  # too recent to have run out: it was cancelled instead
                status, end = SubscriptionStatus.CANCELLED, _day(rng, 0, _days_back(start))
        elif status is SubscriptionStatus.CANCELLED:
            end = _day(rng, 0, _days_back(start))
        else:
            elapsed = (ANCHOR_DATE.year - start.year) * 12 + ANCHOR_DATE.month - start.month
            next_billing = _add_months(start, (elapsed // step) * step)
            while next_billing <= ANCHOR_DATE:
                next_billing = _add_months(next_billing, step)
            if rng.random() < 0.3:
                end = _add_months(next_billing, step * rng.randint(1, 12)) - timedelta(days=1)
            if status is SubscriptionStatus.PAUSED:
                next_billing = None
        self._add("rental_subscription", {
            "id": self._id("rental_subscription"),
            "account_id": account.id,
            "plan": plan,
            "status": status,
            "start_date": start,
            "end_date": end,
            "billing_period": period,
            "amount": _money(rng, low, high) * _PERIOD_MONTHS[period],
            "next_billing_date": next_billing,
        })

    # ----------------------------------------------------------------- sales

    def _sales(self, rng: random.Random, account: _Account | None, contacts: list[_Contact]) -> None:
        """Opportunities and projects (with their contacts), quotes and sales orders with their lines."""
        for table, build, p in (("opportunity", self._opportunity, 0.75), ("project", self._project, 0.7)):
            if account is not None:
                count = self._count(rng, account, p)
            else:
                count = rng.randint(1, 3) if rng.random() < 0.6 else 0
            for _ in range(count):
                row_id = self._id(table)
                self._add(table, build(rng, row_id, account))
                for contact in contacts:
                    if account is None or rng.random() < 0.6:
                        self._add(f"contact_{table}", {"contact_id": contact.id, f"{table}_id": row_id})
        border = account.border if account is not None else False
        accepted: dict[int | None, list[tuple[int, str, date, list[_LineSpec]]]] = {}
        for owner, contact in self._owners(rng, account, contacts):
            quote_id = self._id("quote")
            specs = [self._line_spec(rng, border) for _ in range(_LINES.pick(rng))]
            back = rng.randint(0, min(self._age(owner, contact), 730))
            stage = _QUOTE_STAGE.pick(rng)
            subject = f"{rng.choice(_OPPORTUNITY_TOPICS)}"
            totals, lines = self._lines("quote_line", "quote_id", quote_id, specs)
            self._add_document("quote", {
                "id": quote_id,
                "account_id": owner.id if owner else None,
                "contact_id": contact.id if contact else None,
                "number": f"COT-{quote_id:06d}",
                "subject": subject,
                "date": _DAYS[back],
                "stage": stage,
                "valid_until": _DAYS[back] + timedelta(days=rng.choice((15, 30, 30, 45))),
                "currency": owner.currency if owner else "MXN",
                **totals,
            }, "quote_line", lines)
            if stage is QuoteStage.ACCEPTED:
                accepted.setdefault(contact.id if contact else None, []).append((quote_id, subject, _DAYS[back], specs))
        for owner, contact in self._owners(rng, account, contacts):
            order_id = self._id("sales_order")
            from_quote = accepted.get(contact.id if contact else None)
            if from_quote and rng.random() < 0.7:
                # An order placed from an accepted quote keeps its subject and lines.
                quote_id, subject, quoted, specs = from_quote.pop()
                back = rng.randint(max(0, _days_back(quoted) - 20), _days_back(quoted))
            else:
                quote_id, subject = None, rng.choice(_OPPORTUNITY_TOPICS)
                specs = [self._line_spec(rng, border) for _ in range(_LINES.pick(rng))]
                back = rng.randint(0, min(self._age(owner, contact), 730))
            totals, lines = self._lines("sales_order_line", "sales_order_id", order_id, specs)
            self._add_document("sales_order", {
                "id": order_id,
                "account_id": owner.id if owner else None,
                "contact_id": contact.id if contact else None,
                "quote_id": quote_id,
                "number": f"OV-{order_id:06d}",
                "subject": subject,
                "date": _DAYS[back],
                "status": _SALES_ORDER_STATUS.pick(rng),
                "currency": owner.currency if owner else "MXN",
                **totals,
            }, "sales_order_line", lines)

    def _opportunity(self, rng: random.Random, row_id: int, account: _Account | None) -> dict[str, Any]:
        stage = _OPPORTUNITY_STAGE.pick(rng)
        closed = stage in (OpportunityStage.CLOSED_WON, OpportunityStage.CLOSED_LOST)
        age = account.age if account else MAX_AGE_DAYS
        topic = rng.choice(_OPPORTUNITY_TOPICS)
        return {
            "id": row_id,
            "account_id": account.id if account else None,
            "name": f"{topic} - {account.short_name}"[:254] if account else topic,
            "stage": stage,
            "amount": _log_money(rng, 5_000, 2_000_000),
            "probability": _STAGE_PROBABILITY[stage],
            "expected_close_date": _day(rng, 0, min(age, 540)) if closed else _future_day(rng, 1, 150),
            "lead_source": rng.choice(_LEAD_SOURCES),
        }

    def _project(self, rng: random.Random, row_id: int, account: _Account | None) -> dict[str, Any]:
        status = _PROJECT_STATUS.pick(rng)
        age = account.age if account else MAX_AGE_DAYS
        duration = timedelta(days=rng.randint(30, 365))
        if status is ProjectStatus.PLANNED:
            start, progress = _future_day(rng, 1, 90), 0
        elif status is ProjectStatus.COMPLETED:
            # Finished, so planned to end before the anchor.
            start, progress = _day(rng, duration.days + 1, max(duration.days + 1, min(age, 900))), 100
        else:
            start, progress = _day(rng, 1, min(age, 900)), rng.randint(5, 95)
        return {
            "id": row_id,
            "account_id": account.id if account else None,
            "name": rng.choice(_PROJECT_NAMES),
            "status": status,
            "start_date": start,
            "target_end_date": start + duration,
            "progress": progress,
            "budget": _log_money(rng, 20_000, 3_000_000),
        }

    def _line_spec(self, rng: random.Random, border: bool, *, purchase: bool = False) -> _LineSpec:
        """What a line sells: item, quantity, price, discount (percent or amount, never both) and tax."""
        cat = self.catalogue
        item = rng.choice(cat.products) if rng.random() < (0.85 if purchase else 0.65) else rng.choice(cat.services)
        if item.unit in ("KGM", "LTR", "MTR"):
            quantity = Decimal(rng.randint(500, 200_000)).scaleb(-3)
        elif item.unit == "HUR":
            quantity = Decimal(rng.randint(2, 80)) / 2
        else:
            quantity = Decimal(rng.randint(1, 3 if item.price > 20_000 else 25))
        # A vendor sells below our list price.
        unit_price = cents(item.price * Decimal("0.70")) if purchase else item.price
        percent = amount = None
        kind = rng.random()
        if kind < 0.25:
            percent = rng.choice(_DISCOUNT_PERCENTS)
        elif kind < 0.37:
            amount = cents(cents(quantity * unit_price) * Decimal(rng.randint(1, 20)) / 100)
        tax = Tax.IVA_8 if border and item.tax is Tax.IVA_16 else item.tax
        return _LineSpec(item, quantity, unit_price, percent, amount, tax)

    def _lines(self, table: str, parent_column: str, parent_id: int,
               specs: list[_LineSpec]) -> tuple[dict[str, Decimal], list[dict[str, Any]]]:
        """Line rows and the document totals, computed as the mutations compute them."""
        rows, amounts = [], []
        for position, spec in enumerate(specs, start=1):
            line = line_amounts(
                spec.quantity,
                spec.unit_price,
                discount_percent=spec.discount_percent,
                discount_amount=spec.discount_amount,
                tax=spec.tax,
            )
            amounts.append(line)
            rows.append({
                "id": self._id(table),
                parent_column: parent_id,
                "position": position,
                "product_id": spec.item.id if spec.item.is_product else None,
                "service_id": None if spec.item.is_product else spec.item.id,
                "description": spec.item.name,
                "quantity": spec.quantity,
                "unit_price": spec.unit_price,
                "discount_percent": spec.discount_percent,
                "discount_amount": spec.discount_amount,
                "tax": spec.tax,
                "tax_rate": line.tax_rate,
                "gross": line.gross,
                "discount": line.discount,
                "net": line.net,
                "tax_amount": line.tax_amount,
                "total": line.total,
            })
        totals = document_totals(amounts)
        return {"subtotal": totals.subtotal, "discount_total": totals.discount_total,
                "tax_total": totals.tax_total, "total": totals.total}, rows

    def _add_document(self, table: str, row: dict[str, Any], line_table: str, lines: list[dict[str, Any]]) -> None:
        # Lines are computed first (the document stores their totals) and added after it.
        self._add(table, row)
        for line in lines:
            self._add(line_table, line)

    # ----------------------------------------------------------------- purchases (contact tab)

    def _purchases(self, rng: random.Random, account: _Account | None, contacts: list[_Contact]) -> None:
        """Purchase orders requested by contacts, with a vendor, lines and the addresses copied as text."""
        for contact in contacts:
            if rng.random() >= 0.7:
                continue
            for _ in range(rng.randint(20, 40) if contact.heavy else _CONTACT_ROWS.pick(rng)):
                order_id = self._id("purchase_order")
                back = rng.randint(0, min(contact.age, 730))
                specs = [self._line_spec(rng, False, purchase=True) for _ in range(_LINES.pick(rng))]
                totals, lines = self._lines("purchase_order_line", "purchase_order_id", order_id, specs)
                self._add_document("purchase_order", {
                    "id": order_id,
                    "contact_id": contact.id,
                    "vendor_id": rng.choice(self.catalogue.vendors),
                    "number": f"OC-{order_id:06d}",
                    "subject": rng.choice(_PO_SUBJECTS),
                    "date": _DAYS[back],
                    "status": _PURCHASE_ORDER_STATUS.pick(rng),
                    "currency": "MXN",
                    "terms_and_conditions": rng.choice(_PO_TERMS),
                    "shipping_address": contact.shipping_address or contact.primary_address,
                    "billing_address": account.fiscal_address if account else contact.fiscal_address,
                    "created_at": (created := _WORKDAY_START[back] + timedelta(seconds=rng.randrange(36000))),
                    "updated_at": created,  # when its state last changed is not known: when it was recorded
                    **totals,
                }, "purchase_order_line", lines)

    # ----------------------------------------------------------------- operations

    def _operations(self, rng: random.Random, account: _Account | None, contacts: list[_Contact]) -> None:
        """Warehouse movements and lots/serials (account tabs), assets and service contracts (both)."""
        products = self.catalogue.products
        if account is not None:
            for _ in range(self._count(rng, account, 0.7)):
                movement_id = self._id("warehouse_movement")
                self._add("warehouse_movement", {
                    "id": movement_id,
                    "account_id": account.id,
                    "number": f"MOV-{movement_id:06d}",
                    "kind": _MOVEMENT_KIND.pick(rng),
                    "warehouse": rng.choice(_WAREHOUSES),
                    "date": _day(rng, 0, min(account.age, 1095)),
                    "product_id": rng.choice(products).id,
                    "quantity": Decimal(rng.randint(1, 200)),
                    "reference": f"Remisión R-{rng.randint(1000, 99999)}" if rng.random() < 0.8 else None,
                })
            for _ in range(self._count(rng, account, 0.65)):
                delivered = _moment(rng, 0, min(account.age, 1095))
                is_lot = rng.random() < 0.5
                expiry = delivered.date() + timedelta(days=rng.randint(90, 900)) if is_lot else None
                status = _LOT_STATUS.pick(rng)
                if expiry is not None and expiry < ANCHOR_DATE and status is LotSerialStatus.AVAILABLE:
                    status = LotSerialStatus.EXPIRED
                self._add("lot_serial", {
                    "id": self._id("lot_serial"),
                    "account_id": account.id,
                    "product_id": rng.choice(products).id,
                    "lot_number": f"L{delivered:%y%m}-{rng.randint(1, 9999):04d}" if is_lot else None,
                    "serial_number": None if is_lot else f"SN{_hex(rng, 10).upper()}",
                    "expiry_date": expiry,
                    "status": status,
                    "delivered_at": None if status is LotSerialStatus.AVAILABLE else delivered,
                })
        for owner, contact in self._owners(rng, account, contacts):
            asset_id = self._id("asset")
            product = rng.choice(products) if rng.random() < 0.8 else None
            self._add("asset", {
                "id": asset_id,
                "account_id": owner.id if owner else None,
                "contact_id": contact.id if contact else None,
                "asset_no": f"ACT-{asset_id:06d}",
                "name": product.name if product else rng.choice(("Vehículo utilitario", "Equipo de cómputo en comodato",
                                                                 "Dispensador de agua", "Radio portátil")),
                "serial_number": f"{_hex(rng, 12).upper()}" if rng.random() < 0.85 else None,
                "product_id": product.id if product else None,
                "status": _ASSET_STATUS.pick(rng),
                "date_in_service": _day(rng, 0, min(self._age(owner, contact), 1500)),
            })
        for owner, contact in self._owners(rng, account, contacts):
            contract_id = self._id("service_contract")
            start = ANCHOR_DATE + timedelta(days=rng.randint(-min(self._age(owner, contact), 1095), 60))
            end = start + timedelta(days=rng.choice((180, 365, 365, 730)) - 1)
            if start > ANCHOR_DATE:
                status = ServiceContractStatus.PLANNED
            elif end < ANCHOR_DATE:
                status = ServiceContractStatus.CANCELLED if rng.random() < 0.15 else ServiceContractStatus.COMPLETED
            else:
                status = ServiceContractStatus.ON_HOLD if rng.random() < 0.1 else ServiceContractStatus.ACTIVE
            unit = _TRACKING_UNIT.pick(rng)
            total = Decimal(rng.choice(_UNITS_COVERED[unit]))
            used = ZERO if status is ServiceContractStatus.PLANNED else (
                Decimal(rng.randint(0, int(total) * 2)) / 2 if unit is TrackingUnit.HOURS
                else Decimal(rng.randint(0, int(total))))
            self._add("service_contract", {
                "id": contract_id,
                "account_id": owner.id if owner else None,
                "contact_id": contact.id if contact else None,
                "number": f"POL-{contract_id:06d}",
                "subject": f"{rng.choice(_CONTRACT_SUBJECTS)} {start.year}",
                "start_date": start,
                "end_date": end,
                "status": status,
                "sla_hours": rng.choice((4, 8, 24, 48, None)),
                "tracking_unit": unit,
                "used_units": used,
                "total_units": total,
            })

    # ----------------------------------------------------------------- engagement

    def _engagement(self, rng: random.Random, account: _Account | None, contacts: list[_Contact]) -> None:
        """Activity log (account tab), comments with replies, support cases and chat channels (both)."""
        if account is not None:
            self._activity_log(rng, account)
        for contact in contacts:
            if rng.random() < 0.6:
                self._contact_log(rng, account, contact)
        for owner, contact in self._owners(rng, account, contacts):
            self._comment(rng, owner, contact)
        for owner, contact in self._owners(rng, account, contacts):
            case_id = self._id("support_case")
            opened = _moment(rng, 0, min(self._age(owner, contact), 1095))
            status = _CASE_STATUS.pick(rng)
            closed = status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
            self._add("support_case", {
                "id": case_id,
                "account_id": owner.id if owner else None,
                "contact_id": contact.id if contact else None,
                "case_no": f"CAS-{case_id:06d}",
                "title": rng.choice(_CASE_TITLES),
                "status": status,
                "priority": _CASE_PRIORITY.pick(rng),
                "severity": _CASE_SEVERITY.pick(rng),
                "channel": rng.choice(list(CaseChannel)),
                "opened_at": opened,
                "closed_at": _later(opened, rng.randint(1800, 20 * 86400)) if closed else None,
            })
        for owner, contact in self._owners(rng, account, contacts, p_contact=0.75):
            room_type = _ROOM_TYPE.pick(rng)
            name = contact.name if contact else owner.short_name  # type: ignore[union-attr]
            room_name = f"{_slug(name)[:90]}-{rng.randint(1, 999)}"
            room_id = "".join(rng.choice(_ROOM_ALPHABET) for _ in range(17))
            path = {ChatRoomType.CHANNEL: "channel", ChatRoomType.PRIVATE_GROUP: "group",
                    ChatRoomType.DIRECT: "direct", ChatRoomType.LIVECHAT: "live"}[room_type]
            self._add("chat_channel", {
                "id": self._id("chat_channel"),
                "account_id": owner.id if owner else None,
                "contact_id": contact.id if contact else None,
                "room_id": room_id,
                "room_name": room_name,
                "room_type": room_type,
                "url": f"https://chat.{OWN_DOMAIN}/{path}/{room_id if path in ('direct', 'live') else room_name}",
                "last_message_at": _moment(rng, 0, min(self._age(owner, contact), 365)) if rng.random() < 0.9 else None,
            })

    def _activity_log(self, rng: random.Random, account: _Account) -> None:
        count = self._count(rng, account, 0.9)
        for n in range(count):
            user = self._user(rng)
            if n == 0:
                at, action = account.created_at, "CREATED"
                summary, details = "Cuenta creada", {"channel": rng.choice(("web", "importación", "api"))}
            else:
                at, action = _moment(rng, 0, account.age), rng.choice(_LOG_ACTIONS)
                summary, details = self._log_entry(rng, action, account.email, account.user_id)
            self._add("activity_log", {
                "id": self._id("activity_log"),
                "account_id": account.id,
                "contact_id": None,
                "at": at,
                "actor": user[1] if rng.random() < 0.85 else rng.choice(("api:erp-sync", "sistema")),
                "action": action,
                "summary": summary,
                "details": details,
            })

    def _contact_log(self, rng: random.Random, account: _Account | None, contact: _Contact) -> None:
        """Entries about a contact; also in its account's history when it has one."""
        for _ in range(rng.randint(20, 40) if contact.heavy else _CONTACT_ROWS.pick(rng)):
            action = rng.choice(_CONTACT_LOG_ACTIONS)
            summary, details = self._log_entry(rng, action, contact.email, account.user_id if account else None)
            self._add("activity_log", {
                "id": self._id("activity_log"),
                "account_id": account.id if account else None,
                "contact_id": contact.id,
                "at": _moment(rng, 0, contact.age),
                "actor": self._user(rng)[1] if rng.random() < 0.85 else rng.choice(("api:erp-sync", "sistema")),
                "action": action,
                "summary": summary,
                "details": details,
            })

    def _log_entry(self, rng: random.Random, action: str, email: str,
                   user_id: int | None) -> tuple[str, dict[str, Any]]:
        if action == "UPDATED":
            fields = rng.sample(("phone", "email", "credit_limit", "payment_terms", "cfdi_use", "website"), 2)
            return f"Se actualizaron {', '.join(fields)}", {"fields": fields}
        if action == "EMAILED":
            subject = rng.choice(_EMAIL_SUBJECTS).format(n=rng.randint(100, 99999))
            return f"Correo enviado: {subject}", {"subject": subject, "to": email}
        if action == "CALLED":
            minutes = rng.randint(1, 40)
            return f"Llamada de {minutes} min", {"minutes": minutes, "answered": rng.random() < 0.7}
        if action == "INVOICED":
            total = _log_money(rng, 500, 400_000)
            return f"Factura emitida por ${total:,}", {"serie": "A", "total": str(total)}
        if action == "STATUS_CHANGED":
            return "Cambió de prospecto a cliente", {"from": "PROSPECT", "to": "CUSTOMER"}
        if action == "ASSIGNED":
            user = self._user(rng)
            return f"Asignada a {user[1]}", {"from_user_id": user_id, "to_user_id": user[0]}
        body = rng.choice(_COMMENT_BODIES)
        return "Nota agregada", {"chars": len(body)}

    def _comment(self, rng: random.Random, account: _Account | None, contact: _Contact | None) -> None:
        comment_id = self._id("comment")
        parent = self._last_comment
        if parent is not None and parent[1] is account and parent[2] is contact and rng.random() < 0.3:
            # A reply to the previous comment on the same record, a little later.
            parent_id, body = parent[0], rng.choice(_REPLY_BODIES)
            created = _later(parent[3], rng.randint(600, 3 * 86400))
        else:
            parent_id, created = None, _moment(rng, 0, min(self._age(account, contact), 1095))
            body = rng.choice(_COMMENT_BODIES)
        self._add("comment", {
            "id": comment_id,
            "account_id": account.id if account else None,
            "contact_id": contact.id if contact else None,
            "body": body,
            "author": self._user(rng)[1],
            "created_at": created,
            "parent_comment_id": parent_id,
        })
        self._last_comment = (comment_id, account, contact, created)
