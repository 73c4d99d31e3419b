"""SQLModel tables of crmgraph; `relations` is the registry of every tab."""

from typing import Any

import sqlalchemy as sa

from models.auth import ApiToken, Scope
from models.base import Table
from models.catalog import CalendarEvent, Campaign, Document, Email, Product, Service
from models.engagement import ActivityLog, ChatChannel, Comment, SupportCase
from models.finance import (
    BankTransaction,
    CashFlow,
    Commission,
    CreditNote,
    Invoice,
    InvoiceLine,
    PaymentCfdi,
    PaymentRelatedDocument,
    TransferInvoice,
)
from models.idempotency import IdempotencyKey
from models.links import *  # noqa: F403 - every link table joins the metadata
from models.operations import Asset, LotSerial, ServiceContract, WarehouseMovement
from models.parties import Account, AccountRelation, Address, AppUser, Contact, PriceList, Vendor
from models.persisted import PersistedDocument
from models.relations import RELATIONS, TABS, Relation, index_default_orders
from models.sales import (
    Opportunity,
    Project,
    PurchaseOrder,
    PurchaseOrderLine,
    Quote,
    QuoteLine,
    RentalSubscription,
    SalesOrder,
    SalesOrderLine,
)

#: Every table exposed as a GraphQL Node, by GraphQL type name.
NODE_MODELS: dict[str, type[Table]] = {
    model.type_name(): model
    for model in (
        Account, Contact, AppUser, PriceList, Vendor, AccountRelation, Address,
        Product, Service, Email, Document, Campaign, CalendarEvent,
        Invoice, InvoiceLine, PaymentCfdi, PaymentRelatedDocument, CreditNote, TransferInvoice, CashFlow,
        BankTransaction, Commission,
        Opportunity, Project, Quote, QuoteLine, SalesOrder, SalesOrderLine, PurchaseOrder, PurchaseOrderLine,
        RentalSubscription, WarehouseMovement, LotSerial, Asset, ServiceContract,
        ActivityLog, Comment, SupportCase, ChatChannel,
    )
}

index_default_orders(list(NODE_MODELS.values()))

#: Node tables by table name.
MODEL_BY_TABLE: dict[str, type[Table]] = {model.__tablename__: model for model in NODE_MODELS.values()}


def referenced_model(column: sa.Column[Any]) -> type[Table]:
    """The node table a foreign-key column points at."""
    return MODEL_BY_TABLE[next(iter(column.foreign_keys)).column.table.name]


#: What other packages import from here: the registry, the node tables, and the service's own tables.
__all__ = [
    "MODEL_BY_TABLE", "NODE_MODELS", "RELATIONS", "TABS", "Relation", "Table", "referenced_model", "ApiToken",
    "IdempotencyKey", "PersistedDocument", "Scope",
    "Account", "Contact", "AppUser", "PriceList", "Vendor", "AccountRelation", "Address", "Product", "Service",
    "Email", "Document", "Campaign", "CalendarEvent", "Invoice", "InvoiceLine", "PaymentCfdi",
    "PaymentRelatedDocument", "CreditNote", "TransferInvoice", "CashFlow", "BankTransaction", "Commission",
    "Opportunity", "Project", "Quote", "QuoteLine", "SalesOrder", "SalesOrderLine", "PurchaseOrder",
    "PurchaseOrderLine", "RentalSubscription", "WarehouseMovement", "LotSerial", "Asset", "ServiceContract",
    "ActivityLog", "Comment", "SupportCase", "ChatChannel",
]
