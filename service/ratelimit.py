"""Rate limits per token: a budget of cost points a minute (CRMGRAPH_RATE_LIMIT), where an operation
costs its node-budget figure (schema/limits.py), at least 1.

Each token has a token bucket, as GitHub's and Shopify's GraphQL APIs meter: it holds `limit` points,
an operation takes its cost out, and it refills continuously at `limit` points a minute. A bucket
rather than windows: a fixed window lets a client spend its budget twice around each boundary (the end
of one minute, the start of the next), and a sliding log keeps a row per request; a bucket is two
numbers per token, spends evenly, and knows exactly when a refused request will fit (`Retry-After`).

With CRMGRAPH_REDIS_URL the buckets live in Redis and one Lua script refills and takes atomically
(Redis runs a script alone): no read-then-write race, and every worker and host shares them, on
Redis's clock. Without it each worker keeps its own in a bounded dict. A Redis that does not answer
is not a reason to refuse everyone: the request is served unmetered (`remaining: null`), with a
warning in the log at most once a minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, OperationDefinitionNode
from graphql.utilities import get_operation_ast
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from starlette.responses import Response
from strawberry import Schema
from strawberry.extensions import SchemaExtension

from loaders.errors import RequestErrorCode
from schema.limits import cached_requested_nodes

log = logging.getLogger("crmgraph.ratelimit")

#: A bucket counts in units, so that all its arithmetic is exact integers (in Lua too, whose numbers
#: are doubles, exact to 2**53): a point is 60,000 units, and a bucket of `limit` points refills
#: `limit` units a millisecond, which fills it from empty in one minute.
UNITS_PER_POINT = 60_000
#: A bucket left alone this long is full again, so it may be forgotten.
FULL_AFTER_MS = 60_000
#: Buckets one worker keeps without Redis; past it, the least recently used go first.
LOCAL_BUCKETS = 100_000
#: Seconds Redis may take to connect or to answer before the request is served unmetered.
REDIS_TIMEOUT_SECONDS = 0.25
#: After Redis failed, requests go unmetered without asking it for this long (a Redis that hangs
#: must not add its timeout to every request).
REDIS_RETRY_SECONDS = 1.0
#: At most one warning that Redis is away per this many seconds.
WARN_EVERY_SECONDS = 60.0
REDIS_KEY_PREFIX = "crmgraph:rate:"

# KEYS[1]: a token's bucket (hash: units, at). ARGV: the limit in points a minute, the cost in points.
# Returns {allowed (1/0), units left, now in ms}. TIME is Redis's clock: every host agrees on it.
_TAKE = """
local limit = tonumber(ARGV[1])
local cost = tonumber(ARGV[2]) * 60000
local capacity = limit * 60000
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'units', 'at')
local units = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
units = math.min(capacity, units + math.max(0, now - at) * limit)
local allowed = 0
if cost <= units then
  units = units - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'units', string.format('%.0f', units), 'at', string.format('%.0f', now))
redis.call('PEXPIRE', KEYS[1], 60000)
return {allowed, units, now}
"""


@dataclass(frozen=True)
class Verdict:
    """What the limit says of one operation, and what `extensions.rateLimit` reports."""

    limit: int
    cost: int
    allowed: bool
    #: whole points left after this operation; None when Redis could not be asked (served unmetered)
    remaining: int | None
    #: when the bucket is full again; None with `remaining`
    reset_at: dt.datetime | None
    #: seconds until a refused operation fits; None when allowed, or when it costs more than the whole budget
    retry_after: int | None = None

    def extension(self) -> dict[str, Any]:
        reset_at = self.reset_at.isoformat() if self.reset_at is not None else None
        return {"limit": self.limit, "remaining": self.remaining, "resetAt": reset_at, "cost": self.cost}


def _verdict(limit: int, cost: int, allowed: bool, units: int, now_ms: int) -> Verdict:
    """The verdict on `cost` given the bucket as it is after the operation (`units` left at `now_ms`)."""
    full_in_ms = -(-(limit * UNITS_PER_POINT - units) // limit)
    reset_at = dt.datetime.fromtimestamp(math.ceil((now_ms + full_in_ms) / 1000), dt.UTC)
    retry_after = None
    if not allowed and cost <= limit:
        retry_after = max(1, math.ceil((cost * UNITS_PER_POINT - units) / limit / 1000))
    return Verdict(limit, cost, allowed, units // UNITS_PER_POINT, reset_at, retry_after)


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class LocalBuckets:
    """One worker's buckets, without Redis: bounded by `size`, and a bucket idle for a minute (full
    again) is forgotten. Take-and-refill has no await inside, so the event loop makes it atomic."""

    def __init__(self, size: int = LOCAL_BUCKETS, clock: Callable[[], int] = _wall_clock_ms) -> None:
        self.size, self.clock = size, clock
        self._buckets: OrderedDict[str, tuple[int, int]] = OrderedDict()  # key -> (units, at ms), oldest first

    async def take(self, key: str, limit: int, cost: int) -> tuple[bool, int, int]:
        now = self.clock()
        capacity = limit * UNITS_PER_POINT
        units, at = self._buckets.pop(key, (capacity, now))
        units = min(capacity, units + max(0, now - at) * limit)
        allowed = cost * UNITS_PER_POINT <= units
        if allowed:
            units -= cost * UNITS_PER_POINT
        self._buckets[key] = (units, now)
        while len(self._buckets) > self.size or now - next(iter(self._buckets.values()))[1] >= FULL_AFTER_MS:
            self._buckets.popitem(last=False)
        return allowed, units, now

    def __len__(self) -> int:
        return len(self._buckets)


class RedisBuckets:
    """The buckets of every worker and host, in Redis."""

    def __init__(self, url: str, timeout: float = REDIS_TIMEOUT_SECONDS) -> None:
        # No retries: a Redis that failed once is asked again after REDIS_RETRY_SECONDS, not now.
        self.client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout,
                                     retry=Retry(NoBackoff(), 0))
        self._take = self.client.register_script(_TAKE)
        parts = urlsplit(url)
        self.where = f"{parts.hostname}:{parts.port or 6379}" if parts.hostname else parts.path  # never the password

    async def take(self, key: str, limit: int, cost: int) -> tuple[bool, int, int]:
        allowed, units, now = await self._take(keys=[REDIS_KEY_PREFIX + key], args=[limit, cost])
        return bool(allowed), int(units), int(now)

    async def close(self) -> None:
        await self.client.aclose()


#: The Strawberry schema `RateLimits.install` is given, and gives back.
_AnySchema = TypeVar("_AnySchema", bound=Schema)


class RateLimits:
    """The rate limits of one worker: `charge` a token's operation, answer `Verdict`s."""

    def __init__(self, limit: int, redis_url: str | None = None, *, local: LocalBuckets | None = None) -> None:
        self.limit = limit
        self.redis = RedisBuckets(redis_url) if redis_url and limit > 0 else None
        self.local = local or LocalBuckets()
        self._skip_redis_until = 0.0
        self._redis_down = False
        self._warned_at: float | None = None
        self._unmetered = 0  # requests served unmetered since the last warning

    @classmethod
    def from_settings(cls, settings: Any) -> RateLimits:
        return cls(settings.rate_limit, settings.redis_url)

    def install(self, schema: _AnySchema) -> _AnySchema:
        """The schema, metering its operations when there is a limit (0: none, and no `rateLimit` extension)."""
        if self.limit > 0:
            schema.extensions = (*schema.extensions, lambda: MeteredOperations(self))  # last: after NodeBudget
        return schema

    async def charge(self, key: str, cost: int) -> Verdict:
        """Take `cost` points from the bucket of `key` if it holds them; the verdict either way."""
        if self.redis is None:
            return _verdict(self.limit, cost, *await self.local.take(key, self.limit, cost))
        taken = await self._take_shared(key, cost)
        if taken is None:
            return Verdict(self.limit, cost, True, None, None)
        return _verdict(self.limit, cost, *taken)

    async def _take_shared(self, key: str, cost: int) -> tuple[bool, int, int] | None:
        assert self.redis is not None
        now = time.monotonic()
        if now < self._skip_redis_until:
            self._unmetered += 1
            return None
        try:
            taken = await self.redis.take(key, self.limit, cost)
        except (RedisError, OSError) as error:  # down, refusing, too slow, or failing: serve, and say so
            self._skip_redis_until = now + REDIS_RETRY_SECONDS
            self._redis_down = True
            self._unmetered += 1
            if self._warned_at is None or now - self._warned_at >= WARN_EVERY_SECONDS:
                self._warned_at = now
                log.warning("rate limits not enforced: Redis at %s does not answer (%s: %s); %d request(s) served "
                            "unmetered so far, until it answers again", self.redis.where, type(error).__name__,
                            error, self._unmetered)
            return None
        if self._redis_down:
            self._redis_down, self._warned_at = False, None
            log.warning("rate limits enforced again: Redis at %s answers (%d request(s) were served unmetered)",
                        self.redis.where, self._unmetered)
            self._unmetered = 0
        return taken

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.close()


@dataclass
class _RequestMeter:
    """The limit's doings over one HTTP request (a batch is several operations)."""

    ran: bool = False  # an operation the limit let through ran
    refused: Verdict | None = None  # the first operation the limit refused; the rest of a batch follow it


def _meter(context: Any) -> _RequestMeter:
    # Kept on the sub-response: create_response sees it, and it is one per HTTP request.
    response = getattr(context, "response", None)
    meter = getattr(response, "rate_meter", None)
    if meter is None:
        meter = _RequestMeter()
        if response is not None:
            response.rate_meter = meter
    return meter


def bucket_key(context: Any) -> str:
    """The bucket of the request's token: a hash of it (not the stored one: Redis cannot be joined to the tokens table)."""
    request = getattr(context, "request", None)
    authorization = request.headers.get("authorization", "") if request is not None else ""
    token = authorization.strip().partition(" ")[2].strip()
    return hashlib.sha256(b"crmgraph rate limit\0" + token.encode()).hexdigest()[:32]


def _refusal(verdict: Verdict) -> GraphQLError:
    if verdict.retry_after is None:
        message = (f"rate limit: this operation costs {verdict.cost} points, more than the whole budget of "
                   f"{verdict.limit} points a minute (CRMGRAPH_RATE_LIMIT): ask for smaller pages (`first`)")
        return GraphQLError(message, extensions={"code": RequestErrorCode.RATE_LIMITED})
    message = (f"rate limit exceeded: this operation costs {verdict.cost} points and the token has "
               f"{verdict.remaining} of its {verdict.limit} points a minute left (CRMGRAPH_RATE_LIMIT); "
               f"retry in {verdict.retry_after} s")
    return GraphQLError(message, extensions={"code": RequestErrorCode.RATE_LIMITED, "retryAfter": verdict.retry_after})


class MeteredOperations(SchemaExtension):
    """Charges each operation its node-budget figure (at least 1) after validation and the budget, and
    refuses, before it runs, one that the token's bucket cannot pay: `RATE_LIMITED`, nothing executed.
    Register it after NodeBudget. An operation that does not run anyway (refused by validation or a
    limit) costs 1. Every answer reports the bucket in `extensions.rateLimit`."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self.verdict: Verdict | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        runs = context.result is None  # None: no earlier extension refused it
        cost = 1
        if runs and context.graphql_document is not None:
            operation = get_operation_ast(context.graphql_document, context.operation_name)
            if isinstance(operation, OperationDefinitionNode):  # its figure is cached: NodeBudget just priced it
                cost = max(1, cached_requested_nodes(context.schema._schema, context.graphql_document,
                                                     context.operation_name, context.variables or {}))
        self.verdict = await self._charge(cost)
        meter = _meter(context.context)
        if runs and not self.verdict.allowed:
            meter.refused = meter.refused or self.verdict
            context.result = GraphQLExecutionResult(data=None, errors=[_refusal(self.verdict)])
        elif runs:
            meter.ran = True
        yield

    async def get_results(self) -> dict[str, Any]:
        if self.verdict is None:  # a document that did not parse or validate: nothing ran, it costs 1
            self.verdict = await self._charge(1)
        return {"rateLimit": self.verdict.extension()}

    async def _charge(self, cost: int) -> Verdict:
        refused = _meter(self.execution_context.context).refused
        if refused is not None:  # a batch stops at its first refusal: later operations may depend on it
            return replace(refused, cost=cost, allowed=False)
        return await self.limits.charge(bucket_key(self.execution_context.context), cost)


def answer_over_limit(response: Response, sub_response: Any) -> None:
    """HTTP 429 with Retry-After when the limit refused the request and nothing of it ran (a batch of
    which some operation ran keeps its status: its refused operations carry `RATE_LIMITED`)."""
    meter = getattr(sub_response, "rate_meter", None)
    if meter is None or meter.refused is None or meter.ran:
        return
    response.status_code = 429
    if meter.refused.retry_after is not None:
        response.headers["retry-after"] = str(meter.refused.retry_after)
