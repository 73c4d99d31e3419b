"""Link tables of the many-to-many tabs. The primary key (parent, target) serves the parent's lookups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field

from models.base import TableModel, choice, timestamp
from models.enums import CampaignMemberStatus


def _end(table: str, description: str) -> Any:
    return Field(foreign_key=f"{table}.id", primary_key=True, ondelete="CASCADE", description=description)


def _target(table: str, description: str) -> Any:
    return Field(foreign_key=f"{table}.id", primary_key=True, ondelete="CASCADE", index=True, description=description)


class AccountService(TableModel, table=True):
    __tablename__ = "account_service"
    account_id: int = _end("account", "Account.")
    service_id: int = _target("service", "Service contracted or of interest.")


class ContactService(TableModel, table=True):
    __tablename__ = "contact_service"
    contact_id: int = _end("contact", "Contact.")
    service_id: int = _target("service", "Service provided or of interest.")


class AccountProduct(TableModel, table=True):
    __tablename__ = "account_product"
    account_id: int = _end("account", "Account.")
    product_id: int = _target("product", "Product bought or of interest.")


class ContactProduct(TableModel, table=True):
    __tablename__ = "contact_product"
    contact_id: int = _end("contact", "Contact.")
    product_id: int = _target("product", "Product bought, assigned or of interest.")


class ContactProject(TableModel, table=True):
    __tablename__ = "contact_project"
    contact_id: int = _end("contact", "Contact.")
    project_id: int = _target("project", "Project the contact takes part in.")


class ContactOpportunity(TableModel, table=True):
    __tablename__ = "contact_opportunity"
    contact_id: int = _end("contact", "Contact.")
    opportunity_id: int = _target("opportunity", "Opportunity the contact takes part in.")


class AccountEmail(TableModel, table=True):
    __tablename__ = "account_email"
    account_id: int = _end("account", "Account.")
    email_id: int = _target("email", "Email.")


class ContactEmail(TableModel, table=True):
    __tablename__ = "contact_email"
    contact_id: int = _end("contact", "Contact.")
    email_id: int = _target("email", "Email.")


class AccountDocument(TableModel, table=True):
    __tablename__ = "account_document"
    account_id: int = _end("account", "Account.")
    document_id: int = _target("document", "Document.")


class ContactDocument(TableModel, table=True):
    __tablename__ = "contact_document"
    contact_id: int = _end("contact", "Contact.")
    document_id: int = _target("document", "Document.")


class AccountCampaign(TableModel, table=True):
    __tablename__ = "account_campaign"
    account_id: int = _end("account", "Account.")
    campaign_id: int = _target("campaign", "Campaign.")
    status: CampaignMemberStatus = choice(
        CampaignMemberStatus, "Where this account stands in the campaign.", default=CampaignMemberStatus.TARGETED
    )
    added_at: datetime = timestamp("When the account was added to the campaign (UTC).")


class ContactCampaign(TableModel, table=True):
    __tablename__ = "contact_campaign"
    contact_id: int = _end("contact", "Contact.")
    campaign_id: int = _target("campaign", "Campaign.")
    status: CampaignMemberStatus = choice(
        CampaignMemberStatus, "Where this contact stands in the campaign.", default=CampaignMemberStatus.TARGETED
    )
    added_at: datetime = timestamp("When the contact was added to the campaign (UTC).")


class AccountEvent(TableModel, table=True):
    __tablename__ = "account_event"
    account_id: int = _end("account", "Account.")
    event_id: int = _target("calendar_event", "Calendar activity.")


class ContactEvent(TableModel, table=True):
    __tablename__ = "contact_event"
    contact_id: int = _end("contact", "Contact.")
    event_id: int = _target("calendar_event", "Calendar activity.")
