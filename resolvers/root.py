"""Root queries: one account or contact, the root lists, and Relay node lookups."""

import asyncio
from typing import Annotated, Optional

import strawberry

from loaders.errors import UserInputError
from models import NODE_MODELS, Account, Contact, Table
from schema.connection import root_connection_field
from schema.node import Node, parse_global_id, to_node
from schema.types import CONNECTIONS, NODE_TYPES

AccountType = NODE_TYPES["Account"]
ContactType = NODE_TYPES["Contact"]
ID_ARG = Annotated[strawberry.ID, strawberry.argument(description="Global id, as returned in `id`.")]


async def _node(info: strawberry.Info, global_id: str, expected: Optional[type[Table]] = None) -> Optional[Node]:
    type_name, pk = parse_global_id(global_id)
    model = NODE_MODELS.get(type_name)
    if expected is not None and model is not expected:
        raise UserInputError(f"invalid id {global_id[:64]!r}: not an id of a {expected.__name__}")
    if model is None:
        return None
    row = await info.context.loaders.by_id(model).load(pk)
    return None if row is None else to_node(NODE_TYPES[type_name], row)


@strawberry.type(description="Read the customer relationship graph.")
class Query:
    @strawberry.field(description="One account (cliente) by global id; null if there is none.")
    async def account(self, info: strawberry.Info, id: ID_ARG) -> Optional[AccountType]:  # type: ignore[valid-type]
        return await _node(info, id, Account)

    @strawberry.field(description="One contact (contacto) by global id; null if there is none.")
    async def contact(self, info: strawberry.Info, id: ID_ARG) -> Optional[ContactType]:  # type: ignore[valid-type]
        return await _node(info, id, Contact)

    accounts = root_connection_field(Account, CONNECTIONS["Account"], "Every account, by name.")
    contacts = root_connection_field(Contact, CONNECTIONS["Contact"], "Every contact, by last and first name.")

    @strawberry.field(description="Any object by global id; null if it does not exist (or no longer exists).")
    async def node(self, info: strawberry.Info, id: ID_ARG) -> Optional[Node]:
        return await _node(info, id)

    @strawberry.field(description="Objects by global id, in the order asked; null in place of one that does not exist.")
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids (at most 100).")],
    ) -> list[Optional[Node]]:
        if len(ids) > 100:
            raise UserInputError(f"nodes takes at most 100 ids, got {len(ids)}")
        return list(await asyncio.gather(*(_node(info, i) for i in ids)))
