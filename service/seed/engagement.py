"""Seeds engagement: the activity log (account and contact history), comments with replies,
support cases and chat channels.
"""

from __future__ import annotations

import random
from typing import Any

from models.enums import CaseChannel, CasePriority, CaseSeverity, CaseStatus, ChatRoomType
from service.seed.pools import pool
from service.seed.seeder import Owner, SeededAccount, SeededContact, Seeder
from service.seed.values import CONTACT_ROWS, OWN_DOMAIN, Weighted, later, log_money, past_moment, slug

_CASE_STATUS = Weighted([(CaseStatus.OPEN, 15), (CaseStatus.IN_PROGRESS, 15), (CaseStatus.WAITING, 10),
                         (CaseStatus.RESOLVED, 25), (CaseStatus.CLOSED, 35)])
_CASE_PRIORITY = Weighted([(CasePriority.LOW, 25), (CasePriority.NORMAL, 50), (CasePriority.HIGH, 18),
                           (CasePriority.URGENT, 7)])
_CASE_SEVERITY = Weighted([(CaseSeverity.MINOR, 60), (CaseSeverity.MAJOR, 30), (CaseSeverity.CRITICAL, 10)])
_ROOM_TYPE = Weighted([(ChatRoomType.LIVECHAT, 45), (ChatRoomType.DIRECT, 25), (ChatRoomType.PRIVATE_GROUP, 20),
                       (ChatRoomType.CHANNEL, 10)])
_ROOM_PATHS = {ChatRoomType.CHANNEL: "channel", ChatRoomType.PRIVATE_GROUP: "group",
               ChatRoomType.DIRECT: "direct", ChatRoomType.LIVECHAT: "live"}
_ROOM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"  # Meteor ids, as RocketChat
_LOG_ACTIONS = ("UPDATED", "EMAILED", "CALLED", "INVOICED", "STATUS_CHANGED", "NOTE_ADDED", "ASSIGNED")
_CONTACT_LOG_ACTIONS = ("EMAILED", "CALLED", "CALLED", "NOTE_ADDED")
_UPDATED_FIELDS = ("phone", "email", "credit_limit", "payment_terms", "cfdi_use", "website")
#: How an account came into the CRM.
_CREATION_CHANNELS = pool("engagement", "creation_channels")
#: Who acts in the activity log when no salesperson does.
_SYSTEM_ACTORS = pool("engagement", "system_actors")
_CASE_TITLES = pool("engagement", "case_titles")
_COMMENT_BODIES = pool("engagement", "comment_bodies")
_REPLY_BODIES = pool("engagement", "reply_bodies")
_EMAIL_SUBJECTS = pool("communications", "email_subjects")


def seed_engagement(seeder: Seeder, rng: random.Random, account: SeededAccount | None,
                    contacts: list[SeededContact]) -> None:
    """Activity log (account tab), comments with replies, support cases and chat channels (both)."""
    if account is not None:
        _activity_log(seeder, rng, account)
    for contact in contacts:
        if rng.random() < 0.6:
            _contact_log(seeder, rng, account, contact)
    for owner in seeder.owners(rng, account, contacts):
        _comment(seeder, rng, *owner)
    for owner in seeder.owners(rng, account, contacts):
        _support_case(seeder, rng, owner)
    for owner in seeder.owners(rng, account, contacts, p_contact=0.75):
        _chat_channel(seeder, rng, owner)


def _activity_log(seeder: Seeder, rng: random.Random, account: SeededAccount) -> None:
    count = seeder.count(rng, account, 0.9)
    for n in range(count):
        user = seeder.user(rng)
        if n == 0:
            at, action = account.created_at, "CREATED"
            summary, details = "Cuenta creada", {"channel": rng.choice(_CREATION_CHANNELS)}
        else:
            at, action = past_moment(rng, 0, account.age), rng.choice(_LOG_ACTIONS)
            summary, details = _log_entry(seeder, rng, action, account.email, account.user_id)
        seeder.add("activity_log", {
            "id": seeder.next_id("activity_log"),
            "account_id": account.id,
            "contact_id": None,
            "at": at,
            "actor": user[1] if rng.random() < 0.85 else rng.choice(_SYSTEM_ACTORS),
            "action": action,
            "summary": summary,
            "details": details,
        })


def _contact_log(seeder: Seeder, rng: random.Random, account: SeededAccount | None, contact: SeededContact) -> None:
    """Entries about a contact; also in its account's history when it has one."""
    for _ in range(rng.randint(20, 40) if contact.heavy else CONTACT_ROWS.pick(rng)):
        action = rng.choice(_CONTACT_LOG_ACTIONS)
        summary, details = _log_entry(seeder, rng, action, contact.email, account.user_id if account else None)
        seeder.add("activity_log", {
            "id": seeder.next_id("activity_log"),
            "account_id": account.id if account else None,
            "contact_id": contact.id,
            "at": past_moment(rng, 0, contact.age),
            "actor": seeder.user(rng)[1] if rng.random() < 0.85 else rng.choice(_SYSTEM_ACTORS),
            "action": action,
            "summary": summary,
            "details": details,
        })


def _log_entry(seeder: Seeder, rng: random.Random, action: str, email: str,
               user_id: int | None) -> tuple[str, dict[str, Any]]:
    """The summary and details of one activity-log entry."""
    if action == "UPDATED":
        fields = rng.sample(_UPDATED_FIELDS, 2)
        return f"Se actualizaron {', '.join(fields)}", {"fields": fields}
    if action == "EMAILED":
        subject = rng.choice(_EMAIL_SUBJECTS).format(n=rng.randint(100, 99999))
        return f"Correo enviado: {subject}", {"subject": subject, "to": email}
    if action == "CALLED":
        minutes = rng.randint(1, 40)
        return f"Llamada de {minutes} min", {"minutes": minutes, "answered": rng.random() < 0.7}
    if action == "INVOICED":
        total = log_money(rng, 500, 400_000)
        return f"Factura emitida por ${total:,}", {"serie": "A", "total": str(total)}
    if action == "STATUS_CHANGED":
        return "Cambió de prospecto a cliente", {"from": "PROSPECT", "to": "CUSTOMER"}
    if action == "ASSIGNED":
        user = seeder.user(rng)
        return f"Asignada a {user[1]}", {"from_user_id": user_id, "to_user_id": user[0]}
    body = rng.choice(_COMMENT_BODIES)
    return "Nota agregada", {"chars": len(body)}


def _comment(seeder: Seeder, rng: random.Random, account: SeededAccount | None,
             contact: SeededContact | None) -> None:
    comment_id = seeder.next_id("comment")
    parent = seeder.last_comment
    if parent is not None and parent[1] is account and parent[2] is contact and rng.random() < 0.3:
        # A reply to the previous comment on the same record, a little later.
        parent_id, body = parent[0], rng.choice(_REPLY_BODIES)
        created = later(parent[3], rng.randint(600, 3 * 86400))
    else:
        parent_id, created = None, past_moment(rng, 0, min(seeder.age(account, contact), 1095))
        body = rng.choice(_COMMENT_BODIES)
    seeder.add("comment", {
        "id": comment_id,
        "account_id": account.id if account else None,
        "contact_id": contact.id if contact else None,
        "body": body,
        "author": seeder.user(rng)[1],
        "created_at": created,
        "parent_comment_id": parent_id,
    })
    seeder.last_comment = (comment_id, account, contact, created)


def _support_case(seeder: Seeder, rng: random.Random, owner: Owner) -> None:
    account, contact = owner
    case_id = seeder.next_id("support_case")
    opened = past_moment(rng, 0, min(seeder.age(account, contact), 1095))
    status = _CASE_STATUS.pick(rng)
    closed = status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
    seeder.add("support_case", {
        "id": case_id,
        "account_id": account.id if account else None,
        "contact_id": contact.id if contact else None,
        "case_no": f"CAS-{case_id:06d}",
        "title": rng.choice(_CASE_TITLES),
        "status": status,
        "priority": _CASE_PRIORITY.pick(rng),
        "severity": _CASE_SEVERITY.pick(rng),
        "channel": rng.choice(list(CaseChannel)),
        "opened_at": opened,
        "closed_at": later(opened, rng.randint(1800, 20 * 86400)) if closed else None,
    })


def _chat_channel(seeder: Seeder, rng: random.Random, owner: Owner) -> None:
    account, contact = owner
    room_type = _ROOM_TYPE.pick(rng)
    name = contact.name if contact else account.short_name  # type: ignore[union-attr]
    room_name = f"{slug(name)[:90]}-{rng.randint(1, 999)}"
    room_id = "".join(rng.choice(_ROOM_ALPHABET) for _ in range(17))
    path = _ROOM_PATHS[room_type]
    seeder.add("chat_channel", {
        "id": seeder.next_id("chat_channel"),
        "account_id": account.id if account else None,
        "contact_id": contact.id if contact else None,
        "room_id": room_id,
        "room_name": room_name,
        "room_type": room_type,
        "url": f"https://chat.{OWN_DOMAIN}/{path}/{room_id if path in ('direct', 'live') else room_name}",
        "last_message_at": past_moment(rng, 0, min(seeder.age(account, contact), 365)) if rng.random() < 0.9 else None,
    })
