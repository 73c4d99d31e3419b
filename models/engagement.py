"""What people do around an account or contact: the activity log, comments, support cases, chat channels."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlmodel import JSON, Field

from models.base import Table, choice, ref, text, timestamp
from models.enums import CaseChannel, CasePriority, CaseSeverity, CaseStatus, ChatRoomType


class ActivityLog(Table, table=True):
    __tablename__ = "activity_log"
    __table_args__ = (
        sa.CheckConstraint("account_id IS NOT NULL OR contact_id IS NOT NULL", name="ck_activity_log_about_someone"),
    )
    label: ClassVar[str] = "Bitácora: one entry of an account's or contact's history; every mutation writes one."
    default_order: ClassVar[tuple[str, ...]] = ("-at",)

    account_id: int | None = ref("account", "Account the entry is about (null for a contact without an account).", keep=True)
    contact_id: int | None = ref("contact", "Contact the entry is about, when it is about one.", keep=True)
    at: dt.datetime = timestamp("When it happened (UTC).")
    actor: str = text("Who did it (user or API token name).", max_length=120)
    action: str = text("What was done, e.g. DUPLICATED, UPDATED.", max_length=40)
    summary: str = text("One line for humans.", max_length=254)
    details: dict[str, Any] | None = Field(default=None, sa_type=JSON, description="Structured details (JSON).")


class Comment(Table, table=True):
    __tablename__ = "comment"
    label: ClassVar[str] = "Comment: an internal note on an account or contact, possibly a reply."
    default_order: ClassVar[tuple[str, ...]] = ("-created_at",)

    account_id: int | None = ref("account", "Account commented on.", owned=True)
    contact_id: int | None = ref("contact", "Contact commented on.", owned=True)
    body: str = text("Text of the comment.")
    author: str = text("Who wrote it.", max_length=120)
    created_at: dt.datetime = timestamp("When it was written (UTC).")
    parent_comment_id: int | None = ref("comment", "Comment this one replies to.")


class SupportCase(Table, table=True):
    __tablename__ = "support_case"
    label: ClassVar[str] = "Caso: a support case reported by an account or contact."
    default_order: ClassVar[tuple[str, ...]] = ("-opened_at",)

    account_id: int | None = ref("account", "Account that reported it.")
    contact_id: int | None = ref("contact", "Contact that reported it.")
    case_no: str = text("Case number, e.g. CAS-000123.", max_length=20, unique=True)
    title: str = text("Title.", max_length=254)
    status: CaseStatus = choice(CaseStatus, "State of the case.", default=CaseStatus.OPEN)
    priority: CasePriority = choice(CasePriority, "Priority.", default=CasePriority.NORMAL)
    severity: CaseSeverity = choice(CaseSeverity, "Severity.", default=CaseSeverity.MINOR)
    channel: CaseChannel = choice(CaseChannel, "Where it came in.", default=CaseChannel.EMAIL)
    opened_at: dt.datetime = timestamp("When it was opened (UTC).")
    closed_at: dt.datetime | None = timestamp("When it was closed (UTC).", optional=True)


class ChatChannel(Table, table=True):
    __tablename__ = "chat_channel"
    label: ClassVar[str] = "Canal de chat: a RocketChat room tied to an account or contact."
    default_order: ClassVar[tuple[str, ...]] = ("-last_message_at",)

    account_id: int | None = ref("account", "Account of the room.")
    contact_id: int | None = ref("contact", "Contact of the room.")
    room_id: str = text("RocketChat room id.", max_length=60)
    room_name: str = text("Room name.", max_length=120)
    room_type: ChatRoomType = choice(ChatRoomType, "Room type.", default=ChatRoomType.LIVECHAT)
    url: str | None = text("Link to the room.", max_length=254)
    last_message_at: dt.datetime | None = timestamp("Time of the last message (UTC).", optional=True)
