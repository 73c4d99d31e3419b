"""Which errors a client sees as they are, and which are masked and logged with the request id."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from loaders.errors import RequestErrorCode, UserInputError

log = logging.getLogger("crmgraph.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """Ours: an exception other than a GraphQLError or a `UserInputError` (the client's input, the
    database busy) raised while executing a field. Anything found before execution (no path: syntax,
    validation, a literal that does not parse) is the client's."""
    original = error.original_error
    return error.path is not None and original is not None and not isinstance(original, (GraphQLError, UserInputError))


def graphql_error(error: UserInputError) -> GraphQLError:
    """The GraphQL error a client sees for one of ours raised outside a resolver (an extension's check)."""
    return GraphQLError(error.message, original_error=error, extensions=error.extensions)


def _request_id(execution_context: ExecutionContext | None) -> str:
    context = getattr(execution_context, "context", None)
    return getattr(context, "request_id", "-")


class MaskUnexpectedErrors(MaskErrors):
    """"Internal server error" plus the request id to find it in the log; never a stack trace or SQL."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": RequestErrorCode.INTERNAL_SERVER_ERROR, "requestId": _request_id(self.execution_context)}
        return masked


class Schema(strawberry.Schema):
    def as_str(self) -> str:
        """The SDL, with its `schema { ... }` block written out: without it, every SDL reader takes a
        type named like a root (Query, Mutation, Subscription) for that root."""
        roots = [f"  {operation}: {root.name}" for operation, root in (
            ("query", self._schema.query_type), ("mutation", self._schema.mutation_type),
            ("subscription", self._schema.subscription_type),
        ) if root is not None]
        return "schema {\n" + "\n".join(roots) + "\n}\n\n" + super().as_str()

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        request_id = _request_id(execution_context)
        for error in errors:
            if is_unexpected(error):
                log.error("request %s: unexpected error at %s", request_id, error.path, exc_info=error.original_error)
            else:
                log.debug("request %s: client error: %s", request_id, error.message)
