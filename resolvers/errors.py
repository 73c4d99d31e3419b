"""UserError and ErrorCode, shared by every mutation, and the collector that gathers them."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import strawberry


@strawberry.enum(description="Machine-readable reason of a UserError; stable across releases.")
class ErrorCode(enum.Enum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    CONFLICT = "CONFLICT"


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
