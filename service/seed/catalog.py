"""Seeds the catalogue the accounts refer to: salespeople (app_user), price lists, vendors, products,
services and campaigns.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from models.enums import CampaignStatus, CampaignType, Tax
from models.totals import cents
from service.seed.pools import pool, records
from service.seed.seeder import PLACES, Item, Seeder
from service.seed.values import (
    ANCHOR_DATE,
    MAX_AGE_DAYS,
    OWN_DOMAIN,
    Weighted,
    company_letters,
    long_ago,
    money,
    past_moment,
    phone,
    slug,
    valid_rfc,
)

_BASE_FIELDS = ("name", "sat_product_code", "sat_unit", "lowest_price", "highest_price", "tax")


def _item_bases(name: str) -> tuple[tuple[str, str, str, int, int, Tax], ...]:
    """Product or service bases: (name, SAT c_ClaveProdServ, SAT c_ClaveUnidad, lowest price, highest price, tax)."""
    return tuple((*base[:-1], Tax(base[-1])) for base in records("catalog", name, *_BASE_FIELDS))


_PRICE_LISTS = records("catalog", "price_lists", "name", "currency")
_PRODUCT_BASES = _item_bases("product_bases")
_BRANDS = pool("catalog", "brands")
_SERVICE_BASES = _item_bases("service_bases")
_SERVICE_TIERS = pool("catalog", "service_tiers")
_CAMPAIGN_THEMES = tuple(
    (theme, CampaignType(kind)) for theme, kind in records("catalog", "campaign_themes", "theme", "type")
)
_MONTHS = pool("catalog", "months")


def seed_catalogue(seeder: Seeder, rng: random.Random) -> None:
    """Salespeople, price lists, vendors, products, services and campaigns."""
    cat = seeder.catalogue
    for n in range(20):
        first, paternal, maternal = seeder.person_name(rng)
        user_id = seeder.next_id("app_user")
        name = f"{first} {paternal} {maternal}"
        email = f"{slug(first.split()[0], '')}.{slug(paternal, '')}{user_id}@{OWN_DOMAIN}"
        cat.users.append((user_id, name, email))
        seeder.add("app_user", {"id": user_id, "name": name, "email": email, "active": n < 18})
    for name, currency in _PRICE_LISTS:
        price_list_id = seeder.next_id("price_list")
        cat.price_lists.append(price_list_id)
        seeder.add("price_list", {"id": price_list_id, "name": name, "currency": currency})
    cat.price_list_choice = Weighted(
        [(cat.price_lists[0], 70), (cat.price_lists[1], 15), (cat.price_lists[2], 10), (None, 5)])
    for _ in range(50):
        _vendor(seeder, rng)
    _products(seeder, rng)
    _services(seeder, rng)
    _campaigns(seeder, rng)


def _vendor(seeder: Seeder, rng: random.Random) -> None:
    trade = rng.choice(seeder.pools.companies)
    vendor_id = seeder.next_id("vendor")
    seeder.catalogue.vendors.append(vendor_id)
    founded = long_ago(rng, 3, 40)
    seeder.add("vendor", {
        "id": vendor_id,
        "name": trade,
        "rfc": valid_rfc(rng, company_letters(trade), founded),
        "email": f"ventas@{slug(trade)}.com.mx",
        "phone": phone(rng, PLACES.pick(rng).lada),
        "created_at": past_moment(rng, 400, MAX_AGE_DAYS),
    })


def _products(seeder: Seeder, rng: random.Random) -> None:
    variants = [(base, brand) for base in _PRODUCT_BASES for brand in _BRANDS]
    for base, brand in rng.sample(variants, 300):
        name, sat_code, unit, low, high, tax = base
        product_id = seeder.next_id("product")
        price = money(rng, low, high)
        model = f"{rng.choice('ABCDEFGHKLMNPRSTVXZ')}{rng.randint(1, 99) * 10}"
        full_name = f"{name} {brand} {model}"
        seeder.catalogue.products.append(Item(product_id, full_name, price, unit, tax, True))
        if unit in ("H87", "XBX"):
            stock = Decimal(rng.randint(0, 500))
        else:
            stock = Decimal(rng.randint(0, 500_000)).scaleb(-3)
        seeder.add("product", {
            "id": product_id,
            "name": full_name,
            "sku": f"{slug(brand, '')[:3].upper()}-{product_id:05d}",
            "unit": unit,
            "price": price,
            "stock": stock,
            "sat_product_code": sat_code,
            "active": rng.random() < 0.93,
        })


def _services(seeder: Seeder, rng: random.Random) -> None:
    for base, tier in [(base, tier) for base in _SERVICE_BASES for tier in _SERVICE_TIERS]:
        name, sat_code, unit, low, high, tax = base
        service_id = seeder.next_id("service")
        price = money(rng, low, high)
        full_name = f"{name} {tier}"
        seeder.catalogue.services.append(Item(service_id, full_name, price, unit, tax, False))
        seeder.add("service", {
            "id": service_id,
            "name": full_name,
            "code": f"SRV-{service_id:04d}",
            "unit": unit,
            "price": price,
            "sat_product_code": sat_code,
            "active": rng.random() < 0.95,
        })


def _campaigns(seeder: Seeder, rng: random.Random) -> None:
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
        campaign_id = seeder.next_id("campaign")
        seeder.catalogue.campaigns.append((campaign_id, start, end, status))
        budget = money(rng, 5_000, 400_000)
        seeder.add("campaign", {
            "id": campaign_id,
            "name": f"{theme} {_MONTHS[start.month - 1]} {start.year}",
            "type": kind,
            "status": status,
            "start_date": start,
            "end_date": end,
            "budget": budget,
            "expected_revenue": cents(budget * Decimal(rng.randint(15, 80)) / 10),
        })
