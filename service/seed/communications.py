"""Seeds emails, documents and calendar events, linked to the account (account_email, ...) and,
often, one of its contacts (contact_email, ...).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from models.enums import EmailDirection, EventKind, EventStatus
from service.seed.pools import pool, records
from service.seed.seeder import SeededAccount, SeededContact, Seeder
from service.seed.values import Weighted, future_moment, hex_digits, past_moment, slug

#: `{n}` in a subject is a folio.
_EMAIL_SUBJECTS = pool("communications", "email_subjects")
_EMAIL_PREVIEWS = pool("communications", "email_previews")
_DOCUMENTS = records("communications", "documents", "title", "mime_type", "extension")
_EVENTS = {EventKind(kind): subjects for kind, subjects in pool("communications", "event_subjects").items()}
_EVENT_PLACES = pool("communications", "event_places")
_EVENT_KINDS = Weighted([(EventKind.CALL, 35), (EventKind.MEETING, 40), (EventKind.TASK, 25)])
_PAST_EVENT_STATUS = Weighted([(EventStatus.HELD, 70), (EventStatus.NOT_HELD, 15), (EventStatus.CANCELLED, 10),
                               (EventStatus.PLANNED, 5)])
#: Link table and its target column, per table reached through account_* / contact_* links.
_LINKS_OF = {"email": ("email", "email_id"), "document": ("document", "document_id"),
             "calendar_event": ("event", "event_id")}


def seed_communications(seeder: Seeder, rng: random.Random, account: SeededAccount | None,
                        contacts: list[SeededContact]) -> None:
    """Emails, documents and calendar events, linked to the account and, often, one of its contacts."""
    for table, build in (("email", _email), ("document", _document), ("calendar_event", _event)):
        link_table, link_column = _LINKS_OF[table]
        for owner, contact in seeder.owners(rng, account, contacts):
            row_id = seeder.next_id(table)
            seeder.add(table, build(seeder, rng, row_id, owner, contact))
            if owner is not None:
                seeder.add(f"account_{link_table}", {"account_id": owner.id, link_column: row_id})
            if contact is not None:
                seeder.add(f"contact_{link_table}", {"contact_id": contact.id, link_column: row_id})


def _email(seeder: Seeder, rng: random.Random, email_id: int, account: SeededAccount | None,
           contact: SeededContact | None) -> dict[str, Any]:
    user = seeder.user(rng)
    party = contact.email if contact is not None else account.email  # type: ignore[union-attr]
    outbound = rng.random() < 0.6
    sender, recipient = (user[2], party) if outbound else (party, user[2])
    cc = None
    if account is not None and len(account.contacts) > 1 and rng.random() < 0.25:
        cc = ", ".join(c.email for c in rng.sample(account.contacts, 2) if c is not contact) or None
    return {
        "id": email_id,
        "subject": rng.choice(_EMAIL_SUBJECTS).format(n=rng.randint(100, 99999)),
        "from_address": sender,
        "to_addresses": recipient,
        "cc_addresses": cc,
        "sent_at": past_moment(rng, 0, min(seeder.age(account, contact), 730)),
        "direction": EmailDirection.OUTBOUND if outbound else EmailDirection.INBOUND,
        "body_preview": rng.choice(_EMAIL_PREVIEWS),
        "message_id": f"<{hex_digits(rng, 24)}@{sender.rsplit('@', 1)[1]}>",
    }


def _document(seeder: Seeder, rng: random.Random, document_id: int, account: SeededAccount | None,
              contact: SeededContact | None) -> dict[str, Any]:
    title, mime_type, extension = rng.choice(_DOCUMENTS)
    uploaded = past_moment(rng, 0, min(seeder.age(account, contact), 1095))
    return {
        "id": document_id,
        "title": title,
        "filename": f"{slug(title, '_')}_{document_id}.{extension}",
        "mime_type": mime_type,
        "size": rng.randint(20_000, 8_000_000),
        "storage_key": f"documents/{uploaded:%Y/%m}/{hex_digits(rng, 32)}.{extension}",
        "uploaded_at": uploaded,
    }


def _event(seeder: Seeder, rng: random.Random, event_id: int, account: SeededAccount | None,
           contact: SeededContact | None) -> dict[str, Any]:
    kind = _EVENT_KINDS.pick(rng)
    if rng.random() < 0.2:
        start, status = future_moment(rng, 1, 60), EventStatus.PLANNED
    else:
        start, status = past_moment(rng, 0, min(seeder.age(account, contact), 540)), _PAST_EVENT_STATUS.pick(rng)
    minutes = {EventKind.CALL: rng.randint(1, 9) * 5, EventKind.MEETING: rng.randint(2, 8) * 15,
               EventKind.TASK: 30}[kind]
    return {
        "id": event_id,
        "subject": rng.choice(_EVENTS[kind]),
        "kind": kind,
        "start_at": start,
        "end_at": None if kind is EventKind.TASK and rng.random() < 0.5 else start + timedelta(minutes=minutes),
        "status": status,
        "location": {EventKind.CALL: "Teléfono", EventKind.TASK: None}.get(kind, rng.choice(_EVENT_PLACES)),
    }
