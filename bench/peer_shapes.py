"""The query sets of bench/peer.py: each shape is one query asked of crmgraph and of PostGraphile,
the harness's four and ours (`bench/peer_queries/`), and the invoices tab of a big and a small account."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import PROJECT_DIR

QUERIES = PROJECT_DIR / "bench" / "peer_queries"

#: The account and contact the harness's queries are written for (seed 1, 2000 accounts): rows in every tab asked for.
ACCOUNT_PK, CONTACT_PK = 1854, 4631
BIG_INVOICES, SMALL_INVOICES = 100_000, 10


def global_id(type_name: str, pk: int) -> str:
    """crmgraph's Relay id of a row, as its schema encodes it."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def pk_of(global_id_text: str) -> int | str:
    """The primary key a crmgraph id stands for (the text itself when it is no id of ours)."""
    try:
        _, _, pk = base64.b64decode(global_id_text + "=" * (-len(global_id_text) % 4)).decode().partition(":")
        return int(pk)
    except ValueError:
        return global_id_text


@dataclass(frozen=True)
class Shape:
    """One query asked of both servers: crmgraph's document and PostGraphile's, with their variables."""

    name: str
    what: str
    crm: Path
    pgl: Path
    crm_vars: dict[str, Any] | None = None
    pgl_vars: dict[str, Any] | None = None
    heavy: bool = False  #: a BI page: measured with fewer requests


def account_vars(pk: int) -> dict[str, Any]:
    return {"crm_vars": {"id": global_id("Account", pk)}, "pgl_vars": {"id": pk}}


def compared_shapes(harness: Path) -> list[Shape]:
    """The harness's four shapes, then ours: other tabs, another contact screen, another depth."""
    theirs, ours = harness / "queries", QUERIES
    contact = {"crm_vars": {"id": global_id("Contact", CONTACT_PK)}, "pgl_vars": {"id": CONTACT_PK}}
    return [
        Shape("tab", "account + 5 tabs x 20, totalCount (harness)", theirs / "crm_tab.graphql",
              theirs / "pgl_tab.graphql", **account_vars(ACCOUNT_PK)),
        Shape("contact", "contact + 17 tab counts + 20 POs, lines (harness)", theirs / "crm_contact.graphql",
              theirs / "pgl_contact.graphql", **contact),
        Shape("bi", "100 accounts x 3 tabs x 10 (harness)", theirs / "crm_bi.graphql", theirs / "pgl_bi.graphql",
              heavy=True),
        Shape("deep", "50 accounts > 10 contacts > 5 POs > lines (harness)", theirs / "crm_deep.graphql",
              theirs / "pgl_deep.graphql"),
        Shape("tabs2", "account + 5 other tabs x 20, totalCount", ours / "crm_tabs2.graphql",
              ours / "pgl_tabs2.graphql", **account_vars(ACCOUNT_PK)),
        Shape("contact2", "contact + 20 sales orders, lines + 20 cases", ours / "crm_contact2.graphql",
              ours / "pgl_contact2.graphql", **contact),
        Shape("bi2", "100 accounts > 5 contacts > 3 cases", ours / "crm_bi2.graphql", ours / "pgl_bi2.graphql",
              heavy=True),
    ]


#: The invoices tab as the screen shows it (20 rows and totalCount), and its page alone: the count has to read
#: every invoice of the account, the page should read only its 20 rows.
INVOICE_TABS = {"": ("invoices", "invoices tab + totalCount"), "_page": ("invoices_page", "invoices page, no count")}


def invoice_shapes(big: int, small: int) -> list[Shape]:
    """The invoices tab of the 10-invoice account and of the 100,000-invoice one, with and without totalCount."""
    shapes = []
    for suffix, (query, what) in INVOICE_TABS.items():
        crm, pgl = QUERIES / f"crm_{query}.graphql", QUERIES / f"pgl_{query}.graphql"
        shapes += [Shape(f"small{suffix}", f"{what}, {SMALL_INVOICES} inv.", crm, pgl, **account_vars(small)),
                   Shape(f"big{suffix}", f"{what}, {BIG_INVOICES:,} inv.", crm, pgl, **account_vars(big))]
    return shapes
