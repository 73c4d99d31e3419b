"""Goods and service delivered to an account: warehouse movements, lots and serials, assets, service contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from sqlmodel import Field

from models.base import Table, choice, quantity, ref, text, timestamp
from models.enums import AssetStatus, LotSerialStatus, MovementKind, ServiceContractStatus, TrackingUnit


class WarehouseMovement(Table, table=True):
    __tablename__ = "warehouse_movement"
    label: ClassVar[str] = "Movimiento de almacén: goods in, out or transferred for an account."
    default_order: ClassVar[tuple[str, ...]] = ("-date",)

    account_id: int = ref("account", "Account the goods were moved for.", required=True)
    number: str = text("Movement number, e.g. MOV-000123.", max_length=20, unique=True)
    kind: MovementKind = choice(MovementKind, "In, out or transfer.", default=MovementKind.OUT)
    warehouse: str = text("Warehouse.", max_length=120)
    date: dt.date = Field(description="Date of the movement.")
    product_id: int | None = ref("product", "Product moved.")
    quantity: Decimal = quantity("Quantity moved.")
    reference: str | None = text("Reference, e.g. an order number.", max_length=120)


class LotSerial(Table, table=True):
    __tablename__ = "lot_serial"
    label: ClassVar[str] = "Lote o serie: a lot or serial number delivered to an account (traceability)."
    default_order: ClassVar[tuple[str, ...]] = ("lot_number", "serial_number")

    account_id: int = ref("account", "Account it was delivered to.", required=True)
    product_id: int | None = ref("product", "Product of the lot or serial.")
    lot_number: str | None = text("Lot number.", max_length=60)
    serial_number: str | None = text("Serial number.", max_length=60)
    expiry_date: dt.date | None = Field(default=None, description="Expiry date of the lot.")
    status: LotSerialStatus = choice(LotSerialStatus, "State of the lot or serial.", default=LotSerialStatus.DELIVERED)
    delivered_at: dt.datetime | None = timestamp("When it was delivered (UTC).", optional=True)


class Asset(Table, table=True):
    __tablename__ = "asset"
    label: ClassVar[str] = "Activo: equipment installed at, lent to or assigned to an account or contact."
    default_order: ClassVar[tuple[str, ...]] = ("asset_no",)

    account_id: int | None = ref("account", "Account the asset is at.")
    contact_id: int | None = ref("contact", "Contact responsible for the asset.")
    asset_no: str = text("Asset number, e.g. ACT-000123.", max_length=20, unique=True)
    name: str = text("Name.", max_length=254)
    serial_number: str | None = text("Serial number.", max_length=60)
    product_id: int | None = ref("product", "Product the asset is.")
    status: AssetStatus = choice(AssetStatus, "State of the asset.", default=AssetStatus.IN_SERVICE)
    date_in_service: dt.date | None = Field(default=None, description="Date it went into service.")


class ServiceContract(Table, table=True):
    __tablename__ = "service_contract"
    label: ClassVar[str] = "Póliza: a service contract with its service level and units used."
    default_order: ClassVar[tuple[str, ...]] = ("-start_date",)

    account_id: int | None = ref("account", "Account under contract.")
    contact_id: int | None = ref("contact", "Contact under contract.")
    number: str = text("Contract number, e.g. POL-000123.", max_length=20, unique=True)
    subject: str = text("Subject.", max_length=254)
    start_date: dt.date = Field(description="First day of cover.")
    end_date: dt.date | None = Field(default=None, description="Last day of cover.")
    status: ServiceContractStatus = choice(ServiceContractStatus, "State of the contract.", default=ServiceContractStatus.ACTIVE)
    sla_hours: int | None = Field(default=None, description="Response time promised, in hours.")
    tracking_unit: TrackingUnit = choice(TrackingUnit, "What the contract counts.", default=TrackingUnit.HOURS)
    used_units: Decimal = quantity("Units used so far.")
    total_units: Decimal = quantity("Units covered.")
