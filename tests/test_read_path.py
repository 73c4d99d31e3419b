"""The compiled read path: what it reads (only asked columns, counts folded, no page nobody asked
for), that a request reads one snapshot, and that plans follow @include/@skip variables."""

from __future__ import annotations

import sqlalchemy as sa

from loaders.database import Deadline, Reader
from models import Account, Invoice, Quote
from models.relations import ACCOUNT_TABS
from service.db import WRITE
from tests.client import gid


async def test_only_the_asked_columns_are_selected(gql, factory) -> None:
    account = await factory.insert(Account)
    response = await gql("query($id: ID!) { account(id: $id) { name } }", {"id": gid("Account", account)})
    (statement,) = response.statements
    selected = statement.split("FROM")[0]
    assert "account.name" in selected and "account.id" in selected
    assert "account.rfc" not in selected and "account.email" not in selected


async def test_every_count_of_a_level_is_one_statement_and_no_page_is_read_for_a_count(gql, factory) -> None:
    account = await factory.insert(Account)
    for _ in range(3):
        await factory.insert(Invoice, account_id=account)
    await factory.insert(Quote, account_id=account)
    response = await gql(
        "query($id: ID!) { account(id: $id) { invoices { totalCount } quotes { totalCount } tabs { field count } } }",
        {"id": gid("Account", account)},
    )
    account_answer = response.data["account"]
    assert account_answer["invoices"]["totalCount"] == 3 and account_answer["quotes"]["totalCount"] == 1
    assert {t["field"]: t["count"] for t in account_answer["tabs"]}["invoices"] == 3
    # the account, then every count of its level (two totalCounts and a badge per tab) in one UNION ALL
    assert len(response.statements) == 2, response.statements
    assert response.statements[1].count("UNION ALL") == 2 + len(ACCOUNT_TABS) - 1


async def test_a_plan_follows_the_variables_of_include_and_skip(gql, factory) -> None:
    account = await factory.insert(Account)
    await factory.insert(Invoice, account_id=account)
    query = ("query($id: ID!, $full: Boolean!) { account(id: $id) { name "
             "invoices @include(if: $full) { totalCount } quotes @skip(if: $full) { totalCount } } }")
    for full in (True, False, True):
        response = await gql(query, {"id": gid("Account", account), "full": full})
        answer = response.data["account"]
        assert ("invoices" in answer) is full and ("quotes" in answer) is not full
        assert answer.get("invoices", {"totalCount": 1})["totalCount"] == 1


async def test_the_statements_of_a_request_read_one_snapshot(app, factory) -> None:
    """A row committed by someone else between two statements of a request is not seen by the second:
    on PostgreSQL the request reads one REPEATABLE READ snapshot (also through the statements sent to
    asyncpg directly), on SQLite one read transaction."""
    engine = app.state.engine
    await factory.insert(Account)
    table = Account.__table__
    count = sa.select(sa.func.count()).select_from(table)
    reader = Reader(engine, None, Deadline(None))
    try:
        before = (await reader.records((count, {})))[0][0]
        async with engine.connect() as writer:
            writer = await writer.execution_options(**{WRITE: True})
            async with writer.begin():
                source = (await writer.execute(sa.select(table).limit(1))).first()
                values = {k: v for k, v in source._mapping.items() if k != "id"}
                values.update(account_no=f"SNAP-{before}", rfc="XAXX010101000")
                await writer.execute(sa.insert(table).values(**values))
        assert (await reader.records((count, {})))[0][0] == before
        assert (await reader.rows((count, {})))[0][0] == before
        if engine.dialect.name == "postgresql":
            settings = sa.select(sa.func.current_setting("transaction_isolation"),
                                 sa.func.current_setting("transaction_read_only"))
            assert tuple((await reader.records((settings, {})))[0]) == ("repeatable read", "on")
    finally:
        await reader.close()
    fresh = Reader(engine, None, Deadline(None))
    try:
        assert (await fresh.records((count, {})))[0][0] == before + 1
    finally:
        await fresh.close()
