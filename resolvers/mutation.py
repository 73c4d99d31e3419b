"""The registry of mutations: the root Mutation type, one field per mutation module.

Each module declares a `MUTATION` (resolvers/pipeline.py `MutationDef`) and the pipeline runs it;
a new mutation is one module and one line here.
"""

from typing import Any

import strawberry
from strawberry.permission import BasePermission

from loaders.errors import RequestErrorCode
from models import Scope
from resolvers import (
    add_comment,
    add_purchase_order,
    create_account,
    create_contact,
    duplicate_account,
    set_purchase_order_status,
    update_account,
    update_contact,
)
from resolvers.context import RequestInfo
from resolvers.pipeline import MutationDef, mutation_field

MUTATIONS: tuple[MutationDef, ...] = (
    duplicate_account.MUTATION,
    add_purchase_order.MUTATION,
    create_account.MUTATION,
    update_account.MUTATION,
    create_contact.MUTATION,
    update_contact.MUTATION,
    set_purchase_order_status.MUTATION,
    add_comment.MUTATION,
)


class MayWrite(BasePermission):
    """Mutations need a token with the write (or admin) scope."""

    message = "this token may only read: mutations need a token with the WRITE scope"
    error_extensions = {"code": RequestErrorCode.FORBIDDEN}

    def has_permission(self, source: Any, info: RequestInfo, **kwargs: Any) -> bool:
        return info.context.principal.may(Scope.WRITE)


def _mutation_type() -> type:
    namespace = {definition.name: mutation_field(definition, [MayWrite]) for definition in MUTATIONS}
    return strawberry.type(type("Mutation", (), namespace), description=(
        "Change the graph. Each mutation is one transaction: when it returns errors it changed nothing."))


Mutation = _mutation_type()
