"""Enumerations of the domain. Values are SCREAMING_CASE, equal to their names."""

from __future__ import annotations

from enum import StrEnum


class AccountType(StrEnum):
    """Kind of account."""

    CUSTOMER = "CUSTOMER"
    PROSPECT = "PROSPECT"
    DISTRIBUTOR = "DISTRIBUTOR"
    RESELLER = "RESELLER"
    PARTNER = "PARTNER"
    SUPPLIER = "SUPPLIER"
    OTHER = "OTHER"


class PaymentMethod(StrEnum):
    """SAT c_MetodoPago: PUE single payment, PPD deferred or in instalments."""

    PUE = "PUE"
    PPD = "PPD"


class ShippingMethod(StrEnum):
    """Shipping methods an account accepts (store and shipping preferences)."""

    PICKUP = "PICKUP"
    LOCAL_DELIVERY = "LOCAL_DELIVERY"
    PARCEL = "PARCEL"
    FREIGHT = "FREIGHT"
    EXPRESS = "EXPRESS"


class AccountRelationKind(StrEnum):
    """How one account relates to another."""

    PARENT = "PARENT"
    SUBSIDIARY = "SUBSIDIARY"
    AFFILIATE = "AFFILIATE"
    PARTNER = "PARTNER"
    OTHER = "OTHER"


class AddressKind(StrEnum):
    """Use of an address."""

    FISCAL = "FISCAL"
    BILLING = "BILLING"
    SHIPPING = "SHIPPING"
    OTHER = "OTHER"


class SubscriptionStatus(StrEnum):
    """State of a rental or subscription."""

    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


class BillingPeriod(StrEnum):
    """How often a subscription is billed."""

    MONTHLY = "MONTHLY"
    QUARTERLY = "QUARTERLY"
    YEARLY = "YEARLY"


class FiscalDocumentStatus(StrEnum):
    """State of a stamped CFDI (payment, transfer)."""

    ISSUED = "ISSUED"
    CANCELLED = "CANCELLED"


class CreditNoteStatus(StrEnum):
    """State of a credit note."""

    ISSUED = "ISSUED"
    APPLIED = "APPLIED"
    CANCELLED = "CANCELLED"


class MovementKind(StrEnum):
    """Direction of a warehouse movement."""

    IN = "IN"
    OUT = "OUT"
    TRANSFER = "TRANSFER"


class LotSerialStatus(StrEnum):
    """State of a lot or serial number."""

    AVAILABLE = "AVAILABLE"
    DELIVERED = "DELIVERED"
    RETURNED = "RETURNED"
    EXPIRED = "EXPIRED"


class CashFlowKind(StrEnum):
    """Direction of a cash flow entry."""

    INFLOW = "INFLOW"
    OUTFLOW = "OUTFLOW"


class InvoiceStatus(StrEnum):
    """State of an invoice (factura)."""

    DRAFT = "DRAFT"
    ISSUED = "ISSUED"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    OVERDUE = "OVERDUE"
    CANCELLED = "CANCELLED"


class BankTransactionKind(StrEnum):
    """Direction of a bank or cash transaction."""

    DEPOSIT = "DEPOSIT"
    WITHDRAWAL = "WITHDRAWAL"


class CommissionStatus(StrEnum):
    """State of a commission."""

    PENDING = "PENDING"
    APPROVED = "APPROVED"
    PAID = "PAID"


class ServiceContractStatus(StrEnum):
    """State of a service contract (póliza)."""

    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    ON_HOLD = "ON_HOLD"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class TrackingUnit(StrEnum):
    """What a service contract counts."""

    HOURS = "HOURS"
    INCIDENTS = "INCIDENTS"
    VISITS = "VISITS"


class AssetStatus(StrEnum):
    """State of an asset."""

    IN_SERVICE = "IN_SERVICE"
    IN_REPAIR = "IN_REPAIR"
    OUT_OF_SERVICE = "OUT_OF_SERVICE"
    RETIRED = "RETIRED"


class SalesOrderStatus(StrEnum):
    """State of a sales order."""

    CREATED = "CREATED"
    APPROVED = "APPROVED"
    DELIVERED = "DELIVERED"
    INVOICED = "INVOICED"
    CANCELLED = "CANCELLED"


class QuoteStage(StrEnum):
    """Stage of a quote (cotización)."""

    DRAFT = "DRAFT"
    DELIVERED = "DELIVERED"
    REVIEWED = "REVIEWED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


class PurchaseOrderStatus(StrEnum):
    """State of a purchase order (orden de compra)."""

    CREATED = "CREATED"
    APPROVED = "APPROVED"
    SENT_TO_VENDOR = "SENT_TO_VENDOR"
    RECEIVED = "RECEIVED"


class Tax(StrEnum):
    """Tax of a line: IVA 16%, IVA 8% (border zone), IVA 0%, or exempt (EXENTO)."""

    IVA_16 = "IVA_16"
    IVA_8 = "IVA_8"
    IVA_0 = "IVA_0"
    EXENTO = "EXENTO"


class ProjectStatus(StrEnum):
    """State of a project."""

    PLANNED = "PLANNED"
    IN_PROGRESS = "IN_PROGRESS"
    ON_HOLD = "ON_HOLD"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class OpportunityStage(StrEnum):
    """Stage of a sales opportunity."""

    PROSPECTING = "PROSPECTING"
    QUALIFICATION = "QUALIFICATION"
    PROPOSAL = "PROPOSAL"
    NEGOTIATION = "NEGOTIATION"
    CLOSED_WON = "CLOSED_WON"
    CLOSED_LOST = "CLOSED_LOST"


class CaseStatus(StrEnum):
    """State of a support case."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    WAITING = "WAITING"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class CasePriority(StrEnum):
    """Priority of a support case."""

    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


class CaseSeverity(StrEnum):
    """Severity of a support case."""

    MINOR = "MINOR"
    MAJOR = "MAJOR"
    CRITICAL = "CRITICAL"


class CaseChannel(StrEnum):
    """Where a support case came in."""

    EMAIL = "EMAIL"
    PHONE = "PHONE"
    WEB = "WEB"
    CHAT = "CHAT"


class EmailDirection(StrEnum):
    """Whether an email was received or sent."""

    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class CampaignType(StrEnum):
    """Channel of a marketing campaign."""

    EMAIL = "EMAIL"
    EVENT = "EVENT"
    WEBINAR = "WEBINAR"
    SOCIAL = "SOCIAL"
    ADVERTISING = "ADVERTISING"
    TRADE_SHOW = "TRADE_SHOW"


class CampaignStatus(StrEnum):
    """State of a campaign."""

    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class CampaignMemberStatus(StrEnum):
    """Where one account or contact stands in a campaign (a link attribute)."""

    TARGETED = "TARGETED"
    SENT = "SENT"
    OPENED = "OPENED"
    RESPONDED = "RESPONDED"
    CONVERTED = "CONVERTED"
    UNSUBSCRIBED = "UNSUBSCRIBED"


class EventKind(StrEnum):
    """Kind of calendar activity."""

    CALL = "CALL"
    MEETING = "MEETING"
    TASK = "TASK"


class EventStatus(StrEnum):
    """State of a calendar activity."""

    PLANNED = "PLANNED"
    HELD = "HELD"
    NOT_HELD = "NOT_HELD"
    CANCELLED = "CANCELLED"


class ChatRoomType(StrEnum):
    """RocketChat room type."""

    CHANNEL = "CHANNEL"
    PRIVATE_GROUP = "PRIVATE_GROUP"
    DIRECT = "DIRECT"
    LIVECHAT = "LIVECHAT"


#: Rate of each tax (EXENTO has a base and no tax).
TAX_RATES = {"IVA_16": "0.16", "IVA_8": "0.08", "IVA_0": "0.00", "EXENTO": "0.00"}

#: What each value of each enum means, as the API documents it (schema/enums.py attaches them).
VALUE_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "AccountType": {
        "CUSTOMER": "Buys from us.", "PROSPECT": "May buy: not a customer yet.",
        "DISTRIBUTOR": "Distributes our products.", "RESELLER": "Resells our products to its own customers.",
        "PARTNER": "Works with us (alliances, referrals).", "SUPPLIER": "Sells to us.", "OTHER": "None of these.",
    },
    "PaymentMethod": {
        "PUE": "Pago en una sola exhibición: paid in full when invoiced.",
        "PPD": "Pago en parcialidades o diferido: paid later or in instalments, with payment CFDIs.",
    },
    "ShippingMethod": {
        "PICKUP": "Collected at our store or warehouse.", "LOCAL_DELIVERY": "Delivered by our own vehicles.",
        "PARCEL": "Sent by a parcel service.", "FREIGHT": "Sent by a freight carrier.", "EXPRESS": "Sent by express courier.",
    },
    "AccountRelationKind": {
        "PARENT": "The related account owns this one.", "SUBSIDIARY": "This account owns the related one.",
        "AFFILIATE": "Both belong to the same group.", "PARTNER": "They work together.", "OTHER": "Another relation.",
    },
    "AddressKind": {
        "FISCAL": "The fiscal address registered with the SAT.", "BILLING": "Where invoices are sent.",
        "SHIPPING": "Where goods are delivered.", "OTHER": "Any other use.",
    },
    "SubscriptionStatus": {
        "ACTIVE": "Running and billed.", "PAUSED": "Stopped for a while, not billed.",
        "CANCELLED": "Ended before its end date.", "EXPIRED": "Ended at its end date.",
    },
    "BillingPeriod": {"MONTHLY": "Billed every month.", "QUARTERLY": "Billed every three months.",
                      "YEARLY": "Billed every year."},
    "FiscalDocumentStatus": {"ISSUED": "Stamped by the SAT and in force.", "CANCELLED": "Cancelled before the SAT."},
    "CreditNoteStatus": {
        "ISSUED": "Issued, not yet applied.", "APPLIED": "Applied to an invoice's balance.", "CANCELLED": "Cancelled.",
    },
    "MovementKind": {"IN": "Goods entering a warehouse.", "OUT": "Goods leaving a warehouse.",
                     "TRANSFER": "Goods moved between warehouses."},
    "LotSerialStatus": {
        "AVAILABLE": "In stock.", "DELIVERED": "Delivered to the account.", "RETURNED": "Returned by the account.",
        "EXPIRED": "Past its expiry date.",
    },
    "CashFlowKind": {"INFLOW": "Money received.", "OUTFLOW": "Money paid out."},
    "InvoiceStatus": {
        "DRAFT": "Not stamped yet.", "ISSUED": "Stamped and sent, nothing paid yet.",
        "PARTIALLY_PAID": "Part of its total is paid.", "PAID": "Fully paid.",
        "OVERDUE": "Past its due date with a balance left.", "CANCELLED": "Cancelled before the SAT.",
    },
    "BankTransactionKind": {"DEPOSIT": "Money into the bank or cash box.", "WITHDRAWAL": "Money out of it."},
    "CommissionStatus": {"PENDING": "Earned, not approved yet.", "APPROVED": "Approved for payment.",
                         "PAID": "Paid to the salesperson."},
    "ServiceContractStatus": {
        "PLANNED": "Agreed, not started.", "ACTIVE": "In force.", "ON_HOLD": "Suspended for a while.",
        "COMPLETED": "Ran its course.", "CANCELLED": "Ended early.",
    },
    "TrackingUnit": {"HOURS": "Counts hours of service.", "INCIDENTS": "Counts incidents attended.",
                     "VISITS": "Counts visits made."},
    "AssetStatus": {
        "IN_SERVICE": "Working at the account.", "IN_REPAIR": "Being repaired.",
        "OUT_OF_SERVICE": "Not working, not in repair.", "RETIRED": "No longer used.",
    },
    "SalesOrderStatus": {
        "CREATED": "Entered, not approved.", "APPROVED": "Approved for delivery.", "DELIVERED": "Delivered.",
        "INVOICED": "Invoiced.", "CANCELLED": "Cancelled.",
    },
    "QuoteStage": {
        "DRAFT": "Being written.", "DELIVERED": "Sent to the customer.", "REVIEWED": "Reviewed with the customer.",
        "ACCEPTED": "Accepted by the customer.", "REJECTED": "Turned down by the customer.",
    },
    "PurchaseOrderStatus": {
        "CREATED": "Creada: entered, not approved.", "APPROVED": "Aprobada: approved.",
        "SENT_TO_VENDOR": "Enviada al proveedor: sent to the vendor.", "RECEIVED": "Recibida: the goods were received.",
    },
    "Tax": {
        "IVA_16": "IVA at 16%, the general rate.", "IVA_8": "IVA at 8%, the northern and southern border region rate.",
        "IVA_0": "IVA at 0% (a taxed line at a zero rate).", "EXENTO": "Exempt from IVA: a base and no tax.",
    },
    "ProjectStatus": {
        "PLANNED": "Not started.", "IN_PROGRESS": "Under way.", "ON_HOLD": "Paused.", "COMPLETED": "Finished.",
        "CANCELLED": "Stopped for good.",
    },
    "OpportunityStage": {
        "PROSPECTING": "Finding out whether there is a need.", "QUALIFICATION": "Checking budget, need and timing.",
        "PROPOSAL": "A proposal was made.", "NEGOTIATION": "Terms are being negotiated.",
        "CLOSED_WON": "Won.", "CLOSED_LOST": "Lost.",
    },
    "CaseStatus": {
        "OPEN": "Reported, not worked on yet.", "IN_PROGRESS": "Being worked on.",
        "WAITING": "Waiting for the customer or a third party.", "RESOLVED": "Solved, awaiting confirmation.",
        "CLOSED": "Closed.",
    },
    "CasePriority": {"LOW": "When there is time.", "NORMAL": "In turn.", "HIGH": "Before normal cases.",
                     "URGENT": "At once."},
    "CaseSeverity": {"MINOR": "A nuisance; work goes on.", "MAJOR": "Work is impaired.",
                     "CRITICAL": "Work is stopped."},
    "CaseChannel": {"EMAIL": "By email.", "PHONE": "By phone.", "WEB": "Through the web portal.", "CHAT": "By chat."},
    "EmailDirection": {"INBOUND": "Received from the account or contact.", "OUTBOUND": "Sent to them."},
    "CampaignType": {
        "EMAIL": "Email marketing.", "EVENT": "An event.", "WEBINAR": "An online seminar.",
        "SOCIAL": "Social media.", "ADVERTISING": "Paid advertising.", "TRADE_SHOW": "A trade show.",
    },
    "CampaignStatus": {"PLANNED": "Not started.", "ACTIVE": "Running.", "COMPLETED": "Finished.",
                       "CANCELLED": "Called off."},
    "CampaignMemberStatus": {
        "TARGETED": "Chosen for the campaign.", "SENT": "Reached by the campaign.", "OPENED": "Opened it.",
        "RESPONDED": "Responded to it.", "CONVERTED": "Became a customer or an opportunity through it.",
        "UNSUBSCRIBED": "Asked to hear no more.",
    },
    "EventKind": {"CALL": "A phone call.", "MEETING": "A meeting.", "TASK": "A task to do."},
    "EventStatus": {"PLANNED": "Scheduled.", "HELD": "Took place.", "NOT_HELD": "Did not take place.",
                    "CANCELLED": "Called off."},
    "ChatRoomType": {
        "CHANNEL": "A public channel.", "PRIVATE_GROUP": "A private group.", "DIRECT": "A direct conversation.",
        "LIVECHAT": "A live chat with a visitor.",
    },
}
