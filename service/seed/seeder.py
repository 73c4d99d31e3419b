"""What every area of the seeder shares: the Random streams, ids, the writer, the Faker pools, the
catalogue and the parties seeded so far, and who gets rows in a tab.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from faker import Faker

from models.enums import CampaignStatus, PaymentMethod, Tax
from service.seed.pools import pool, records
from service.seed.values import ACCOUNT_ROWS, CONTACT_ROWS, MAX_AGE_DAYS, Weighted
from service.seed.writer import Writer


class Place(NamedTuple):
    """A city of the demo, with the range of its postal codes and its area code (lada)."""

    city: str
    municipality: str
    state: str
    first_postal_code: int
    last_postal_code: int
    lada: str
    border_zone: bool  #: northern border zone: IVA 8 %


PLACES = Weighted(
    (Place(*place[:-1]), place[-1])
    for place in records(
        "parties", "places", "city", "municipality", "state", "first_postal_code", "last_postal_code", "lada",
        "border_zone", "weight",
    )
)
_LEGAL_SUFFIXES = pool("parties", "legal_suffixes")


@dataclass(slots=True)
class Item:
    """A product or service, as lines and links need it."""

    id: int
    name: str
    price: Decimal
    unit: str
    tax: Tax
    is_product: bool


@dataclass(slots=True, eq=False)
class SeededContact:
    """A contact written to the database, as the rows around it need it."""

    id: int
    account: SeededAccount | None
    name: str
    email: str
    age: int  #: days since it was created
    heavy: bool
    shipping_address: str | None = None
    primary_address: str | None = None
    fiscal_address: str | None = None


@dataclass(slots=True, eq=False)
class SeededAccount:
    """An account written to the database, as the rows around it need it."""

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
    place: Place  #: the city of its fiscal address
    fiscal_postal_code: str
    contacts: list[SeededContact] = field(default_factory=list)
    fiscal_address: str | None = None


@dataclass(slots=True)
class Catalogue:
    """What the catalogue area wrote, for the rows that refer to it."""

    users: list[tuple[int, str, str]] = field(default_factory=list)  #: (id, name, email)
    price_lists: list[int] = field(default_factory=list)
    vendors: list[int] = field(default_factory=list)
    products: list[Item] = field(default_factory=list)
    services: list[Item] = field(default_factory=list)
    campaigns: list[tuple[int, date, date, CampaignStatus]] = field(default_factory=list)
    #: The price list of a new MXN account (None: no price list).
    price_list_choice: Weighted[int | None] = field(default_factory=lambda: Weighted([(None, 1)]))


class FakerPools:
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


#: Who a row of a tab that accounts and contacts share belongs to (one of them or both).
Owner = tuple[SeededAccount | None, SeededContact | None]


class Seeder:
    """The state the areas build on. Each area draws from its own Random stream, derived from the seed."""

    def __init__(self, seed: int, next_ids: dict[str, int], writer: Writer) -> None:
        self.seed = seed
        self.writer = writer
        self.pools = FakerPools(seed)
        self.catalogue = Catalogue()
        self.accounts: list[SeededAccount] = []
        self.orphans: list[SeededContact] = []  #: contacts without an account
        #: The comment written last (id, account, contact, created_at): the next one may reply to it.
        self.last_comment: tuple[int, SeededAccount | None, SeededContact | None, datetime] | None = None
        self._next_ids = next_ids

    def rng(self, area: str) -> random.Random:
        """The Random stream of one area: changing one area does not reshuffle the others."""
        # A str seed is hashed with SHA-512 by random.seed: stable across runs and platforms.
        return random.Random(f"crmgraph-seed:{self.seed}:{area}")

    def next_id(self, table: str) -> int:
        value = self._next_ids[table]
        self._next_ids[table] = value + 1
        return value

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.writer.add(table, row)

    def user(self, rng: random.Random) -> tuple[int, str, str]:
        """A salesperson: (id, name, email)."""
        return rng.choice(self.catalogue.users)

    def person_name(self, rng: random.Random) -> tuple[str, str, str]:
        """First name(s), paternal and maternal surname."""
        first = rng.choice(self.pools.first_names)
        if rng.random() < 0.15:
            first = f"{first} {rng.choice(self.pools.first_names)}"
        return first, rng.choice(self.pools.last_names), rng.choice(self.pools.last_names)

    def owners(
        self, rng: random.Random, account: SeededAccount | None, contacts: Sequence[SeededContact], *,
        p_group: float = 0.85, p_contact: float = 0.8,
    ) -> list[Owner]:
        """Who gets rows in a tab that accounts and contacts share (a row may belong to both).

        The group takes part with `p_group`; then each contact with `p_contact` gets a few rows
        (also the account's), and the account gets a few rows of its own.
        """
        if rng.random() >= p_group:
            return []
        owners: list[Owner] = []
        if account is not None:
            own = rng.randint(30, 60) if account.heavy else rng.choice((0, 0, 1, 1, 2))
            owners += [(account, None)] * own
        for contact in contacts:
            if rng.random() < p_contact:
                count = rng.randint(20, 40) if contact.heavy else CONTACT_ROWS.pick(rng)
                owners += [(account, contact)] * count
        if not owners and account is not None:
            owners = [(account, None)] * ACCOUNT_ROWS.pick(rng)
        return owners

    @staticmethod
    def count(rng: random.Random, account: SeededAccount, p: float = 0.8) -> int:
        """Rows of an account-only tab: none for some accounts, 1-8 for most, 30-60 for the heavy ones."""
        if rng.random() >= p:
            return 0
        return rng.randint(30, 60) if account.heavy else ACCOUNT_ROWS.pick(rng)

    @staticmethod
    def age(account: SeededAccount | None, contact: SeededContact | None) -> int:
        """Days since the owner of a row was created."""
        if contact is not None:
            return contact.age
        return account.age if account is not None else MAX_AGE_DAYS
