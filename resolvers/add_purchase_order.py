"""addPurchaseOrder ("Agregar Compra"): a purchase order for a contact, with its lines.

Every amount is computed here with Decimal (`models.totals`); the addresses default as the
product says and are copied into the order as text; a new vendor, the order and its lines are
one transaction. A new vendor that matches an existing one (RFC, or failing that name) is refused
with CONFLICT and the existing vendor's id. `check_order` is shared with previewPurchaseOrder,
which answers the same amounts and errors without writing.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

import sqlalchemy as sa
import strawberry
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders.filters import fold, fold_like, fold_text
from models import Address, Contact, Product, PurchaseOrder, PurchaseOrderLine, Service, Vendor, sat
from models.enums import AddressKind, PurchaseOrderStatus, Tax
from models.relations import CHILD_LISTS
from models.totals import document_totals, line_amounts
from models.types import utcnow
from resolvers import validation
from resolvers.errors import ErrorCode, Problems
from resolvers.pipeline import Log, MutationDef, Refused, changes
from resolvers.transaction import pending_number, stored_id
from schema.node import global_id

MAX_LINES = 200
#: quantity x price must fit NUMERIC(18,2) with room for the sums of many lines.
MAX_LINE_GROSS = Decimal("1e13")
#: NUMERIC(18,4) holds 14 digits before the point; no purchase needs more than 13.
MAX_QUANTITY = Decimal("1e13")
#: Longest text of each free-text input, in characters (after trimming).
MAX_SUBJECT = 254
MAX_TERMS = 10_000
MAX_ADDRESS = 1_000
MAX_DESCRIPTION = 1_000
MAX_VENDOR_NAME = 254
MAX_PHONE = 40
_LINES = next(relation for relation in CHILD_LISTS if relation.target is PurchaseOrderLine)
#: Key of the PostgreSQL advisory lock that vendor-creating orders take (any constant, used only here).
VENDOR_CREATION_LOCK = 0x4352_4D56  # "CRMV"


@strawberry.input(description="A vendor created together with the order.")
class NewVendorInput:
    name: str = strawberry.field(description=f"Legal or trade name (required, at most {MAX_VENDOR_NAME} characters).")
    rfc: Optional[str] = strawberry.field(default=None, description="RFC, checked when given.")
    email: Optional[str] = strawberry.field(default=None, description="Email address.")
    phone: Optional[str] = strawberry.field(default=None, description=f"Phone number: 10 digits for Mexico, or + and the country code (at most {MAX_PHONE} characters).")


@strawberry.input(description="One line of a purchase order: a product or a service, how many, at what price.")
class PurchaseOrderLineInput:
    product_id: Optional[strawberry.ID] = strawberry.field(default=None, description="Global id of a product (or give serviceId).")
    service_id: Optional[strawberry.ID] = strawberry.field(default=None, description="Global id of a service (or give productId).")
    description: Optional[str] = strawberry.field(
        default=None, description=f"Text of the line, at most {MAX_DESCRIPTION} characters; the item's name by default."
    )
    quantity: Decimal = strawberry.field(description="Quantity, > 0, at most 4 decimals.")
    unit_price: Decimal = strawberry.field(description="Unit price before tax, >= 0, at most 2 decimals.")
    discount_percent: Optional[Decimal] = strawberry.field(default=None, description="Discount as a percentage of gross, 0..100 (or discountAmount).")
    discount_amount: Optional[Decimal] = strawberry.field(default=None, description="Discount as an amount, <= gross (or discountPercent).")
    tax: Optional[Tax] = strawberry.field(default=None, description="Tax of the line; none by default.")


@strawberry.input(description="A new purchase order for a contact.")
class AddPurchaseOrderInput:
    contact_id: strawberry.ID = strawberry.field(description="Global id of the contact who requests or approves the purchase.")
    subject: str = strawberry.field(description=f"Descriptive title of the purchase (required, at most {MAX_SUBJECT} characters).")
    vendor_id: Optional[strawberry.ID] = strawberry.field(default=None, description="Global id of an existing vendor (or give vendor).")
    vendor: Optional[NewVendorInput] = strawberry.field(default=None, description="A new vendor to create (or give vendorId).")
    date: dt.date = strawberry.field(description="Date of the order.")
    status: PurchaseOrderStatus = strawberry.field(default=PurchaseOrderStatus.CREATED, description="State of the order.")
    currency: str = strawberry.field(default="MXN", description="ISO 4217 currency: a code of `satCatalogs.currencies`.")
    lines: list[PurchaseOrderLineInput] = strawberry.field(description=f"The lines, 1..{MAX_LINES}.")
    terms_and_conditions: Optional[str] = strawberry.field(
        default=None, description=f"Delivery, warranty, returns... (at most {MAX_TERMS} characters)."
    )
    shipping_address: Optional[str] = strawberry.field(
        default=None,
        description="Where to deliver; by default the contact's primary shipping address (else its primary address). "
        f"At most {MAX_ADDRESS} characters.",
    )
    billing_address: Optional[str] = strawberry.field(
        default=None,
        description="Where to send the invoice; by default the fiscal address of the contact's account (else the contact's). "
        f"At most {MAX_ADDRESS} characters.",
    )


def address_text(address: Address) -> str:
    """An address as one line of text, as it is printed on the order."""
    street = " ".join(p for p in (address.street, address.ext_number) if p)
    if address.int_number:
        street += f" Int. {address.int_number}"
    parts = [
        street,
        f"Col. {address.colonia}" if address.colonia else None,
        address.city,
        address.municipality if address.municipality != address.city else None,
        address.state,
        f"C.P. {address.postal_code}" if address.postal_code else None,
        address.country,
    ]
    return ", ".join(p for p in parts if p)


async def _first_address(session: AsyncSession, *conditions: sa.SQLColumnExpression[bool]) -> Address | None:
    statement = select(Address).where(*conditions).order_by(col(Address.is_primary).desc(), col(Address.id)).limit(1)
    return (await session.exec(statement)).first()


async def default_addresses(session: AsyncSession, contact: Contact) -> tuple[str | None, str | None]:
    """(shipping, billing): the contact's primary shipping address, else its primary address; the
    fiscal address of its account, else its own fiscal address."""
    of_contact, kind = col(Address.contact_id) == contact.id, col(Address.kind)
    shipping = await _first_address(
        session, of_contact, kind == AddressKind.SHIPPING, col(Address.is_primary)
    ) or await _first_address(session, of_contact, col(Address.is_primary))
    billing = None
    if contact.account_id is not None:
        billing = await _first_address(session, col(Address.account_id) == contact.account_id, kind == AddressKind.FISCAL)
    billing = billing or await _first_address(session, of_contact, kind == AddressKind.FISCAL)
    return (address_text(shipping) if shipping else None, address_text(billing) if billing else None)


def _check_vendor(problems: Problems, vendor: NewVendorInput) -> Vendor | None:
    name = validation.required_text(problems, ["vendor", "name"], vendor.name, MAX_VENDOR_NAME)
    rfc = validation.rfc(problems, ["vendor", "rfc"], vendor.rfc) if vendor.rfc and vendor.rfc.strip() else None
    email = validation.email(problems, ["vendor", "email"], vendor.email)
    phone = validation.phone(problems, ["vendor", "phone"], vendor.phone, MAX_PHONE)
    return Vendor(name=name, rfc=rfc, email=email, phone=phone) if name else None


def _check_line(problems: Problems, index: int, line: PurchaseOrderLineInput) -> tuple[int | None, int | None, str | None]:
    """Checks the line's own values; returns the (product, service) ids it names and its clean description."""
    path: list[str | int] = ["lines", index]
    product = validation.global_id(problems, [*path, "productId"], line.product_id, Product)
    service = validation.global_id(problems, [*path, "serviceId"], line.service_id, Service)
    if line.product_id is None and line.service_id is None:
        problems.add([*path, "productId"], ErrorCode.REQUIRED, "a line needs a productId or a serviceId")
    elif line.product_id is not None and line.service_id is not None:
        problems.add([*path, "serviceId"], ErrorCode.INVALID, "a line has a productId or a serviceId, not both")
    quantity = validation.amount(problems, [*path, "quantity"], line.quantity, places=4, above=Decimal(0),
                                 maximum=MAX_QUANTITY)
    price = validation.amount(problems, [*path, "unitPrice"], line.unit_price, places=2, minimum=Decimal(0),
                              maximum=MAX_LINE_GROSS)
    validation.amount(problems, [*path, "discountPercent"], line.discount_percent, places=4,
                      minimum=Decimal(0), maximum=Decimal(100))
    amount = validation.amount(problems, [*path, "discountAmount"], line.discount_amount, places=2, minimum=Decimal(0),
                               maximum=MAX_LINE_GROSS)
    if line.discount_percent is not None and line.discount_amount is not None:
        problems.add([*path, "discountAmount"], ErrorCode.INVALID, "give discountPercent or discountAmount, not both")
    if quantity is not None and price is not None:
        gross = quantity * price
        if gross > MAX_LINE_GROSS:
            problems.add([*path, "quantity"], ErrorCode.OUT_OF_RANGE, f"quantity x unitPrice is {gross}; at most {MAX_LINE_GROSS}")
        elif amount is not None and amount > (gross := line_amounts(quantity, price).gross):
            problems.add([*path, "discountAmount"], ErrorCode.OUT_OF_RANGE,
                         f"discountAmount {amount} is more than the line's gross {gross}")
    description = validation.optional_text(problems, [*path, "description"], line.description, MAX_DESCRIPTION)
    return product, service, description


async def _names(session: AsyncSession, model: type[Product] | type[Service], ids: set[int]) -> dict[int | None, str]:
    """The names of the rows of `model` with these ids, by id (the ORM types an id as optional)."""
    if not ids:
        return {}
    rows = await session.exec(select(col(model.id), col(model.name)).where(col(model.id).in_(ids)))
    return dict(rows.all())


def _dialect(session: AsyncSession) -> str:
    """The name of the database the session writes to ("postgresql", "sqlite")."""
    assert session.bind is not None, "a mutation's session is bound to its connection"
    return session.bind.dialect.name


def vendor_name_key(name: str) -> str:
    """What makes two vendor names the same name: their letters and digits, case and accents aside
    ("Vargas-Alarcón, S.A. de C.V." and "vargas alarcon sa de cv" have one key)."""
    return "".join(c for c in fold_text(name) if c.isalnum())


async def _existing_vendor(session: AsyncSession, vendor: Vendor) -> tuple[Vendor, str] | None:
    """The vendor a new one would duplicate, and why: the same RFC, or failing that the same name
    (`vendor_name_key`) unless both have RFCs and they differ. Generic RFCs decide nothing."""
    rfc = vendor.rfc if vendor.rfc and vendor.rfc not in sat.GENERIC_RFCS else None
    key = vendor_name_key(vendor.name)
    # The database narrows by the longest word of the name; the key decides.
    words = re.findall(r"\w+", fold_text(vendor.name))
    clauses: list[sa.ColumnElement[bool]] = [col(Vendor.rfc) == rfc] if rfc else []
    if words:
        word = max(words, key=len)
        folded = fold(Vendor.name, _dialect(session))  # type: ignore[arg-type]  # SQLModel types the column as a str
        clauses.append(folded.like(f"%{fold_like(word)}%", escape="\\"))
    if not clauses:
        return None
    candidates = (await session.exec(select(Vendor).where(sa.or_(*clauses)).order_by(col(Vendor.id)).limit(200))).all()
    if rfc is not None:
        for existing in candidates:
            if existing.rfc == rfc:
                return existing, f"RFC {rfc}"
    for existing in candidates:
        known = existing.rfc if existing.rfc and existing.rfc not in sat.GENERIC_RFCS else None
        if vendor_name_key(existing.name) == key and (rfc is None or known is None or known == rfc):
            return existing, "name"
    return None


async def _refuse_an_existing_vendor(session: AsyncSession, problems: Problems, vendor: Vendor) -> None:
    if (clash := await _existing_vendor(session, vendor)) is not None:
        existing, reason = clash
        existing_id = global_id("Vendor", stored_id(existing))
        problems.add(["vendor"], ErrorCode.CONFLICT, f"there is already a vendor with this {reason}: {existing.name} "
                     f"({existing_id}); pick it with vendorId instead of creating a second one", existing_id=existing_id)


@dataclass
class CheckedOrder:
    """An order that passed every check, with everything the server computes for it (nothing written)."""

    contact: Contact
    vendor_pk: int | None  #: an existing vendor, or None with new_vendor
    new_vendor: Vendor | None
    order: PurchaseOrder  #: not added to any session; number and vendor are set when it is written
    lines: list[PurchaseOrderLine]  #: likewise


async def check_order(session: AsyncSession, input: AddPurchaseOrderInput, problems: Problems, context: Any = None
                      ) -> CheckedOrder | None:
    """Every check of the input, then the order and lines addPurchaseOrder would write: amounts rounded
    half-up per line, totals, default addresses. The one code path of the mutation and of its preview."""
    contact_pk = validation.global_id(problems, ["contactId"], input.contact_id, Contact)
    subject = validation.required_text(problems, ["subject"], input.subject, MAX_SUBJECT)
    currency = validation.currency(problems, ["currency"], input.currency)
    vendor_pk = new_vendor = None
    if input.vendor_id is not None and input.vendor is not None:
        problems.add(["vendor"], ErrorCode.INVALID, "give vendorId (an existing vendor) or vendor (a new one), not both")
    elif input.vendor_id is not None:
        vendor_pk = validation.global_id(problems, ["vendorId"], input.vendor_id, Vendor)
    elif input.vendor is not None:
        new_vendor = _check_vendor(problems, input.vendor)
    else:
        problems.add(["vendorId"], ErrorCode.REQUIRED, "give vendorId (an existing vendor) or vendor (a new one)")
    if not input.lines:
        problems.add(["lines"], ErrorCode.REQUIRED, "a purchase order needs at least one line")
    elif len(input.lines) > MAX_LINES:
        problems.add(["lines"], ErrorCode.INVALID, f"a purchase order has at most {MAX_LINES} lines, got {len(input.lines)}")
    items = [_check_line(problems, i, line) for i, line in enumerate(input.lines[:MAX_LINES])]
    terms = validation.optional_text(problems, ["termsAndConditions"], input.terms_and_conditions, MAX_TERMS)
    shipping = validation.optional_text(problems, ["shippingAddress"], input.shipping_address, MAX_ADDRESS)
    billing = validation.optional_text(problems, ["billingAddress"], input.billing_address, MAX_ADDRESS)

    contact = await session.get(Contact, contact_pk) if contact_pk is not None else None
    if contact_pk is not None and contact is None:
        problems.add(["contactId"], ErrorCode.NOT_FOUND, f"there is no contact {input.contact_id!r}")
    if vendor_pk is not None and await session.get(Vendor, vendor_pk) is None:
        problems.add(["vendorId"], ErrorCode.NOT_FOUND, f"there is no vendor {input.vendor_id!r}")
    if new_vendor is not None:
        await _refuse_an_existing_vendor(session, problems, new_vendor)
    products = await _names(session, Product, {p for p, _, _ in items if p is not None})
    services = await _names(session, Service, {s for _, s, _ in items if s is not None})
    for index, (product, service, _) in enumerate(items):
        if product is not None and product not in products:
            problems.add(["lines", index, "productId"], ErrorCode.NOT_FOUND, "there is no product with that id")
        if service is not None and service not in services:
            problems.add(["lines", index, "serviceId"], ErrorCode.NOT_FOUND, "there is no service with that id")
    if problems:
        return None
    # What passed every check is there: the contact was found, subject and currency are clean.
    assert contact is not None and subject is not None and currency is not None

    default_shipping, default_billing = await default_addresses(session, contact)
    amounts = [
        line_amounts(line.quantity, line.unit_price, discount_percent=line.discount_percent,
                     discount_amount=line.discount_amount, tax=line.tax)
        for line in input.lines
    ]
    totals = document_totals(amounts)
    order = PurchaseOrder(
        number=pending_number(), contact_id=contact.id,
        vendor_id=vendor_pk,  # type: ignore[arg-type]  # None for a new vendor, until _write creates it
        subject=subject, date=input.date,
        status=input.status, currency=currency, terms_and_conditions=terms,
        shipping_address=shipping or default_shipping, billing_address=billing or default_billing,
        subtotal=totals.subtotal, discount_total=totals.discount_total, tax_total=totals.tax_total,
        total=totals.total, created_at=(now := utcnow()), updated_at=now,
    )
    lines = [
        PurchaseOrderLine(
            position=position, product_id=product, service_id=service,
            description=description or products.get(product) or services.get(service),
            quantity=line.quantity, unit_price=line.unit_price, discount_percent=line.discount_percent,
            discount_amount=line.discount_amount, tax=line.tax, tax_rate=amount.tax_rate, gross=amount.gross,
            discount=amount.discount, net=amount.net, tax_amount=amount.tax_amount, total=amount.total,
        )
        for position, (line, (product, service, description), amount) in enumerate(zip(input.lines, items, amounts, strict=True), 1)
    ]
    return CheckedOrder(contact, vendor_pk, new_vendor, order, lines)


async def _refuse_a_vendor_created_meanwhile(session: AsyncSession, vendor: Vendor) -> None:
    """The vendor check again, now that this transaction holds the vendor-creation lock (PostgreSQL),
    so two orders cannot both find no "Vargas-Alarcón" and both create one. SQLite has one writer at a
    time, and the first check already ran inside it."""
    if _dialect(session) != "postgresql":
        return
    await session.exec(select(sa.func.pg_advisory_xact_lock(VENDOR_CREATION_LOCK)))
    problems = Problems()
    await _refuse_an_existing_vendor(session, problems, vendor)
    if problems:
        raise Refused(problems)


async def _write(session: AsyncSession, checked: CheckedOrder, log: Log) -> int:
    contact, order = checked.contact, checked.order
    if checked.new_vendor is not None:
        await _refuse_a_vendor_created_meanwhile(session, checked.new_vendor)
        session.add(checked.new_vendor)
        await session.flush()
        checked.vendor_pk = order.vendor_id = stored_id(checked.new_vendor)
    session.add(order)
    await session.flush()  # the id gives the number, unique however many orders arrive at once
    order_id = stored_id(order)
    order.number = PurchaseOrder.assigned_number(order_id)
    for line in checked.lines:
        line.purchase_order_id = order_id
    session.add_all(checked.lines)
    await session.flush()
    who = " ".join(p for p in (contact.first_name, contact.last_name) if p)
    details = {"purchaseOrder": global_id("PurchaseOrder", order_id), "contact": global_id("Contact", stored_id(contact)),
               "total": str(order.total), "currency": order.currency}
    if checked.new_vendor is not None:
        details["vendorCreated"] = global_id("Vendor", order.vendor_id)
    # On the account's bitácora when the contact has one, and on the contact's own history always.
    log.add("PURCHASE_ORDER_ADDED", f"Purchase order {order.number} for {who}: {order.subject}",
            account_id=contact.account_id, contact_id=contact.id,
            changed=changes(None, {c: getattr(order, c) for c in _LOGGED}, _LOGGED_REFERENCES, model=PurchaseOrder), **details)
    return order_id


#: The order's columns its log entry records (its lines are in the order itself).
_LOGGED = ("number", "subject", "date", "status", "currency", "vendor_id", "contact_id", "subtotal", "discount_total",
           "tax_total", "total", "shipping_address", "billing_address")
_LOGGED_REFERENCES = {"vendor_id": "Vendor", "contact_id": "Contact"}

MUTATION = MutationDef(
    name="addPurchaseOrder",
    description="Agregar Compra: a purchase order for a contact, its lines and amounts computed by the server.",
    input=AddPurchaseOrderInput,
    input_description="The order, its vendor and its lines.",
    node="purchase_order",
    model=PurchaseOrder,
    node_description="The new order with its number, vendor, contact, lines and amounts",
    check=check_order,
    write=_write,
    children=(_LINES,),
    also=lambda checked: [(Vendor, [checked.vendor_pk]), (Contact, [checked.contact.id])],
)
