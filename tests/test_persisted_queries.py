"""Persisted queries: Apollo's APQ protocol over POST and GET, shared by every worker through the
database, and trusted-documents mode fed by `crmgraph documents add`."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from models import Account, Contact, PersistedDocument, Product, PurchaseOrder, Vendor
from service.app import create_app
from service.persisted import add_trusted
from service.settings import Settings
from tests.client import gid

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = PersistedDocument.__table__
NOT_FOUND = {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
GRAPHQL_RESPONSE = "application/graphql-response+json"


def _document(kind: str = "Count") -> str:
    """A document no other test has registered (its hash is new), and what it answers."""
    return f"query {kind}_{uuid.uuid4().hex[:10]} {{ accounts(first: 1) {{ totalCount }} }}"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _by_hash(text: str, *, digest: str | None = None) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest or _sha256(text)}}


class Lookups:
    """The statements an engine runs on persisted_document while the block runs."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.statements = engine, []

    def __enter__(self) -> Lookups:
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "persisted_document" in statement:
            self.statements.append(statement)


async def _post(http: httpx.AsyncClient, token: str, body: Any, **headers: str) -> httpx.Response:
    return await http.post("/graphql", json=body, headers={"authorization": f"Bearer {token}", **headers})


async def _get(http: httpx.AsyncClient, token: str, params: dict[str, str], **headers: str) -> httpx.Response:
    return await http.get("/graphql", params=params, headers={"authorization": f"Bearer {token}", **headers})


async def _stored(engine: Any, *digests: str) -> dict[str, str]:
    """hash -> source of the stored documents among `digests`."""
    async with engine.connect() as connection:
        rows = await connection.execute(sa.select(DOCUMENTS.c.sha256, DOCUMENTS.c.source)
                                        .where(DOCUMENTS.c.sha256.in_(digests)))
        return dict(rows.all())


@contextlib.asynccontextmanager
async def _worker(database_url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Another app instance on the same database: what a second worker is."""
    app = create_app(Settings(database_url=database_url, **settings))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crmgraph.test") as http:
            http.app = app  # type: ignore[attr-defined]
            yield http
    finally:
        await app.state.engine.dispose()


async def test_apq_over_post_unknown_hash_then_register_then_the_hash_alone_runs(gql) -> None:
    text = _document()
    token = gql.tokens["read"]

    unknown = await _post(gql.http, token, {"extensions": _by_hash(text)})
    # Apollo Server's answer, which Apollo clients look for before sending the text.
    assert unknown.status_code == 200 and unknown.json() == {"errors": [NOT_FOUND]}
    assert unknown.headers["cache-control"] == "private, no-cache, must-revalidate"
    strict = await _post(gql.http, token, {"extensions": _by_hash(text)}, accept=GRAPHQL_RESPONSE)
    assert strict.status_code == 404 and strict.json() == {"errors": [NOT_FOUND]}  # no data key: a request error
    assert strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)

    registered = await _post(gql.http, token, {"query": text, "extensions": _by_hash(text)})
    assert registered.status_code == 200 and registered.json()["data"]["accounts"]["totalCount"] >= 0
    assert await _stored(gql.engine, _sha256(text)) == {_sha256(text): "apq"}

    with Lookups(gql.engine) as lookups:
        by_hash = await _post(gql.http, token, {"extensions": _by_hash(text)})
    assert by_hash.status_code == 200 and by_hash.json() == registered.json()
    assert lookups.statements == []  # this worker remembers it: no query per request


async def test_apq_over_get_with_extensions_as_a_query_parameter(gql) -> None:
    text = _document("ViaGet")
    token = gql.tokens["read"]
    extensions = json.dumps(_by_hash(text))
    # Accept */* is what many clients send: still an operation, never the GraphiQL page.
    unknown = await _get(gql.http, token, {"extensions": extensions}, accept="*/*")
    assert unknown.status_code == 200 and unknown.json() == {"errors": [NOT_FOUND]}

    registered = await _get(gql.http, token, {"query": text, "extensions": extensions})
    assert registered.status_code == 200 and "totalCount" in registered.json()["data"]["accounts"]
    by_hash = await _get(gql.http, token, {"extensions": extensions}, accept="*/*")
    assert by_hash.status_code == 200 and by_hash.json() == registered.json()

    page = await gql.http.get("/graphql", params={"extensions": extensions}, headers={"accept": "text/html"})
    assert page.status_code == 401  # a persisted query from a browser is an operation: it needs a token


async def test_a_second_worker_knows_a_hash_the_first_registered(gql, database_url) -> None:
    text = _document("Shared")
    assert (await _post(gql.http, gql.tokens["read"], {"query": text, "extensions": _by_hash(text)})).status_code == 200
    async with _worker(database_url) as second:
        with Lookups(second.app.state.engine) as first_time:
            reply = await _post(second, gql.tokens["read"], {"extensions": _by_hash(text)})
        assert reply.status_code == 200 and "totalCount" in reply.json()["data"]["accounts"]
        assert len(first_time.statements) == 1  # read from the database once...
        with Lookups(second.app.state.engine) as again:
            assert (await _post(second, gql.tokens["read"], {"extensions": _by_hash(text)})).status_code == 200
        assert again.statements == []  # ...then remembered


async def test_a_hash_that_does_not_match_the_text_is_refused_and_nothing_is_stored(gql) -> None:
    text, other = _document(), _document()
    reply = await _post(gql.http, gql.tokens["read"], {"query": text, "extensions": _by_hash(other)})
    assert reply.status_code == 400
    (error,) = reply.json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert "nothing was registered" in error["message"]
    assert "data" not in reply.json()
    assert await _stored(gql.engine, _sha256(text), _sha256(other)) == {}
    later = await _post(gql.http, gql.tokens["read"], {"extensions": _by_hash(other)})
    assert later.json() == {"errors": [NOT_FOUND]}


@pytest.mark.parametrize(("persisted", "says"), [
    ({"version": 2, "sha256Hash": "a" * 64}, "version 1"),
    ({"version": 1, "sha256Hash": "xyz"}, "64 hexadecimal digits"),
    ({"version": 1}, "64 hexadecimal digits"),
    ("abc", "must be an object"),
])
async def test_a_malformed_persisted_query_is_a_bad_request(gql, persisted, says) -> None:
    reply = await _post(gql.http, gql.tokens["read"], {"extensions": {"persistedQuery": persisted}})
    assert reply.status_code == 400
    (error,) = reply.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST" and says in error["message"]


async def test_a_document_that_does_not_validate_is_answered_but_not_stored(gql) -> None:
    text = f"query Bad_{uuid.uuid4().hex[:8]} {{ accounts(first: 1) {{ noSuchField }} }}"
    reply = await _post(gql.http, gql.tokens["read"], {"query": text, "extensions": _by_hash(text)})
    assert "noSuchField" in reply.json()["errors"][0]["message"]
    assert await _stored(gql.engine, _sha256(text)) == {}


async def test_in_a_batch_an_unknown_hash_answers_alone_and_the_rest_runs(gql) -> None:
    known, unknown = _document(), _document()
    await _post(gql.http, gql.tokens["read"], {"query": known, "extensions": _by_hash(known)})
    batch = [{"extensions": _by_hash(known)}, {"extensions": _by_hash(unknown)}]
    reply = await _post(gql.http, gql.tokens["read"], batch)
    assert reply.status_code == 200
    first, second = reply.json()
    assert "totalCount" in first["data"]["accounts"]
    assert second == {"errors": [NOT_FOUND]}


async def test_a_mutation_sent_by_hash_with_an_idempotency_key_runs_once(gql, factory) -> None:
    """The key protects the mutation the hash stands for, as it protects the same mutation sent in full."""
    text = ("mutation Add_%s($input: AddPurchaseOrderInput!) { addPurchaseOrder(input: $input) "
            "{ purchaseOrder { id number } } }") % uuid.uuid4().hex[:8]
    contact = await factory.insert(Contact, account_id=await factory.insert(Account))
    subject = f"apq {uuid.uuid4().hex[:8]}"
    order = {"input": {
        "contactId": gid("Contact", contact), "subject": subject, "date": "2026-12-14",
        "vendorId": gid("Vendor", await factory.insert(Vendor)),
        "lines": [{"productId": gid("Product", await factory.insert(Product)), "quantity": "1", "unitPrice": "5.00"}],
    }}
    token = gql.tokens["write"]
    key = str(uuid.uuid4())
    by_hash = {"extensions": _by_hash(text), "variables": order}
    unknown = await _post(gql.http, token, by_hash, **{"idempotency-key": key})
    assert unknown.json() == {"errors": [NOT_FOUND]}  # nothing ran: the key stays free for the retry with the text
    first = await _post(gql.http, token, {"query": text, "extensions": _by_hash(text), "variables": order},
                        **{"idempotency-key": key})
    again = await _post(gql.http, token, by_hash, **{"idempotency-key": key})
    assert first.status_code == again.status_code == 200 and again.headers.get("idempotent-replayed") == "true"
    assert again.content == first.content
    async with gql.engine.connect() as connection:
        orders = (await connection.execute(sa.select(sa.func.count()).select_from(PurchaseOrder.__table__)
                                           .where(PurchaseOrder.__table__.c.subject == subject))).scalar_one()
    assert orders == 1


async def test_trusted_mode_runs_only_trusted_documents(gql, database_url) -> None:
    trusted, apq_only, stranger = _document("Trusted"), _document("ApqOnly"), _document("Stranger")
    await add_trusted(gql.engine, {_sha256(trusted): trusted})
    # Registered by a client before trusted mode was turned on: not trusted for that.
    await _post(gql.http, gql.tokens["read"], {"query": apq_only, "extensions": _by_hash(apq_only)})
    token = gql.tokens["read"]
    async with _worker(database_url, trusted_documents_only=True) as trusted_worker:
        by_hash = await _post(trusted_worker, token, {"extensions": _by_hash(trusted)})
        assert by_hash.status_code == 200 and "totalCount" in by_hash.json()["data"]["accounts"]
        in_full = await _post(trusted_worker, token, {"query": trusted})  # the trusted text itself also runs
        assert in_full.status_code == 200 and in_full.json() == by_hash.json()

        for body in ({"query": stranger}, {"query": apq_only}):
            refused = await _post(trusted_worker, token, body, accept=GRAPHQL_RESPONSE)
            assert refused.status_code == 400 and "data" not in refused.json()
            (error,) = refused.json()["errors"]
            assert error["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED" and "trusted documents" in error["message"]

        registration = await _post(trusted_worker, token, {"query": stranger, "extensions": _by_hash(stranger)})
        assert registration.status_code == 400
        assert registration.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
        assert "cannot register" in registration.json()["errors"][0]["message"]
        assert await _stored(gql.engine, _sha256(stranger)) == {}

        for text in (stranger, apq_only):
            unknown = await _post(trusted_worker, token, {"extensions": _by_hash(text)})
            assert unknown.status_code == 404  # not PERSISTED_QUERY_NOT_FOUND: a retry with the text would fail too
            assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"

        # An operator trusts the document a client had registered: it runs from then on.
        await add_trusted(gql.engine, {_sha256(apq_only): apq_only})
        assert await _stored(gql.engine, _sha256(apq_only)) == {_sha256(apq_only): "trusted"}
        assert (await _post(trusted_worker, token, {"extensions": _by_hash(apq_only)})).status_code == 200


# `crmgraph documents add FILE...` reads the Relay compiler's persisted output: with persistConfig
# {"file": ..., "algorithm": "SHA256"} it writes a pretty-printed JSON object of hash -> operation
# text, sorted by hash, ending in a newline.

def _relay_output(path: Path, documents: list[str], *, algorithm: Any = hashlib.sha256) -> Path:
    entries = {algorithm(text.encode()).hexdigest(): text for text in documents}
    path.write_text(json.dumps(dict(sorted(entries.items())), indent=2) + "\n")
    return path


def _crmgraph(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRMGRAPH_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _documents_cli(database_url: str, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `crmgraph documents ...`, in this process."""
    from service.cli import main

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        patch.setenv("CRMGRAPH_DATABASE_URL", database_url)
        code = main(["documents", *args])
    return code, out.getvalue(), err.getvalue()


async def test_documents_add_registers_the_relay_output_and_trusted_mode_runs_it(gql, database_url, tmp_path) -> None:
    relay = ("query TodoList_%s(\n  $first: Int!\n) {\n  accounts(first: $first) {\n    totalCount\n  }\n}\n"
             % uuid.uuid4().hex[:8])
    other = _document("Relay")
    output = _relay_output(tmp_path / "persisted_queries.json", [relay, other])

    added = _crmgraph(database_url, "documents", "add", str(output))
    assert added.returncode == 0, added.stderr
    assert added.stdout == "2 document(s) now trusted, 0 already trusted, from 1 file(s)\n"
    again = _crmgraph(database_url, "documents", "add", str(output))
    assert again.returncode == 0 and again.stdout.startswith("0 document(s) now trusted, 2 already trusted")
    stored = await _stored(gql.engine, _sha256(relay), _sha256(other))
    assert stored == {_sha256(relay): "trusted", _sha256(other): "trusted"}

    listed = _crmgraph(database_url, "documents", "list")
    assert listed.returncode == 0, listed.stderr
    (line,) = [line for line in listed.stdout.splitlines() if line.startswith(_sha256(relay))]
    # hash, source, created, first line
    assert line.split()[1] == "trusted" and line.endswith("  " + relay.splitlines()[0])

    async with _worker(database_url, trusted_documents_only=True) as trusted_worker:
        body = {"extensions": _by_hash(relay), "variables": {"first": 1}}
        reply = await _post(trusted_worker, gql.tokens["read"], body)
    assert reply.status_code == 200 and "totalCount" in reply.json()["data"]["accounts"]


def test_documents_add_refuses_a_bad_file_in_one_line_and_adds_nothing(database_url, tmp_path) -> None:
    md5 = _relay_output(tmp_path / "md5.json", [_document()], algorithm=hashlib.md5)
    result = _crmgraph(database_url, "documents", "add", str(md5))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and '"algorithm": "SHA256"' in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("content", "says"), [
    (None, "cannot read it"),
    ("{not json", "not a JSON file"),
    ('["query { a }"]', "JSON object of hash -> document text"),
    ('{"%s": "query { accounts { totalCount } }"}' % ("0" * 64), "is not the SHA-256 of its document"),
    ('{"sha256:abc": "query { a }"}', "is not a SHA-256 hash"),
    ('{"%s": "query {"}' % _sha256("query {"), "is not a GraphQL document"),
])
def test_documents_add_names_what_is_wrong_with_a_file(database_url, tmp_path, content, says) -> None:
    good = _document()
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    # A good file given with a bad one: all or nothing.
    code, out, err = _documents_cli(database_url, "add", str(_relay_output(tmp_path / "good.json", [good])), str(path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"crmgraph documents add: {path}: ") and says in err, err
    assert err.endswith("; nothing was added\n")

    async def stored() -> dict[str, str]:
        from service.db import create_engine

        engine = create_engine(database_url)
        try:
            return await _stored(engine, _sha256(good))
        finally:
            await engine.dispose()

    assert asyncio.run(stored()) == {}
