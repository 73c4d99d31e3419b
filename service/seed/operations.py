"""Seeds operations: warehouse movements and lots/serials (account tabs), assets and service
contracts (account and contact tabs).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from models.enums import AssetStatus, LotSerialStatus, MovementKind, ServiceContractStatus, TrackingUnit
from models.types import ZERO
from service.seed.pools import pool
from service.seed.seeder import Owner, SeededAccount, SeededContact, Seeder
from service.seed.values import ANCHOR_DATE, Weighted, hex_digits, past_day, past_moment

_MOVEMENT_KIND = Weighted([(MovementKind.OUT, 70), (MovementKind.IN, 20), (MovementKind.TRANSFER, 10)])
_LOT_STATUS = Weighted([(LotSerialStatus.DELIVERED, 65), (LotSerialStatus.AVAILABLE, 15),
                        (LotSerialStatus.RETURNED, 10), (LotSerialStatus.EXPIRED, 10)])
_ASSET_STATUS = Weighted([(AssetStatus.IN_SERVICE, 70), (AssetStatus.IN_REPAIR, 10),
                          (AssetStatus.OUT_OF_SERVICE, 8), (AssetStatus.RETIRED, 12)])
_TRACKING_UNIT = Weighted([(TrackingUnit.HOURS, 60), (TrackingUnit.INCIDENTS, 25), (TrackingUnit.VISITS, 15)])
_UNITS_COVERED = {TrackingUnit.HOURS: (20, 40, 80, 120), TrackingUnit.INCIDENTS: (5, 10, 20),
                  TrackingUnit.VISITS: (4, 12, 24)}
_WAREHOUSES = pool("operations", "warehouses")
#: Assets that are not one of our products.
_ASSET_NAMES = pool("operations", "asset_names")
_CONTRACT_SUBJECTS = pool("operations", "contract_subjects")


def seed_operations(seeder: Seeder, rng: random.Random, account: SeededAccount | None,
                    contacts: list[SeededContact]) -> None:
    """Warehouse movements and lots/serials (account tabs), assets and service contracts (both)."""
    if account is not None:
        for _ in range(seeder.count(rng, account, 0.7)):
            _warehouse_movement(seeder, rng, account)
        for _ in range(seeder.count(rng, account, 0.65)):
            _lot_serial(seeder, rng, account)
    for owner in seeder.owners(rng, account, contacts):
        _asset(seeder, rng, owner)
    for owner in seeder.owners(rng, account, contacts):
        _service_contract(seeder, rng, owner)


def _warehouse_movement(seeder: Seeder, rng: random.Random, account: SeededAccount) -> None:
    movement_id = seeder.next_id("warehouse_movement")
    seeder.add("warehouse_movement", {
        "id": movement_id,
        "account_id": account.id,
        "number": f"MOV-{movement_id:06d}",
        "kind": _MOVEMENT_KIND.pick(rng),
        "warehouse": rng.choice(_WAREHOUSES),
        "date": past_day(rng, 0, min(account.age, 1095)),
        "product_id": rng.choice(seeder.catalogue.products).id,
        "quantity": Decimal(rng.randint(1, 200)),
        "reference": f"Remisión R-{rng.randint(1000, 99999)}" if rng.random() < 0.8 else None,
    })


def _lot_serial(seeder: Seeder, rng: random.Random, account: SeededAccount) -> None:
    delivered = past_moment(rng, 0, min(account.age, 1095))
    is_lot = rng.random() < 0.5
    expiry = delivered.date() + timedelta(days=rng.randint(90, 900)) if is_lot else None
    status = _LOT_STATUS.pick(rng)
    if expiry is not None and expiry < ANCHOR_DATE and status is LotSerialStatus.AVAILABLE:
        status = LotSerialStatus.EXPIRED
    seeder.add("lot_serial", {
        "id": seeder.next_id("lot_serial"),
        "account_id": account.id,
        "product_id": rng.choice(seeder.catalogue.products).id,
        "lot_number": f"L{delivered:%y%m}-{rng.randint(1, 9999):04d}" if is_lot else None,
        "serial_number": None if is_lot else f"SN{hex_digits(rng, 10).upper()}",
        "expiry_date": expiry,
        "status": status,
        "delivered_at": None if status is LotSerialStatus.AVAILABLE else delivered,
    })


def _asset(seeder: Seeder, rng: random.Random, owner: Owner) -> None:
    account, contact = owner
    asset_id = seeder.next_id("asset")
    product = rng.choice(seeder.catalogue.products) if rng.random() < 0.8 else None
    seeder.add("asset", {
        "id": asset_id,
        "account_id": account.id if account else None,
        "contact_id": contact.id if contact else None,
        "asset_no": f"ACT-{asset_id:06d}",
        "name": product.name if product else rng.choice(_ASSET_NAMES),
        "serial_number": f"{hex_digits(rng, 12).upper()}" if rng.random() < 0.85 else None,
        "product_id": product.id if product else None,
        "status": _ASSET_STATUS.pick(rng),
        "date_in_service": past_day(rng, 0, min(seeder.age(account, contact), 1500)),
    })


def _service_contract(seeder: Seeder, rng: random.Random, owner: Owner) -> None:
    account, contact = owner
    contract_id = seeder.next_id("service_contract")
    start = ANCHOR_DATE + timedelta(days=rng.randint(-min(seeder.age(account, contact), 1095), 60))
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
    seeder.add("service_contract", {
        "id": contract_id,
        "account_id": account.id if account else None,
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
