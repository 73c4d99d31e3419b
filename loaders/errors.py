"""Errors reported to the client as they are, never masked: input it sent that cannot be used, and
the database being busy or away, which a client may retry."""

from graphql import GraphQLError

#: Codes that mean "nothing was done, try again shortly": HTTP 503 with Retry-After when the whole request failed.
RETRYABLE_CODES = frozenset({"SERVICE_BUSY", "SERVICE_UNAVAILABLE"})
#: Seconds a client should wait before retrying a retryable error.
RETRY_AFTER_SECONDS = 1


class UserInputError(GraphQLError):
    """An argument the client sent cannot be used; the message says why, `extensions.code` says what."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message, extensions={"code": code})


class RetryableError(UserInputError):
    """The database could not serve this now (locked, no free connection, unreachable); nothing was
    written. `extensions.retryAfter` says how many seconds to wait."""

    def __init__(self, message: str, code: str = "SERVICE_BUSY") -> None:
        super().__init__(message, code)
        self.extensions = {"code": code, "retryAfter": RETRY_AFTER_SECONDS}
