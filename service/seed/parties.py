"""Seeds the parties: accounts (about 70 % companies, 30 % persons, 2 % with the generic RFC) with
corporate groups and account relations, 1-5 contacts for most of them (plus a few without account),
and their addresses.

The régimen fiscal and uso de CFDI of an account are drawn among what `models/sat.py` allows.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any, NamedTuple

from models import sat
from models.enums import AccountRelationKind, AccountType, AddressKind, PaymentMethod, ShippingMethod
from models.types import ZERO
from service.seed.pools import pool, records
from service.seed.seeder import PLACES, Place, SeededAccount, SeededContact, Seeder
from service.seed.values import (
    GENERIC_RFC,
    MAX_AGE_DAYS,
    PAYMENT_FORMS,
    Weighted,
    company_letters,
    later,
    long_ago,
    past_moment,
    person_letters,
    phone,
    slug,
    valid_rfc,
)

_COMPANY_REGIMES = Weighted(
    [("601", 68), ("603", 6), ("620", 2), ("622", 3), ("623", 2), ("624", 2), ("610", 2), ("626", 15)]
)
_PERSON_REGIMES = Weighted(
    [("612", 33), ("626", 25), ("605", 10), ("606", 8), ("621", 5), ("625", 5), ("611", 3), ("614", 2),
     ("615", 2), ("607", 1), ("608", 2), ("616", 2), ("610", 2)]
)
#: How often each uso de CFDI is an account's default, among those its régimen allows (models/sat.py).
_CFDI_USE_WEIGHTS: dict[str, float] = {
    "S01": 8.0, "G03": 50, "G01": 20, "G02": 3, **{f"I0{n}": 1.5 for n in range(1, 9)},
    "D01": 8, "D02": 2, "D04": 2, "D07": 1, "D10": 2, "CN01": 6,
}


def _cfdi_uses(regime: str) -> Weighted[str]:
    return Weighted([(use, weight) for use, weight in _CFDI_USE_WEIGHTS.items() if regime in sat.CFDI_USES[use].tax_regimes])


_USES_BY_REGIME = {regime: _cfdi_uses(regime) for regime in _COMPANY_REGIMES.values + _PERSON_REGIMES.values}
_ACCOUNT_TYPES = Weighted(
    [(AccountType.CUSTOMER, 60), (AccountType.PROSPECT, 15), (AccountType.DISTRIBUTOR, 8),
     (AccountType.RESELLER, 7), (AccountType.PARTNER, 4), (AccountType.SUPPLIER, 3), (AccountType.OTHER, 3)]
)
_RELATION_KINDS = Weighted([(AccountRelationKind.AFFILIATE, 4), (AccountRelationKind.PARTNER, 4),
                            (AccountRelationKind.OTHER, 2)])

_COLONIAS = pool("parties", "colonias")
_INT_NUMBERS = pool("parties", "interior_numbers")
_INDUSTRIES = pool("parties", "industries")
_COMPANY_PREFIXES = pool("parties", "company_prefixes")
_COMPANY_WORDS = pool("parties", "company_words")
_PERSON_BUSINESSES = pool("parties", "person_businesses")
_FREE_MAIL = Weighted(pool("parties", "free_mail_domains").items())
_COMPANY_MAILBOXES = pool("parties", "company_mailboxes")
_BOSS_JOBS = records("parties", "boss_jobs", "title", "department")
_JOBS = records("parties", "jobs", "title", "department")
_RELATION_NOTES = pool("parties", "relation_notes")


class _Identity(NamedTuple):
    """Who an account is: its names, email and fiscal identity."""

    name: str
    trade_name: str | None
    short_name: str
    domain: str | None
    email: str
    rfc: str
    regime: str


async def seed_parties(seeder: Seeder, rng: random.Random, n_accounts: int) -> None:
    """`n_accounts` accounts with their contacts and relations, a few contacts without account, then addresses."""
    group_heads: list[int] = []  # companies without a parent: candidates to head a corporate group
    parents: dict[int, int] = {}
    for _ in range(n_accounts):
        account = _account(seeder, rng, group_heads, parents)
        seeder.accounts.append(account)
        if rng.random() < 0.9:
            _contacts(seeder, rng, account, rng.choice((1, 1, 2, 2, 3, 3, 3, 4, 4, 5)))
        await seeder.writer.maybe_flush()
    _relations(seeder, rng, parents)
    for _ in range(max(1, n_accounts // 30) if n_accounts else 0):
        seeder.orphans.extend(_contacts(seeder, rng, None, 1))
    for account in seeder.accounts:
        _account_addresses(seeder, rng, account)
        for contact in account.contacts:
            _contact_addresses(seeder, rng, contact)
        await seeder.writer.maybe_flush()
    for contact in seeder.orphans:
        _contact_addresses(seeder, rng, contact)


def _person(seeder: Seeder, rng: random.Random, generic: bool) -> _Identity:
    first, paternal, maternal = seeder.person_name(rng)
    name = f"{first} {paternal} {maternal}".upper()
    trade_name = f"{rng.choice(_PERSON_BUSINESSES)} {paternal}" if rng.random() < 0.4 else None
    email = f"{slug(first.split()[0], '')}.{slug(paternal, '')}{rng.randint(1, 99)}@{_FREE_MAIL.pick(rng)}"
    rfc = GENERIC_RFC if generic else valid_rfc(
        rng, person_letters(first, paternal, maternal), long_ago(rng, 20, 70))
    regime = "616" if generic else _PERSON_REGIMES.pick(rng)
    return _Identity(name, trade_name, trade_name or f"{first.split()[0]} {paternal}", None, email, rfc, regime)


def _company(seeder: Seeder, rng: random.Random, age: int) -> _Identity:
    base = rng.choice(seeder.pools.companies)
    trade_name = base if rng.random() < 0.5 else f"{rng.choice(_COMPANY_PREFIXES)} {base}"
    if rng.random() < 0.2:
        trade_name = f"{rng.choice(_COMPANY_PREFIXES)} {rng.choice(_COMPANY_WORDS)}"
    # CFDI 4.0 wants the razón social as registered, without the régimen capital (S.A. de C.V.).
    name = trade_name.upper()
    domain = f"{slug(trade_name)}.com.mx"
    email = f"{rng.choice(_COMPANY_MAILBOXES)}@{domain}"
    rfc = valid_rfc(rng, company_letters(name), long_ago(rng, age // 365 + 1, age // 365 + 30))
    return _Identity(name, trade_name, trade_name, domain, email, rfc, _COMPANY_REGIMES.pick(rng))


def _account(seeder: Seeder, rng: random.Random, group_heads: list[int], parents: dict[int, int]) -> SeededAccount:
    cat = seeder.catalogue
    account_id = seeder.next_id("account")
    kind = rng.random()
    generic, person = kind < 0.02, kind < 0.32
    place = PLACES.pick(rng)
    age = rng.randint(30, MAX_AGE_DAYS)
    who = _person(seeder, rng, generic) if person else _company(seeder, rng, age)
    cfdi_use = "S01" if generic else _USES_BY_REGIME[who.regime].pick(rng)
    credit_days = rng.choice((0, 0, 0, 15, 30, 30, 45, 60, 90))
    ppd = credit_days > 0 and rng.random() < 0.6
    currency = "USD" if rng.random() < 0.03 else "MXN"
    price_list = cat.price_lists[3] if currency == "USD" else cat.price_list_choice.pick(rng)
    parent_id = None
    if not person and group_heads and rng.random() < 0.12:
        parent_id = rng.choice(group_heads[-300:])
        parents[account_id] = parent_id
    elif not person:
        group_heads.append(account_id)
    user_id = seeder.user(rng)[0]
    created = past_moment(rng, age, age)
    methods = rng.sample(list(ShippingMethod), rng.randint(1, 3))
    fiscal_postal_code = f"{rng.randint(place.first_postal_code, place.last_postal_code):05d}"
    seeder.add("account", {
        "id": account_id,
        "account_no": f"CLI-{account_id:06d}",
        "name": who.name,
        "trade_name": who.trade_name,
        "rfc": who.rfc,
        "email": who.email,
        "phone": phone(rng, place.lada),
        "website": f"https://www.{who.domain}" if who.domain and rng.random() < 0.7 else None,
        "industry": rng.choice(_INDUSTRIES),
        "account_type": _ACCOUNT_TYPES.pick(rng),
        "assigned_user_id": user_id,
        "parent_account_id": parent_id,
        "tax_regime": who.regime,
        "cfdi_use": cfdi_use,
        "payment_form": "99" if ppd else PAYMENT_FORMS.pick(rng),
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
        "updated_at": later(created, rng.randint(0, age * 86400)),
    })
    return SeededAccount(
        id=account_id, short_name=who.short_name, email=who.email, domain=who.domain,
        user_id=user_id, age=age, heavy=rng.random() < 0.02, border=place.border_zone, credit_days=credit_days,
        payment_method=PaymentMethod.PPD if ppd else PaymentMethod.PUE, currency=currency,
        created_at=created, place=place, fiscal_postal_code=fiscal_postal_code,
    )


def _relations(seeder: Seeder, rng: random.Random, parents: dict[int, int]) -> None:
    """Account relations, each written in both directions with the inverse kind."""
    pairs: set[tuple[int, int]] = set()

    def relate(a: int, b: int, kind: AccountRelationKind, inverse: AccountRelationKind) -> None:
        pairs.add((min(a, b), max(a, b)))
        notes = rng.choice(_RELATION_NOTES)
        for this, other, what in ((a, b, kind), (b, a, inverse)):
            seeder.add("account_relation", {
                "id": seeder.next_id("account_relation"), "account_id": this, "related_account_id": other,
                "kind": what, "notes": notes,
            })

    for child, parent in parents.items():  # dict order is insertion order: deterministic
        relate(child, parent, AccountRelationKind.PARENT, AccountRelationKind.SUBSIDIARY)
    ids = [account.id for account in seeder.accounts]
    if len(ids) < 2:
        return
    for account_id in ids:
        if rng.random() >= 0.45:
            continue
        for _ in range(rng.randint(1, 2)):
            other = rng.choice(ids)
            if other == account_id or (min(account_id, other), max(account_id, other)) in pairs:
                continue
            kind = _RELATION_KINDS.pick(rng)
            relate(account_id, other, kind, kind)


def _contacts(seeder: Seeder, rng: random.Random, account: SeededAccount | None, count: int) -> list[SeededContact]:
    contacts = []
    for position in range(count):
        contact_id = seeder.next_id("contact")
        first, paternal, maternal = seeder.person_name(rng)
        title, department = rng.choice(_BOSS_JOBS if position == 0 else _JOBS)
        if account is not None and account.domain:
            email = f"{slug(first.split()[0], '')}.{slug(paternal, '')}@{account.domain}"
        else:
            user = f"{slug(first.split()[0], '')}{slug(paternal, '')}{rng.randint(1, 999)}"
            email = f"{user}@{_FREE_MAIL.pick(rng)}"
        age = rng.randint(1, account.age) if account else rng.randint(30, MAX_AGE_DAYS)
        reports_to = None
        if account is not None and account.contacts and rng.random() < 0.6:
            # Mostly the first (the boss), sometimes another earlier colleague.
            reports_to = account.contacts[0].id if rng.random() < 0.7 else rng.choice(account.contacts).id
        lada = PLACES.pick(rng).lada
        created = past_moment(rng, age, age)
        seeder.add("contact", {
            "id": contact_id,
            "contact_no": f"CON-{contact_id:06d}",
            "first_name": first,
            "last_name": f"{paternal} {maternal}",
            "title": title if account is not None else None,
            "department": department if account is not None else None,
            "email": email,
            "phone": f"{phone(rng, lada)} ext. {rng.randint(100, 999)}" if rng.random() < 0.7 else None,
            "mobile": phone(rng, lada) if rng.random() < 0.8 else None,
            "account_id": account.id if account else None,
            "reports_to_id": reports_to,
            "do_not_email": rng.random() < 0.05,
            "marketing_opt_in": rng.random() < 0.45,
            "assigned_user_id": account.user_id if account and rng.random() < 0.8 else seeder.user(rng)[0],
            "created_at": created,
            "updated_at": later(created, rng.randint(0, age * 86400)),
        })
        contact = SeededContact(contact_id, account, f"{first} {paternal}", email, age, rng.random() < 0.01)
        if account is not None:
            account.contacts.append(contact)
        contacts.append(contact)
    return contacts


def _address_columns(seeder: Seeder, rng: random.Random, place: Place | None = None) -> dict[str, Any]:
    """Address columns of a plausible Mexican address (street, colonia, municipality, state, CP)."""
    place = place or PLACES.pick(rng)
    return {
        "street": rng.choice(seeder.pools.streets),
        "ext_number": str(rng.randint(1, 4999)) if rng.random() < 0.95 else "S/N",
        "int_number": rng.choice(_INT_NUMBERS) if rng.random() < 0.35 else None,
        "colonia": rng.choice(_COLONIAS),
        "city": place.city,
        "municipality": place.municipality,
        "state": place.state,
        "postal_code": f"{rng.randint(place.first_postal_code, place.last_postal_code):05d}",
        "country": "MX",
    }


def _address_text(a: dict[str, Any]) -> str:
    interior = f" Int. {a['int_number']}" if a["int_number"] else ""
    return (f"{a['street']} {a['ext_number']}{interior}, Col. {a['colonia']}, C.P. {a['postal_code']}, "
            f"{a['municipality']}, {a['state']}, México")


def _address(seeder: Seeder, rng: random.Random, account: SeededAccount | None, contact: SeededContact | None,
             kind: AddressKind, primary: bool, place: Place | None = None, postal_code: str | None = None) -> str:
    """Writes one address of an account or a contact; returns it as one line of text."""
    columns = _address_columns(seeder, rng, place)
    if postal_code:
        columns["postal_code"] = postal_code
    seeder.add("address", {
        "id": seeder.next_id("address"),
        "account_id": account.id if account else None,
        "contact_id": contact.id if contact else None,
        "kind": kind,
        "is_primary": primary,
        **columns,
    })
    return _address_text(columns)


def _account_addresses(seeder: Seeder, rng: random.Random, account: SeededAccount) -> None:
    if rng.random() < 0.97:
        # The FISCAL address carries the account's fiscal postal code (CFDI 4.0 checks it).
        account.fiscal_address = _address(
            seeder, rng, account, None, AddressKind.FISCAL, True, account.place, account.fiscal_postal_code)
    if rng.random() < 0.55 or account.heavy:
        for n in range(rng.randint(30, 45) if account.heavy else rng.randint(1, 3)):
            _address(seeder, rng, account, None, AddressKind.SHIPPING, n == 0)
    if rng.random() < 0.25:
        _address(seeder, rng, account, None, AddressKind.BILLING, True)
    if rng.random() < 0.10:
        _address(seeder, rng, account, None, AddressKind.OTHER, False)


def _contact_addresses(seeder: Seeder, rng: random.Random, contact: SeededContact) -> None:
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
        text = _address(seeder, rng, None, contact, kind, primary)
        if kind is AddressKind.SHIPPING and primary:
            contact.shipping_address = text
        if kind is AddressKind.FISCAL:
            contact.fiscal_address = text
        if primary and contact.primary_address is None:
            contact.primary_address = text
