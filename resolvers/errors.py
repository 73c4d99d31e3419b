"""UserError and ErrorCode, shared by every mutation, and the collector that gathers them."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import strawberry


@strawberry.enum(description="Machine-readable reason of a UserError; stable across releases.")
class ErrorCode(enum.Enum):
    REQUIRED = strawberry.enum_value("REQUIRED", description="A value the mutation needs is missing or blank.")
    INVALID = strawberry.enum_value("INVALID", description="The value is malformed or breaks a rule (an RFC check digit, a SAT catalogue).")
    NOT_FOUND = strawberry.enum_value("NOT_FOUND", description="No row has that id.")
    OUT_OF_RANGE = strawberry.enum_value("OUT_OF_RANGE", description="The number is too large, too small or has too many decimals.")
    CONFLICT = strawberry.enum_value("CONFLICT", description="It clashes with a row that exists (a duplicate).")


@strawberry.type(description="Why a mutation refused its input. A mutation with errors changes nothing.")
class UserError:
    field: list[str] = strawberry.field(
        description='Path into the input, e.g. ["lines", "2", "quantity"] (list positions count from 0).'
    )
    code: ErrorCode = strawberry.field(description="What kind of problem it is.")
    message: str = strawberry.field(description="What is wrong, for humans.")


class Problems:
    """Every problem of one input, collected before anything is written."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def add(self, path: Sequence[str | int], code: ErrorCode, message: str) -> None:
        self.errors.append(UserError(field=[str(p) for p in path], code=code, message=message))

    def __bool__(self) -> bool:
        return bool(self.errors)
