"""Errors a client caused (bad id, cursor or page size): reported precisely, never masked."""

from graphql import GraphQLError


class UserInputError(GraphQLError):
    """An argument the client sent cannot be used; the message says why, `extensions.code` says what."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message, extensions={"code": code})
