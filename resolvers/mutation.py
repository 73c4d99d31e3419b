"""The root Mutation type: one field per mutation, each defined in its own module."""

from typing import Any

import strawberry
from strawberry.permission import BasePermission

from models import Scope
from resolvers.add_purchase_order import add_purchase_order
from resolvers.duplicate_account import duplicate_account


class MayWrite(BasePermission):
    """Mutations need a token with the write (or admin) scope."""

    message = "this token may only read: mutations need a token with the WRITE scope"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return info.context.principal.may(Scope.WRITE)


@strawberry.type(description="Change the graph. Each mutation is one transaction: when it returns errors it changed nothing.")
class Mutation:
    duplicate_account = strawberry.mutation(
        resolver=duplicate_account,
        permission_classes=[MayWrite],
        description="Duplicar: a new account from an existing one, with a new name, RFC and account number.",
    )
    add_purchase_order = strawberry.mutation(
        resolver=add_purchase_order,
        permission_classes=[MayWrite],
        description="Agregar Compra: a purchase order for a contact, its lines and amounts computed by the server.",
    )
