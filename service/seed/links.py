"""Seeds the link tables to the catalogue: the products, services and campaigns of each account and
contact (account_product, contact_service, account_campaign, ...).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from models.enums import CampaignMemberStatus, CampaignStatus
from service.seed.seeder import SeededAccount, SeededContact, Seeder
from service.seed.values import ACCOUNT_ROWS, ANCHOR_DATE, Weighted, days_back, past_moment

T = TypeVar("T")

_MEMBER_STATUS = Weighted([(CampaignMemberStatus.TARGETED, 25), (CampaignMemberStatus.SENT, 30),
                           (CampaignMemberStatus.OPENED, 20), (CampaignMemberStatus.RESPONDED, 10),
                           (CampaignMemberStatus.CONVERTED, 8), (CampaignMemberStatus.UNSUBSCRIBED, 7)])


def seed_links(seeder: Seeder, rng: random.Random, account: SeededAccount | None,
               contacts: list[SeededContact]) -> None:
    """Products, services and campaigns of the account and its contacts (link tables)."""
    cat = seeder.catalogue
    parents: list[tuple[str, int, bool, float]] = []
    if account is not None:
        parents.append(("account", account.id, account.heavy, 0.75))
    parents += [("contact", contact.id, contact.heavy, 0.7) for contact in contacts]
    for side, parent_id, heavy, p in parents:
        for target, pool in (("service", cat.services), ("product", cat.products)):
            for item in _sample(rng, pool, heavy, p):
                seeder.add(f"{side}_{target}", {f"{side}_id": parent_id, f"{target}_id": item.id})
        for campaign_id, start, end, status in _sample(rng, cat.campaigns, heavy, p):
            newest = max(0, days_back(min(end, ANCHOR_DATE)))
            oldest = max(newest, days_back(start) + 30)
            seeder.add(f"{side}_campaign", {
                f"{side}_id": parent_id,
                "campaign_id": campaign_id,
                "status": CampaignMemberStatus.TARGETED if status is CampaignStatus.PLANNED
                else _MEMBER_STATUS.pick(rng),
                "added_at": past_moment(rng, newest, oldest),
            })


def _sample(rng: random.Random, pool: Sequence[T], heavy: bool, p: float) -> list[T]:
    """Distinct targets for a link table: the (parent, target) key must be unique."""
    if rng.random() >= p:
        return []
    count = rng.randint(30, 60) if heavy else ACCOUNT_ROWS.pick(rng)
    return rng.sample(pool, min(count, len(pool)))
