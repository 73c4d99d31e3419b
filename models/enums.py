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
