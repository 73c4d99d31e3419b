"""The relation registry: every tab of Account and Contact (and every child list) declared once.

Loaders build their SQL from these entries, the schema builds its connection fields and the
`tabs` metadata from them, and the indexes that serve them are derived here too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sqlalchemy as sa

from models.base import Table, TableModel
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
from models.links import (
    AccountCampaign,
    AccountDocument,
    AccountEmail,
    AccountEvent,
    AccountProduct,
    AccountService,
    ContactCampaign,
    ContactDocument,
    ContactEmail,
    ContactEvent,
    ContactOpportunity,
    ContactProduct,
    ContactProject,
    ContactService,
)
from models.operations import Asset, LotSerial, ServiceContract, WarehouseMovement
from models.parties import Account, AccountRelation, Address, Contact
from models.sales import (
    DocumentLine,
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


@dataclass(frozen=True, eq=False)
class Relation:
    """One related list of a parent: a foreign key on the target, or a link table between them.

    Each is made once, here, so it is compared and hashed by identity: statement caches key on it
    for every statement a request sends."""

    parent: type[Table]
    field: str  #: GraphQL field name on the parent type
    target: type[Table]
    label: str  #: tab label as the product shows it (Spanish); "" for a list that is no tab
    summary: str  #: one line from the product documentation (Spanish), served by `tabs`
    description: str  #: what the field holds, for the GraphQL documentation (English)
    fk: str | None = None  #: column of the target that points at the parent
    link: type[TableModel] | None = None  #: link table, when there is one
    link_fields: tuple[str, ...] = ()  #: link-table attributes exposed on the edge
    paged: bool = True  #: a connection (a tab); False for a short complete list (document lines)
    # `dataclasses.field`: the bare name would be the `field` attribute above to a type checker.
    link_parent: str = dataclasses.field(init=False, default="")
    link_target: str = dataclasses.field(init=False, default="")

    def __post_init__(self) -> None:
        if (self.fk is None) == (self.link is None):
            raise ValueError(f"{self.key}: give exactly one of fk or link")
        if self.link is not None:
            object.__setattr__(self, "link_parent", _column_to(self.link, self.parent))
            object.__setattr__(self, "link_target", _column_to(self.link, self.target))

    @property
    def key(self) -> str:
        return f"{self.parent.__name__}.{self.field}"


def _column_to(link: type[TableModel], model: type[Table]) -> str:
    table = model.__table__
    (column,) = [c.name for c in link.__table__.columns if any(fk.column.table is table for fk in c.foreign_keys)]
    return column


def _fk(
    parent: type[Table], field: str, target: type[Table], fk: str, label: str, summary: str, description: str
) -> Relation:
    return Relation(parent, field, target, label, summary, description, fk=fk)


def _link(
    parent: type[Table],
    field: str,
    target: type[Table],
    link: type[TableModel],
    label: str,
    summary: str,
    description: str,
    link_fields: tuple[str, ...] = (),
) -> Relation:
    return Relation(parent, field, target, label, summary, description, link=link, link_fields=link_fields)


#: The 29 tabs of the account screen, in the order of the product documentation.
ACCOUNT_TABS: tuple[Relation, ...] = (
    _fk(Account, "relatedAccounts", AccountRelation, "account_id", "Clientes",
        "Relaciones entre cuentas de clientes", "Corporate relations to other accounts (parent, subsidiary, affiliate, partner)."),
    _link(Account, "services", Service, AccountService, "No inventariables",
          "Servicios asociados a clientes", "Services the account contracted or is interested in."),
    _fk(Account, "subscriptions", RentalSubscription, "account_id", "Rentas y Suscripciones",
        "Rentas y suscripciones por cliente", "Rentals and subscriptions billed to the account."),
    _fk(Account, "paymentCfdis", PaymentCfdi, "account_id", "CFDIs Pagos",
        "CFDIs de pago por cliente", "Payment CFDIs (complementos de pago) of the account, newest first."),
    _fk(Account, "creditNotes", CreditNote, "account_id", "Notas de Credito",
        "Notas de crédito por cliente", "Credit notes issued to the account, newest first."),
    _fk(Account, "warehouseMovements", WarehouseMovement, "account_id", "Mov. de Almacen",
        "Movimientos de almacén por cliente", "Warehouse movements made for the account, newest first."),
    _fk(Account, "lotsSerials", LotSerial, "account_id", "Lotes y Series",
        "Lotes y series asociados a clientes", "Lots and serial numbers delivered to the account."),
    _fk(Account, "transferInvoices", TransferInvoice, "account_id", "F. Traslado",
        "Facturas de traslado por cliente", "Transfer CFDIs (facturas de traslado) of the account, newest first."),
    _fk(Account, "cashFlows", CashFlow, "account_id", "Flujo de Efectivo",
        "Flujo de efectivo por cliente", "Cash inflows and outflows of the account, newest first."),
    _fk(Account, "invoices", Invoice, "account_id", "Facturas",
        "Facturas detalladas por cliente", "Invoices issued to the account, newest first."),
    _fk(Account, "addresses", Address, "account_id", "Direcciones",
        "Direcciones asociadas a clientes", "Fiscal, billing, shipping and other addresses of the account."),
    _fk(Account, "bankTransactions", BankTransaction, "account_id", "Cajas y Bancos",
        "Transacciones financieras por cliente", "Bank and cash transactions of the account, newest first."),
    _fk(Account, "commissions", Commission, "account_id", "Comisiones",
        "Comisiones generadas por cliente", "Sales commissions earned on the account, latest period first."),
    _fk(Account, "activityLog", ActivityLog, "account_id", "Bitacora",
        "Registros de bitácora por cliente", "History of the account (bitácora), newest first."),
    _fk(Account, "serviceContracts", ServiceContract, "account_id", "Pólizas",
        "Contratos de servicio por cliente", "Service contracts (pólizas) of the account, newest first."),
    _fk(Account, "assets", Asset, "account_id", "Activos",
        "Activos asociados a clientes", "Assets at or lent to the account."),
    _fk(Account, "salesOrders", SalesOrder, "account_id", "Ventas",
        "Órdenes de venta por cliente", "Sales orders of the account, newest first."),
    _fk(Account, "quotes", Quote, "account_id", "Cotizacion",
        "Cotizaciones por cliente", "Quotes sent to the account, newest first."),
    _fk(Account, "projects", Project, "account_id", "Proyectos",
        "Proyectos asociados a clientes", "Projects carried out for the account, newest first."),
    _link(Account, "products", Product, AccountProduct, "Inventariables",
          "Productos asociados a clientes", "Products the account bought or is interested in."),
    _fk(Account, "opportunities", Opportunity, "account_id", "Oportunidades",
        "Oportunidades de venta por cliente", "Sales opportunities with the account, latest expected close first."),
    _fk(Account, "comments", Comment, "account_id", "Comments",
        "Comentarios asociados a clientes", "Internal comments on the account, newest first."),
    _fk(Account, "cases", SupportCase, "account_id", "Casos",
        "Casos de soporte por cliente", "Support cases of the account, newest first."),
    _link(Account, "emails", Email, AccountEmail, "Emails",
          "Comunicaciones por email con clientes", "Emails exchanged with the account, newest first."),
    _link(Account, "documents", Document, AccountDocument, "Archivos",
          "Documentos asociados a clientes", "Documents filed on the account, newest first."),
    _fk(Account, "contacts", Contact, "account_id", "Contactos",
        "Contactos asociados a cuentas de clientes", "People at the account, by last name."),
    _link(Account, "campaigns", Campaign, AccountCampaign, "Campañas",
          "Campañas asociadas a clientes", "Marketing campaigns the account is in; the edge holds its status in each.",
          link_fields=("status", "added_at")),
    _link(Account, "calendarEvents", CalendarEvent, AccountEvent, "Calendario",
          "Actividades programadas por cliente", "Calls, meetings and tasks with the account, newest first."),
    _fk(Account, "chatChannels", ChatChannel, "account_id", "Canales Chat",
        "Canales de comunicación por cliente", "RocketChat rooms of the account, most recently active first."),
)

#: The 17 tabs of the contact screen, in the order of the product documentation.
CONTACT_TABS: tuple[Relation, ...] = (
    _fk(Contact, "assets", Asset, "contact_id", "Activos",
        "Vinculación de activos con contactos", "Assets the contact is responsible for."),
    _link(Contact, "projects", Project, ContactProject, "Proyectos",
          "Vinculación de proyectos con contactos", "Projects the contact takes part in, newest first."),
    _fk(Contact, "addresses", Address, "contact_id", "Direcciones",
        "Gestión de direcciones por contacto", "Addresses of the contact."),
    _link(Contact, "services", Service, ContactService, "No inventariables",
          "Asociación de servicios con contactos", "Services provided to or considered by the contact."),
    _fk(Contact, "serviceContracts", ServiceContract, "contact_id", "Pólizas",
        "Gestión de contratos de servicio por contacto", "Service contracts (pólizas) of the contact, newest first."),
    _fk(Contact, "salesOrders", SalesOrder, "contact_id", "Ventas",
        "Vinculación de órdenes de venta con contactos", "Sales orders of the contact, newest first."),
    _fk(Contact, "quotes", Quote, "contact_id", "Cotizacion",
        "Gestión de cotizaciones por contacto", "Quotes sent to the contact, newest first."),
    _fk(Contact, "purchaseOrders", PurchaseOrder, "contact_id", "Compras",
        "Asociación de órdenes de compra con contactos", "Purchase orders requested by or for the contact, newest first."),
    _link(Contact, "products", Product, ContactProduct, "Inventariables",
          "Asociación de productos con contactos", "Products bought by, assigned to or of interest to the contact."),
    _link(Contact, "calendarEvents", CalendarEvent, ContactEvent, "Calendario",
          "Programación de eventos con contactos", "Calls, meetings and tasks with the contact, newest first."),
    _link(Contact, "opportunities", Opportunity, ContactOpportunity, "Oportunidades",
          "Vinculación de oportunidades de venta con contactos", "Opportunities the contact takes part in."),
    _fk(Contact, "comments", Comment, "contact_id", "Comments",
        "Gestión de comentarios asociados a contactos", "Internal comments on the contact, newest first."),
    _fk(Contact, "cases", SupportCase, "contact_id", "Casos",
        "Gestión de casos de soporte por contacto", "Support cases reported by the contact, newest first."),
    _link(Contact, "emails", Email, ContactEmail, "Emails",
          "Registro de comunicaciones por email", "Emails exchanged with the contact, newest first."),
    _link(Contact, "documents", Document, ContactDocument, "Archivos",
          "Gestión de documentos asociados a contactos", "Documents filed on the contact, newest first."),
    _link(Contact, "campaigns", Campaign, ContactCampaign, "Campañas",
          "Asociación de contactos con campañas", "Marketing campaigns the contact is in; the edge holds its status in each.",
          link_fields=("status", "added_at")),
    _fk(Contact, "chatChannels", ChatChannel, "contact_id", "Canales Chat",
        "Integración de canales de chat con contactos", "RocketChat rooms of the contact, most recently active first."),
)

#: Connections that are no tab of the screen: a contact's history (bitácora), which the product shows
#: on its account; this makes it findable for a contact without one too.
OTHER_LISTS: tuple[Relation, ...] = (
    Relation(Contact, "activityLog", ActivityLog, "", "", "History of the contact (bitácora), newest first: every "
             "mutation about the contact writes one entry, also when the contact has no account.", fk="contact_id"),
)

#: Complete child lists that are no tab: the lines of a document, in position order, and the
#: documentos relacionados of the payment complement, from either side.
CHILD_LISTS: tuple[Relation, ...] = tuple(
    Relation(parent, "lines", line, "", "", f"Lines of the {parent.__tablename__.replace('_', ' ')}, by position.",
             fk=f"{parent.__tablename__}_id", paged=False)
    for parent, line in (
        (Quote, QuoteLine), (SalesOrder, SalesOrderLine), (PurchaseOrder, PurchaseOrderLine), (Invoice, InvoiceLine),
    )
) + (
    Relation(PaymentCfdi, "relatedDocuments", PaymentRelatedDocument, "", "",
             "Documentos relacionados: the invoices this payment pays, with the installment and balances of "
             "each, by installment number.",
             fk="payment_cfdi_id", paged=False),
    Relation(Invoice, "payments", PaymentRelatedDocument, "", "",
             "The payments of this invoice by installment (NumParcialidad), each a documento relacionado of a payment "
             "CFDI; those of a cancelled payment CFDI too (see paymentCfdi.status).",
             fk="invoice_id", paged=False),
)

RELATIONS: tuple[Relation, ...] = ACCOUNT_TABS + CONTACT_TABS + OTHER_LISTS + CHILD_LISTS
TABS: dict[type[Table], tuple[Relation, ...]] = {Account: ACCOUNT_TABS, Contact: CONTACT_TABS}
#: The first tab of both screens: the record's own fields, which no relation holds.
DETAILS_LABEL = "Detalles"
#: Each document with lines (a quote, an order, an invoice) -> the relation of its lines.
LINES: dict[type[Table], Relation] = {r.parent: r for r in CHILD_LISTS if issubclass(r.target, DocumentLine)}


def order_columns(model: type[Table]) -> list[str]:
    """Column names of the model's default order, without direction marks."""
    return [name.lstrip("-") for name in model.default_order]


def _index_every_foreign_key_tab() -> None:
    """An index on (parent column, default order) for every FK relation: the per-parent window reads it in order."""
    for relation in RELATIONS:
        if relation.fk is None:
            continue
        table = relation.target.__table__
        columns = [relation.fk, *(c for c in order_columns(relation.target) if c != relation.fk)]
        name = "ix_" + "_".join([table.name, *columns])
        if len(columns) > 1 and name not in {index.name for index in table.indexes}:
            sa.Index(name, *(table.c[c] for c in columns))
            # The composite index serves every lookup the single-column one did.
            table.indexes -= {index for index in table.indexes if index.name == f"ix_{table.name}_{relation.fk}"}


_index_every_foreign_key_tab()


def index_default_orders(models: list[type[Table]]) -> None:
    """An index on the first sort column of every table when it is a date or a name: root lists
    read it in order, and range filters on it (a month of invoices) use it. Not for enums (few
    values), unique columns (their constraint is an index) or lines (read within their document)."""
    lines = {relation.target for relation in CHILD_LISTS}
    for model in models:
        table = model.__table__
        column = table.c[order_columns(model)[0]]
        kind = column.type.impl if isinstance(column.type, sa.TypeDecorator) else column.type
        wanted = isinstance(kind, (sa.Date, sa.DateTime, sa.String)) and not isinstance(kind, sa.Enum)
        leads = any(index.columns.keys()[0] == column.name for index in table.indexes)
        if wanted and not column.unique and model not in lines and not leads:
            sa.Index(f"ix_{table.name}_{column.name}", column)
