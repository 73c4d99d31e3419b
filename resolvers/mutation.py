"""The root Mutation type: one field per mutation, each defined in its own module."""

import strawberry

from resolvers.add_purchase_order import add_purchase_order
from resolvers.duplicate_account import duplicate_account


@strawberry.type(description="Change the graph. Each mutation is one transaction: when it returns errors it changed nothing.")
class Mutation:
    duplicate_account = strawberry.mutation(
        resolver=duplicate_account,
        description="Duplicar: a new account from an existing one, with a new name, RFC and account number.",
    )
    add_purchase_order = strawberry.mutation(
        resolver=add_purchase_order,
        description="Agregar Compra: a purchase order for a contact, its lines and amounts computed by the server.",
    )
