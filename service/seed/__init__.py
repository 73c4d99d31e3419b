"""Deterministic demo data: a Mexican CRM with accounts, contacts and every tab filled.

`seed_demo(engine, accounts=N, seed=S)` writes, in one transaction,

* the catalogue: salespeople (app_user), price lists, vendors, products, services, campaigns
  (`catalog.py`);
* N accounts (about 70 % companies, 30 % persons, 2 % with the generic RFC) with corporate
  groups and account relations, 1-5 contacts for most of them (plus a few without account),
  and their addresses (`parties.py`);
* the rows of every account tab and contact tab of `models.relations`, one module per area
  (`links.py`, `communications.py`, `finance.py`, `sales.py`, `operations.py`, `engagement.py`):
  most parents get 0-8 rows per tab, about 2 % get 30-60 so that paging has something to page through;
* documents that add up: quotes, orders and invoices store the totals of their lines (`lines.py`); PPD
  invoices are paid in installments by payment CFDIs whose documentos relacionados chain the
  balance from the invoice's total down to its stored balance; credit notes are subtotal + tax.

Determinism: every value comes from `random.Random` streams seeded from `seed` (one stream
per area, so changing one area does not reshuffle the others), from the word lists of
`data/*.json` (`pools.py`) and from pools of Faker es_MX values drawn once from
`Faker("es_MX").seed_instance(seed)`. Dates go back from a fixed anchor (2026-06-30 UTC), never
from the clock, and ids are assigned here from max(id) + 1, so an empty database gets the same
rows, ids included, on SQLite and PostgreSQL.

Speed: rows are plain dicts inserted with Core `executemany` in chunks (`writer.py`); Faker is
never called per row (it costs tens of microseconds per value).
"""

from service.seed.demo import SeedReport, database_is_empty, seed_demo

__all__ = ["SeedReport", "database_is_empty", "seed_demo"]
