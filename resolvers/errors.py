"""UserError and ErrorCode, shared by every mutation, and the collector that gathers them."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Optional

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
    existing_id: Optional[strawberry.ID] = strawberry.field(
        default=None,
        description="For CONFLICT: the global id of the existing row the input clashes with (e.g. the vendor to pick "
        "instead of creating a second one); null otherwise.",
    )


class Problems:
    """Every problem of one input, collected before anything is written."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def add(self, path: Sequence[str | int], code: ErrorCode, message: str, existing_id: str | None = None) -> None:
        existing = None if existing_id is None else strawberry.ID(existing_id)
        self.errors.append(UserError(field=[str(p) for p in path], code=code, message=message, existing_id=existing))

    def extend_new(self, other: Problems) -> None:
        """`other`'s problems on fields that have none yet: one reason per field, the first found."""
        known = {tuple(error.field) for error in self.errors}
        self.errors.extend(error for error in other.errors if tuple(error.field) not in known)

    def __bool__(self) -> bool:
        return bool(self.errors)
