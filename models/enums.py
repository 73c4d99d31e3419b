"""Enumerations of the domain. Values are SCREAMING_CASE, equal to their names."""

from __future__ import annotations

import enum


class _Enum(enum.StrEnum):
    """A string enum whose value is its name."""


def _enum(name: str, members: str, doc: str) -> type[_Enum]:
    cls = _Enum(name, [(member, member) for member in members.split()])
    cls.__doc__ = doc
    cls.__module__ = __name__
    return cls


AccountType = _enum("AccountType", "CUSTOMER PROSPECT DISTRIBUTOR RESELLER PARTNER SUPPLIER OTHER", "Kind of account.")
PaymentMethod = _enum("PaymentMethod", "PUE PPD", "SAT c_MetodoPago: PUE single payment, PPD deferred or in instalments.")
ShippingMethod = _enum(
    "ShippingMethod",
    "PICKUP LOCAL_DELIVERY PARCEL FREIGHT EXPRESS",
    "Shipping methods an account accepts (store and shipping preferences).",
)
AccountRelationKind = _enum(
    "AccountRelationKind", "PARENT SUBSIDIARY AFFILIATE PARTNER OTHER", "How one account relates to another."
)
AddressKind = _enum("AddressKind", "FISCAL BILLING SHIPPING OTHER", "Use of an address.")
SubscriptionStatus = _enum("SubscriptionStatus", "ACTIVE PAUSED CANCELLED EXPIRED", "State of a rental or subscription.")
BillingPeriod = _enum("BillingPeriod", "MONTHLY QUARTERLY YEARLY", "How often a subscription is billed.")
FiscalDocumentStatus = _enum(
    "FiscalDocumentStatus", "ISSUED CANCELLED", "State of a stamped CFDI (payment, transfer)."
)
CreditNoteStatus = _enum("CreditNoteStatus", "ISSUED APPLIED CANCELLED", "State of a credit note.")
MovementKind = _enum("MovementKind", "IN OUT TRANSFER", "Direction of a warehouse movement.")
LotSerialStatus = _enum("LotSerialStatus", "AVAILABLE DELIVERED RETURNED EXPIRED", "State of a lot or serial number.")
CashFlowKind = _enum("CashFlowKind", "INFLOW OUTFLOW", "Direction of a cash flow entry.")
InvoiceStatus = _enum(
    "InvoiceStatus", "DRAFT ISSUED PARTIALLY_PAID PAID OVERDUE CANCELLED", "State of an invoice (factura)."
)
BankTransactionKind = _enum("BankTransactionKind", "DEPOSIT WITHDRAWAL", "Direction of a bank or cash transaction.")
CommissionStatus = _enum("CommissionStatus", "PENDING APPROVED PAID", "State of a commission.")
ServiceContractStatus = _enum(
    "ServiceContractStatus", "PLANNED ACTIVE ON_HOLD COMPLETED CANCELLED", "State of a service contract (póliza)."
)
TrackingUnit = _enum("TrackingUnit", "HOURS INCIDENTS VISITS", "What a service contract counts.")
AssetStatus = _enum("AssetStatus", "IN_SERVICE IN_REPAIR OUT_OF_SERVICE RETIRED", "State of an asset.")
SalesOrderStatus = _enum(
    "SalesOrderStatus", "CREATED APPROVED DELIVERED INVOICED CANCELLED", "State of a sales order."
)
QuoteStage = _enum("QuoteStage", "DRAFT DELIVERED REVIEWED ACCEPTED REJECTED", "Stage of a quote (cotización).")
PurchaseOrderStatus = _enum(
    "PurchaseOrderStatus", "CREATED APPROVED SENT_TO_VENDOR RECEIVED", "State of a purchase order (orden de compra)."
)
Tax = _enum(
    "Tax",
    "IVA_16 IVA_8 IVA_0 EXENTO",
    "Tax of a line: IVA 16%, IVA 8% (border zone), IVA 0%, or exempt (EXENTO).",
)
ProjectStatus = _enum("ProjectStatus", "PLANNED IN_PROGRESS ON_HOLD COMPLETED CANCELLED", "State of a project.")
OpportunityStage = _enum(
    "OpportunityStage",
    "PROSPECTING QUALIFICATION PROPOSAL NEGOTIATION CLOSED_WON CLOSED_LOST",
    "Stage of a sales opportunity.",
)
CaseStatus = _enum("CaseStatus", "OPEN IN_PROGRESS WAITING RESOLVED CLOSED", "State of a support case.")
CasePriority = _enum("CasePriority", "LOW NORMAL HIGH URGENT", "Priority of a support case.")
CaseSeverity = _enum("CaseSeverity", "MINOR MAJOR CRITICAL", "Severity of a support case.")
CaseChannel = _enum("CaseChannel", "EMAIL PHONE WEB CHAT", "Where a support case came in.")
EmailDirection = _enum("EmailDirection", "INBOUND OUTBOUND", "Whether an email was received or sent.")
CampaignType = _enum(
    "CampaignType", "EMAIL EVENT WEBINAR SOCIAL ADVERTISING TRADE_SHOW", "Channel of a marketing campaign."
)
CampaignStatus = _enum("CampaignStatus", "PLANNED ACTIVE COMPLETED CANCELLED", "State of a campaign.")
CampaignMemberStatus = _enum(
    "CampaignMemberStatus",
    "TARGETED SENT OPENED RESPONDED CONVERTED UNSUBSCRIBED",
    "Where one account or contact stands in a campaign (a link attribute).",
)
EventKind = _enum("EventKind", "CALL MEETING TASK", "Kind of calendar activity.")
EventStatus = _enum("EventStatus", "PLANNED HELD NOT_HELD CANCELLED", "State of a calendar activity.")
ChatRoomType = _enum("ChatRoomType", "CHANNEL PRIVATE_GROUP DIRECT LIVECHAT", "RocketChat room type.")

#: Rate of each tax (EXENTO has a base and no tax).
TAX_RATES = {"IVA_16": "0.16", "IVA_8": "0.08", "IVA_0": "0.00", "EXENTO": "0.00"}
