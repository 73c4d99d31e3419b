"""The compiled executor (issue 10) answers exactly as graphql-core's stock one: the same HTTP status,
media type and JSON body, keys in the same order, for every document of tests/compiled_corpus.py and for
documents Hypothesis writes from schema.graphql, both run against the same demo database.

Only what cannot be the same is normalised: the request id of a masked error (a new one per request),
and the order of `errors` (GraphQL leaves it open; the stock executor's follows which await finishes first).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from graphql import REMOVE, ArgumentNode, StringValueNode, Visitor, print_ast, visit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries
from sqlalchemy import event

from models import Account, Address, Contact, Invoice, Product, PurchaseOrderLine, QuoteLine, Scope, Table, Vendor
from models.relations import ACCOUNT_TABS, CONTACT_TABS, Relation
from schema.node import MAX_ID, global_id
from service.app import create_app
from service.auth import create_token
from service.db import create_engine
from service.migrate import migrate
from service.seed import seed_demo
from service.settings import Settings
from tests.compiled_corpus import CORPUS, Document
from tests.conftest import scratch_database
from tests.expect import comparable

SDL = (Path(__file__).resolve().parent.parent / "schema.graphql").read_text()
GRAPHQL_RESPONSE = "application/graphql-response+json"


# --- two executors over one database ------------------------------------------------------------------

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own with a small demo, dropped afterwards: the session database of conftest
    must not see these rows, other tests count rows there."""
    with scratch_database(request.param, tmp_path_factory.mktemp("compiled"), "crmgraph_compiled",
                          _migrate_and_seed) as url:
        yield url


def _migrate_and_seed(url: str) -> None:
    migrate(url)

    async def seed() -> None:
        engine = create_engine(url)
        try:
            await seed_demo(engine, accounts=30, seed=3)
        finally:
            await engine.dispose()

    asyncio.run(seed())


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str
    body: Any
    #: SQL statements of the request that read or wrote rows (see Executor)
    statements: list[str]

    @property
    def refused(self) -> bool:
        """Errors, or no GraphQL answer at all."""
        return not isinstance(self.body, dict) or bool(self.body.get("errors"))


class Executor:
    """One app over the demo database, an HTTP client to it, and the SQL each of its requests sends.

    SQL is seen where it leaves SQLAlchemy (cursor events); the statements the compiled path hands
    to asyncpg itself are announced to the same listeners (loaders.database). Only reads and writes
    of rows count: transaction control and the token check are bookkeeping."""

    def __init__(self, app: Any, http: httpx.AsyncClient) -> None:
        self.http, self.engine = http, app.state.engine
        self._statements: list[str] | None = None  # the request being counted, if any
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._sent)

    def _sent(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self._note(statement)

    def _note(self, statement: str) -> None:
        bookkeeping = "api_token" in statement or _TRANSACTION_CONTROL.match(statement)
        if self._statements is not None and not bookkeeping:
            self._statements.append(statement)

    async def answer(self, request: dict[str, Any], token: str, *, accept: str | None = None) -> Answer:
        headers = {"authorization": f"Bearer {token}", **({"accept": accept} if accept else {})}
        self._statements = statements = []
        try:
            reply = await self.http.request(headers=headers, **request)
        finally:
            self._statements = None
        try:
            body = reply.json()
        except json.JSONDecodeError:  # some refusals are plain text (an unknown operation name)
            body = reply.text
        return Answer(reply.status_code, reply.headers.get("content-type", ""), body, statements)


_TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|START|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Executors:
    stock: Executor
    compiled: Executor
    tokens: dict[str, str]
    #: ids, cursors and text of the demo database, for the placeholders of the corpus
    picks: dict[str, str]

    async def same_answer(
        self, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None,
        *, accept: str | None = None, scope: str = "read",
    ) -> tuple[Answer, Answer]:
        """POST one operation to both executors, one after the other; assert they answer alike."""
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name is not None:
            body["operationName"] = operation_name
        return await self.same_answer_to({"method": "POST", "url": "/graphql", "json": body}, accept=accept, scope=scope)

    async def same_answer_to(
        self, request: dict[str, Any], *, accept: str | None = None, scope: str = "read"
    ) -> tuple[Answer, Answer]:
        stock = await self.stock.answer(request, self.tokens[scope], accept=accept)
        compiled = await self.compiled.answer(request, self.tokens[scope], accept=accept)
        assert_alike(stock, compiled)
        return stock, compiled


def assert_alike(stock: Answer, compiled: Answer) -> None:
    assert (compiled.status, compiled.media_type) == (stock.status, stock.media_type)
    expected, actual = comparable(stock.body), comparable(compiled.body)
    assert actual == expected  # pytest's diff: left the compiled executor's answer, right the stock one's
    # Equal as dicts, and as sent: GraphQL orders a response's fields as the selections ask.
    assert json.dumps(actual) == json.dumps(expected), "the same values, but keys in another order"


@pytest.fixture(scope="module")
async def executors(demo_database: str) -> AsyncIterator[Executors]:
    """The stock executor's app and the compiled executor's over one demo database, and their tokens."""
    stock_app = create_app(Settings(database_url=demo_database, compiled_executor=False))
    compiled_app = create_app(Settings(database_url=demo_database, compiled_executor=True))
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=stock_app), base_url="http://stock.test") as stock_http,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=compiled_app), base_url="http://compiled.test") as compiled_http,
    ):
        # Made before either engine connects, so each sees every connection of its pool.
        stock, compiled = Executor(stock_app, stock_http), Executor(compiled_app, compiled_http)
        tokens = {
            "read": await create_token(stock.engine, "compiled-read", {Scope.READ}),
            "write": await create_token(stock.engine, "compiled-write", {Scope.READ, Scope.WRITE}),
        }
        pair = Executors(stock, compiled, tokens, {})
        # Each engine opens its first connection now, so no test counts a dialect's first-connect queries.
        await pair.same_answer("{ accounts(first: 1) { totalCount } }")
        yield replace(pair, picks=await _picks(pair))
    await stock_app.state.engine.dispose()
    await compiled_app.state.engine.dispose()


# --- what the corpus's placeholders stand for -------------------------------------------------------

async def _picks(pair: Executors) -> dict[str, str]:
    """Ids that make each document read rows: for every tab the parent with the most rows in it, the
    documents with the most lines, a state and a name that exist; and cursors taken from first pages."""
    async with pair.stock.engine.connect() as connection:
        async def most_common(column: sa.Column) -> Any:
            query = sa.select(column).where(column.is_not(None)).group_by(column).order_by(sa.func.count().desc(), column)
            return (await connection.execute(query.limit(1))).scalar_one()

        async def first_id(model: type[Table]) -> int:
            return (await connection.execute(sa.select(sa.func.min(model.__table__.c.id)))).scalar_one()

        parents = {relation.key: await most_common(_parent_column(relation)) for relation in ACCOUNT_TABS + CONTACT_TABS}
        picks = {key: global_id(key.partition(".")[0], pk) for key, pk in parents.items()}
        picks["purchase_order"] = global_id("PurchaseOrder", await most_common(PurchaseOrderLine.__table__.c.purchase_order_id))
        picks["quote"] = global_id("Quote", await most_common(QuoteLine.__table__.c.quote_id))
        for model in (Invoice, Product, Vendor):
            picks[model.__name__.lower()] = global_id(model.__name__, await first_id(model))
        picks["state"] = await most_common(Address.__table__.c.state)
        contacts = Contact.__table__
        last_name = (await connection.execute(
            sa.select(contacts.c.last_name).where(contacts.c.id == parents["Contact.purchaseOrders"])
        )).scalar_one()
    picks["account"] = picks["Account.invoices"]
    picks["contact"] = picks["Contact.purchaseOrders"]
    picks["missing_account"] = global_id(Account.type_name(), MAX_ID)
    picks["missing_contact"] = global_id(Contact.type_name(), MAX_ID)
    picks["search"] = last_name.split()[0].lower()
    picks["search_upper"] = picks["search"].upper()
    picks.update(await _cursors(pair, picks["account"]))
    return picks


def _parent_column(relation: Relation) -> sa.Column:
    if relation.fk is not None:
        return relation.target.__table__.c[relation.fk]
    return relation.link.__table__.c[relation.link_parent]


async def _cursors(pair: Executors, account: str) -> dict[str, str]:
    stock, _ = await pair.same_answer("""
query($id: ID!) {
  account(id: $id) {
    invoices(first: 3) { pageInfo { endCursor } }
    byTotal: invoices(first: 3, orderBy: [{field: TOTAL, direction: DESC}]) { pageInfo { endCursor } }
  }
  accounts(first: 5) { pageInfo { endCursor } }
}""", {"id": account})
    data = stock.body["data"]
    return {
        "invoices_cursor": data["account"]["invoices"]["pageInfo"]["endCursor"],
        "invoices_total_cursor": data["account"]["byTotal"]["pageInfo"]["endCursor"],
        "accounts_cursor": data["accounts"]["pageInfo"]["endCursor"],
    }


# --- the corpus ---------------------------------------------------------------------------------------

def test_the_corpus_covers_every_tab_and_is_large() -> None:
    names = {document.name for document in CORPUS}
    assert {f"tab {relation.key}" for relation in ACCOUNT_TABS + CONTACT_TABS} <= names
    assert len(CORPUS) >= 60


@pytest.mark.parametrize("document", CORPUS, ids=lambda document: document.name)
async def test_both_executors_answer_the_corpus_alike(executors: Executors, document: Document) -> None:
    query, variables = document.filled(executors.picks)
    accept = GRAPHQL_RESPONSE if document.graphql_response else None
    stock, _ = await executors.same_answer(query, variables, document.operation_name, accept=accept)
    # The document asks what it means to ask: rows where it expects rows, errors where it expects errors.
    assert stock.refused is document.errors, stock.body
    if document.counted:
        connection = stock.body["data"]
        for name in document.counted:
            connection = connection[name]
        assert connection["totalCount"] > 0, f"{document.name} reads an empty list"


async def test_a_query_over_get_is_answered_alike(executors: Executors) -> None:
    variables = json.dumps({"id": executors.picks["account"]})
    query = "query($id: ID!) { account(id: $id) { name invoices(first: 2) { totalCount nodes { folio } } } }"
    stock, _ = await executors.same_answer_to(
        {"method": "GET", "url": "/graphql", "params": {"query": query, "variables": variables}}
    )
    assert stock.body["data"]["account"]["invoices"]["totalCount"] > 0


async def test_a_batch_is_answered_alike(executors: Executors) -> None:
    batch = [
        {"query": "query($id: ID!) { account(id: $id) { name tabs { count } } }", "variables": {"id": executors.picks["account"]}},
        {"query": "{ accounts(first: 0) { totalCount } }"},
        {"query": "query A { __typename } query B { invoices(first: 2) { nodes { folio } } }", "operationName": "B"},
    ]
    stock, _ = await executors.same_answer_to({"method": "POST", "url": "/graphql", "json": batch})
    assert [bool(answer.get("errors")) for answer in stock.body] == [False, True, False]


# --- statements: the compiled path must not read more than the stock one -----------------------------

#: Statements of the compiled path per shape: one per relation and level, one for all counts of a level.
#: tab page: the account, the 5 tabs' counts, 5 pages. contact screen: the contact, its 17 tab counts and
#: the orders' count, the orders, their vendors, their lines, the account. BI page: the accounts, their
#: count, the invoices' count, 3 pages; then the cases' count and page. deep: accounts, contacts, the
#: orders' count, orders, lines, their products, their services.
COMPILED_STATEMENTS = {"shape tab page": 7, "shape contact screen": 6, "shape BI page": 8, "shape deep nesting": 7}


@pytest.mark.parametrize("shape", sorted(COMPILED_STATEMENTS))
async def test_statements_of_the_compiled_path_follow_the_shape(executors: Executors, shape: str) -> None:
    (document,) = [d for d in CORPUS if d.name == shape]
    stock, compiled = await executors.same_answer(*document.filled(executors.picks))
    assert len(compiled.statements) == COMPILED_STATEMENTS[shape], "\n\n".join(compiled.statements)
    assert len(compiled.statements) <= len(stock.statements)


# --- documents Hypothesis writes ----------------------------------------------------------------------

def _literal(values: st.SearchStrategy[str]) -> st.SearchStrategy[nodes.String]:
    return values.map(nodes.String)


def generated_queries(picks: dict[str, str]) -> st.SearchStrategy[str]:
    """Read queries over every root field of schema.graphql. Ids, page sizes and texts come mostly from
    the demo database and the valid range (with a few missing, malformed and out-of-range ones), or
    nearly every query would be refused for its first random id or `first` and never execute."""
    ids = [picks[key] for key in ("account", "contact", "invoice", "purchase_order", "quote", "product", "vendor")]
    cursors = [picks[key] for key in ("accounts_cursor", "invoices_cursor", "invoices_total_cursor")]
    words = [picks["search"], "an", "ez", "a", "", "%", "ño"]
    return queries(
        SDL,
        print_ast=lambda document: print_ast(visit(document, _OnlyRealCursors(cursors))),
        custom_scalars={
            "ID": _literal(st.sampled_from([*ids, picks["missing_account"], *ids, "bad"])),
            "Int": st.sampled_from([1, 2, 3, 1, 2, 3, 0, 101, -1]).map(nodes.Int),
            "String": _literal(st.one_of(st.sampled_from(words + cursors), st.text(max_size=8))),
            "Decimal": _literal(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**6,
                                            max_value=10**6).map(str)),
            "Date": _literal(st.dates().map(dt.date.isoformat)),
            "DateTime": _literal(st.datetimes(timezones=st.just(dt.UTC)).map(dt.datetime.isoformat)),
            "JSON": st.just(nodes.String("{}")),
        },
    )


class _OnlyRealCursors(Visitor):
    """Drops an `after` that holds no cursor of the demo database: every connection takes one, and a
    made-up text in any of them refuses the whole query before the executor has anything to do."""

    def __init__(self, cursors: list[str]) -> None:
        super().__init__()
        self.cursors = cursors

    def enter_argument(self, argument: ArgumentNode, *_: Any) -> object:
        made_up = isinstance(argument.value, StringValueNode) and argument.value.value not in self.cursors
        return REMOVE if argument.name.value == "after" and made_up else None


async def test_generated_queries_are_answered_alike(executors: Executors) -> None:
    """Hypothesis runs its (synchronous) test in a worker thread while this test awaits it, so the event
    loop of the session stays free; each example hands its requests back to that loop, where the apps'
    connection pools live, and blocks on the result. An assertion raised there reaches Hypothesis as
    the example's failure, and it shrinks the query as usual."""
    loop = asyncio.get_running_loop()

    @settings(max_examples=int(os.environ.get("CRMGRAPH_COMPILED_EXAMPLES", "60")), deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(generated_queries(executors.picks))
    def answered_alike(query: str) -> None:
        asyncio.run_coroutine_threadsafe(executors.same_answer(query), loop).result(timeout=120)

    await asyncio.to_thread(answered_alike)


# --- mutations take the stock path either way, and must still agree -----------------------------------

ADD_PURCHASE_ORDER = """
mutation Add($input: AddPurchaseOrderInput!) {
  addPurchaseOrder(input: $input) {
    errors { field code message }
    purchaseOrder { number subject date status subtotal discountTotal taxTotal total shippingAddress billingAddress
                    vendor { name } contact { lastName }
                    lines { position description quantity unitPrice discountPercent gross discount net taxAmount total }
                    taxBreakdown { tax base amount } }
  }
}"""


def _purchase_order(picks: dict[str, str], **changes: Any) -> dict[str, Any]:
    lines = [{"productId": picks["product"], "quantity": "3", "unitPrice": "199.99", "discountPercent": "10", "tax": "IVA_16"}]
    return {"input": {"contactId": picks["contact"], "subject": "Proyectores", "date": "2026-11-23",
                      "vendorId": picks["vendor"], "lines": lines, **changes}}


async def test_a_refused_mutation_is_answered_alike(executors: Executors) -> None:
    bad = _purchase_order(executors.picks, subject=" ", lines=[{"quantity": "0", "unitPrice": "1"}])
    stock, _ = await executors.same_answer(ADD_PURCHASE_ORDER, bad, scope="write")
    assert stock.body["data"]["addPurchaseOrder"]["errors"]


async def test_a_mutation_is_answered_alike_but_for_the_number_it_gives(executors: Executors) -> None:
    """Each app writes its own order: the answers differ by the number the second order gets, and only by it."""
    request = {"method": "POST", "url": "/graphql",
               "json": {"query": ADD_PURCHASE_ORDER, "variables": _purchase_order(executors.picks)}}
    stock = await executors.stock.answer(request, executors.tokens["write"])
    compiled = await executors.compiled.answer(request, executors.tokens["write"])
    numbers = [answer.body["data"]["addPurchaseOrder"]["purchaseOrder"].pop("number") for answer in (stock, compiled)]
    assert numbers[0] != numbers[1] and all(number.startswith("OC-") for number in numbers)
    assert stock.body["data"]["addPurchaseOrder"]["errors"] == []
    assert_alike(stock, compiled)
