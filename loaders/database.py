"""The read side of the database for one request: one connection, plain Core rows, a deadline,
and the database's own failures turned into errors a client can act on."""

from __future__ import annotations

import asyncio
from collections import namedtuple
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, NoReturn, cast

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
import sqlalchemy as sa
from sqlalchemy import Row
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable
from sqlalchemy.sql.selectable import ExecutableReturnsRows

from loaders.caches import IdentityCache
from loaders.errors import RequestErrorCode, RetryableError, UserInputError

#: Execution option of a connection that will write: SQLite then starts with BEGIN IMMEDIATE.
WRITE = "crmgraph_write"
#: Statements compiled for asyncpg, by statement object (statements are cached per shape in
#: loaders.sql, so this holds a few hundred at most).
COMPILED_STATEMENTS = 512

#: What PostgreSQL says when it is going away or cannot take a connection (SQLSTATE classes 08, 53, 57P).
_UNAVAILABLE_STATES = ("08", "53", "57P01", "57P02", "57P03")
#: Serialization failure and deadlock: the transaction did nothing and may simply be run again.
_RETRY_STATES = ("40001", "40P01")
#: What a hot standby says when it cancels a read to replay the primary's changes (SQLSTATE 40001).
RECOVERY_CONFLICT = "conflict with recovery"


def _timed_out(error: sa_exc.DBAPIError) -> bool:
    """PostgreSQL's statement_timeout (SQLSTATE 57014), or SQLite's interrupt."""
    text = str(error.orig)
    if RECOVERY_CONFLICT in text:  # "canceling statement due to conflict with recovery": not a timeout
        return False
    return "statement timeout" in text or "canceling statement" in text or text.endswith("interrupted")


def sqlite_busy(error: BaseException) -> bool:
    """SQLite's "database is locked": another writer held the lock past the busy timeout."""
    # Raw from the driver when it happens at BEGIN (sent on the driver's cursor), wrapped otherwise.
    orig = getattr(error, "orig", error)
    return type(orig).__name__ == "OperationalError" and "database is locked" in str(orig)


def database_trouble(error: BaseException) -> RetryableError | None:
    """A retryable error for a failure of the database rather than of the request, else None.

    Pool exhaustion, a locked SQLite file, a serialization conflict: SERVICE_BUSY. A database that
    cannot be reached or is shutting down: SERVICE_UNAVAILABLE. Never the driver's message: it may
    carry SQL or parameters.
    """
    if isinstance(error, RetryableError):
        return error
    if isinstance(error, sa_exc.DBAPIError) and _timed_out(error):
        return RetryableError("the service is busy: the database work waited past the statement timeout; retry shortly")
    if isinstance(error, sa_exc.TimeoutError):
        return RetryableError("the service is busy: no database connection was free in time; retry shortly")
    if sqlite_busy(error):
        return RetryableError("the service is busy: another write held the database; retry shortly")
    state = str(getattr(getattr(error, "orig", None), "sqlstate", "") or "")
    if RECOVERY_CONFLICT in str(getattr(error, "orig", "")):
        return RetryableError("the read replica cancelled this read to apply the primary's latest changes "
                              "(a recovery conflict); retry it")
    if state.startswith(_RETRY_STATES):
        return RetryableError("the write conflicted with another one at the same time; retry it")
    if (
        isinstance(error, (OSError, ConnectionError))
        or (isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated)
        or state.startswith(_UNAVAILABLE_STATES)
        or isinstance(error, sa_exc.InterfaceError)
    ):
        return RetryableError("the database is unreachable; retry shortly", code=RequestErrorCode.SERVICE_UNAVAILABLE)
    return None


def raise_retryable(error: BaseException) -> NoReturn:
    """Raise the retryable error a failure of the database stands for, or `error` itself."""
    trouble = database_trouble(error)
    if trouble is None or trouble is error:
        raise error
    raise trouble from None


class Deadline:
    """The moment by which a request must be done with the database (CRMGRAPH_REQUEST_TIMEOUT_MS)."""

    def __init__(self, timeout_ms: int | None) -> None:
        self.timeout_ms = timeout_ms
        self._at = None if timeout_ms is None else asyncio.get_running_loop().time() + timeout_ms / 1000

    def remaining(self) -> float | None:
        """Seconds left (None: no deadline). Raises TIMEOUT when none are left."""
        if self._at is None:
            return None
        left = self._at - asyncio.get_running_loop().time()
        if left <= 0:
            raise self.error()
        return left

    def error(self) -> UserInputError:
        return UserInputError(
            f"the request ran longer than its time limit of {self.timeout_ms} ms (CRMGRAPH_REQUEST_TIMEOUT_MS); "
            "its pending database work was cancelled: ask for fewer rows or a narrower filter",
            code=RequestErrorCode.TIMEOUT,
        )


class Reader:
    """Runs the statements of one request on one connection, opened on first use.

    On PostgreSQL the request reads one REPEATABLE READ, READ ONLY snapshot, so a page and its
    totalCount always agree; it also saves a pool checkout per statement. Close it when the request ends.
    `read_from` opens that connection where reads may go (a replica: service.replicas) until the
    request writes; the engine (the primary) serves it from then on.
    """

    def __init__(self, engine: AsyncEngine, timeout_ms: int | None = None, deadline: Deadline | None = None,
                 read_from: Callable[[], Awaitable[AsyncConnection]] | None = None) -> None:
        self.engine = engine
        self.read_from = read_from
        self.dialect = engine.dialect.name
        self.timeout_ms = timeout_ms
        self.deadline = deadline or Deadline(None)
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()  # one connection runs one statement at a time
        self._raw: tuple[AsyncConnection, Any] | None = None  # the connection's pooled DBAPI connection
        self._finished = False
        #: rows this request's statements returned (its log line and metrics; statements are counted
        #: by an engine listener, service/observation.py, which also sees the writes)
        self.rows_read = 0

    async def rows(self, statement: tuple[Executable, dict[str, Any]]) -> list[Row[Any]]:
        """Rows of a (statement, parameters) pair from `loaders.sql`."""
        async with self._lock:
            if self._finished:  # a batch that outlived its request (an error ended it): nobody reads this
                return []
            connection = self._connection or await self._open()
            rows = list((await self._execute(connection, statement)).all())
            self.rows_read += len(rows)
            return rows

    async def scalar(self, statement: tuple[Executable, dict[str, Any]]) -> Any:
        async with self._lock:
            if self._finished:
                return 0
            connection = self._connection or await self._open()
            value = (await self._execute(connection, statement)).scalar_one()
            self.rows_read += 1
            return value

    async def records(self, statement: tuple[ExecutableReturnsRows, dict[str, Any]]) -> list[Any]:
        """Rows of a (statement, parameters) pair as named tuples. On PostgreSQL the statement is
        compiled once and sent to asyncpg as it is, with SQLAlchemy's own parameter and result
        conversions applied but none of its per-execution work (cache keys, result objects)."""
        if self.dialect != "postgresql":
            return await self.rows(statement)
        compiled = _compiled_for_asyncpg(statement[0], self.engine.dialect)
        if compiled is None:  # a statement that SQLAlchemy must rewrite per execution (expanding IN)
            return await self.rows(statement)
        async with self._lock:
            if self._finished:
                return []
            connection = self._connection or await self._open()
            if self._raw is None or self._raw[0] is not connection:
                self._raw = (connection, await connection.get_raw_connection())
            raw = self._raw[1]
            rows: list[Any] = await self._execute(
                connection, statement, lambda: compiled.fetch(connection, raw, statement[1])
            )
            self.rows_read += len(rows)
            return rows

    async def records_many(self, statements: list[tuple[ExecutableReturnsRows, dict[str, Any]]]) -> list[list[Any]]:
        """The rows of several statements, one after the other. (Sending a level's statements as one
        query, `SELECT ARRAY(SELECT ROW(s.*) FROM (...) s), ...`, was measured: it saves under 0.1 ms
        on a tab page and doubles the BI page, whose many records asyncpg then decodes one by one.)"""
        return [await self.records(statement) for statement in statements]

    async def _execute(
        self, connection: AsyncConnection, statement: tuple[Executable, dict[str, Any]], work: Any = None
    ) -> Any:
        left = self.deadline.remaining()
        statement_limit = self.timeout_ms / 1000 if self.timeout_ms else None
        # The request's deadline cuts a statement short when it comes before the statement timeout.
        cut_by_deadline = left is not None and (statement_limit is None or left < statement_limit)
        delay = left if cut_by_deadline else statement_limit  # a deadline's `left` is never 0: it raises first
        interrupt = None
        if self.dialect == "sqlite" and delay:
            # SQLite has no statement timeout: interrupt the statement from here (thread-safe).
            driver = (await connection.get_raw_connection()).driver_connection
            assert driver is not None  # a checked-out connection has its driver's
            interrupt = asyncio.get_running_loop().call_later(delay, driver._conn.interrupt)
        try:
            run = work or (lambda: connection.execute(*statement))
            if self.dialect == "sqlite" or not cut_by_deadline:
                return await run()
            # asyncpg cancels the statement on the server when its task is cancelled.
            async with asyncio.timeout(left):
                return await run()
        except TimeoutError:
            await self._discard()
            raise self.deadline.error() from None
        except sa_exc.DBAPIError as error:
            if _timed_out(error):
                if self.dialect == "postgresql":
                    # The cancelled statement aborted the transaction: later reads need a new one.
                    await self._discard()
                if cut_by_deadline:
                    raise self.deadline.error() from None
                raise UserInputError(
                    f"a database statement ran longer than the statement timeout of {self.timeout_ms} ms "
                    "(CRMGRAPH_STATEMENT_TIMEOUT_MS): ask for fewer rows or a narrower filter",
                    code=RequestErrorCode.TIMEOUT,
                ) from None
            # A failed statement ends a PostgreSQL transaction: the connection is of no further use.
            await self._discard()
            raise_retryable(error)
        finally:
            if interrupt is not None:
                interrupt.cancel()

    async def _open(self) -> AsyncConnection:
        left = self.deadline.remaining()
        try:
            async with asyncio.timeout(left):
                connection = await (self.read_from or self.engine.connect)()
        except TimeoutError:
            raise self.deadline.error() from None
        except Exception as error:
            raise_retryable(error)
        # Kept at once: if this task is cancelled before the transaction starts (graphql-core
        # cancels the siblings of a field whose error nulls the result), close() still returns it.
        self._connection = connection
        try:
            await self._begin(connection)
        except Exception as error:
            await self._discard()
            raise_retryable(error)
        return connection

    async def _begin(self, connection: AsyncConnection) -> None:
        if self.dialect == "postgresql":
            await connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        await connection.begin()

    async def _discard(self) -> None:
        """Give up the connection after a failure: a cancelled or broken one is not reused."""
        connection, self._connection, self._raw = self._connection, None, None
        if connection is not None:
            try:
                await connection.invalidate()
                await connection.close()
            except Exception:  # noqa: BLE001 - it is being thrown away; the request's error is what matters
                pass

    async def adopt(self, connection: AsyncConnection) -> None:
        """Read on from `connection` (a write connection whose transaction has ended) instead of
        checking out another: a request that wrote never waits for the pool again to answer."""
        self.pin_to_primary()
        async with self._lock:
            previous, self._connection = self._connection, None
            if previous is not None:
                await previous.close()
            if self._finished:
                await connection.close()
                return
            self._connection = connection
            try:
                await self._begin(connection)
            except Exception:
                await self._discard()  # the next read opens a fresh connection
                raise

    def pin_to_primary(self) -> None:
        """From now on read from the primary: the request writes, and must read what it wrote."""
        self.read_from = None

    async def close(self, *, final: bool = True) -> None:
        """End the read transaction and give the connection back to the pool, once no statement
        runs on it: graphql-core may finish a request (an error nulled the result) while sibling
        batches are still reading. After the final close, nothing opens a connection again."""
        async with self._lock:
            self._finished = final
            connection, self._connection, self._raw = self._connection, None, None
            if connection is not None:
                await connection.close()


class _AsyncpgStatement:
    """A statement compiled once for asyncpg: its SQL, the order of its parameters with their bind
    conversions, and its result conversions (read off the first execution's column types)."""

    def __init__(self, statement: ExecutableReturnsRows, dialect: Any) -> None:
        compiled = statement.compile(dialect=dialect)
        self.compiled, self.dialect = compiled, dialect
        self.text = compiled.string
        self.names = list(compiled.positiontup or ())
        # One processor a parameter: a statement with expanding ones (a sequence each) is not sent this way.
        self.binds = cast(Mapping[str, Callable[[Any], Any]], compiled._bind_processors)
        columns = compiled._result_columns
        self.row_type: Any = namedtuple("Record", [c[0] for c in columns], rename=True)  # type: ignore[misc]
        self.processors: list[tuple[int, Any]] | None = None

    def arguments(self, parameters: dict[str, Any]) -> list[Any]:
        values = self.compiled.construct_params(parameters)
        binds = self.binds
        return [binds[name](values[name]) if name in binds else values[name] for name in self.names]

    async def learn_types(self, driver: Any) -> None:
        """The result conversions, from the column types PostgreSQL gives the prepared statement."""
        if self.processors is None:
            prepared = await driver.prepare(self.text)
            self.processors = self._processors([a.type.oid for a in prepared.get_attributes()])

    def rows(self, records: Any) -> list[Any]:
        make, processors = self.row_type._make, self.processors
        if not processors:
            return [make(record) for record in records]
        rows = []
        for record in records:
            row = list(record)
            for index, convert in processors:
                if row[index] is not None:
                    row[index] = convert(row[index])
            rows.append(make(row))
        return rows

    async def fetch(self, connection: AsyncConnection, raw: Any, parameters: dict[str, Any]) -> list[Any]:
        args = self.arguments(parameters)
        driver = raw.driver_connection
        self._announce(connection.sync_connection, args)
        try:
            await _in_transaction(raw.dbapi_connection, driver)
            await self.learn_types(driver)
            records = await driver.fetch(self.text, *args)
        except Exception as error:
            raise _as_dbapi_error(error, self.text) from error
        return self.rows(records)

    def _announce(self, connection: Any, args: list[Any]) -> None:
        """What SQLAlchemy does for each statement it sends: echo it (CRMGRAPH_ECHO_SQL) and tell the
        `before_cursor_execute` listeners (the tests count statements with one)."""
        if connection._echo:
            connection._log_info(self.text)
        if connection.dispatch.before_cursor_execute:
            connection.dispatch.before_cursor_execute(connection, None, self.text, tuple(args), None, False)

    def _processors(self, oids: list[int]) -> list[tuple[int, Any]]:
        out = []
        for index, (column, oid) in enumerate(zip(self.compiled._result_columns, oids, strict=True)):
            if isinstance(column[3], sa.Enum):
                continue  # kept as the name it is stored as: every enum's values are its names (models.enums)
            convert = column[3]._cached_result_processor(self.dialect, oid)
            if convert is not None:
                out.append((index, convert))
        return out


async def _in_transaction(adapted: Any, driver: Any) -> None:
    """Begin the connection's transaction as SQLAlchemy's asyncpg adapter does on its first statement
    (it begins lazily, and these statements bypass it): the request's REPEATABLE READ, READ ONLY
    snapshot starts with whichever statement comes first, and the adapter ends it as its own."""
    if adapted._transaction is not None or adapted.isolation_level == "autocommit":
        return
    transaction = driver.transaction(
        isolation=adapted.isolation_level, readonly=adapted.readonly, deferrable=adapted.deferrable
    )
    await transaction.start()
    adapted._transaction = transaction


def _as_dbapi_error(error: Exception, text: str) -> Exception:
    """asyncpg's own exceptions as SQLAlchemy's, so the Reader reads them as it reads every other."""
    if isinstance(error, asyncpg.InterfaceError):
        return sa_exc.InterfaceError(text, None, error, hide_parameters=True)
    if isinstance(error, asyncpg.PostgresError):
        return sa_exc.DBAPIError(text, None, error, hide_parameters=True)
    return error


_ASYNCPG = IdentityCache(COMPILED_STATEMENTS)


def _compiled_for_asyncpg(statement: ExecutableReturnsRows, dialect: Any) -> _AsyncpgStatement | None:
    """The statement compiled for asyncpg; None for one SQLAlchemy must rewrite per execution."""
    compiled: _AsyncpgStatement | None
    found, compiled = _ASYNCPG.get(statement)
    if not found:
        compiled = _AsyncpgStatement(statement, dialect)
        plain = not (compiled.compiled.post_compile_params or compiled.compiled.literal_execute_params)
        compiled = _ASYNCPG.put(compiled if plain else None, statement)
    return compiled
