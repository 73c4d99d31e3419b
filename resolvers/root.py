"""Root queries: one account or contact, the root lists, and Relay node lookups."""

import asyncio
from typing import Annotated, Optional, TypeVar

import strawberry

from loaders import sql
from loaders.errors import UserInputError
from loaders.paging import MAX_PAGE
from models import NODE_MODELS, Account, Contact, Table, Vendor
from resolvers.context import RequestInfo
from resolvers.duplicate_account import duplicate_account_draft
from resolvers.preview_purchase_order import preview_purchase_order
from resolvers.sat_catalogs import SatCatalogs, sat_catalogs
from schema.connection import root_connection_field
from schema.cursor import check_first
from schema.node import MAX_NODE_IDS, Node, check_node_ids, node_key, to_node, to_nodes
from schema.types import CONNECTIONS, NODE_TYPES

AccountType = NODE_TYPES["Account"]
ContactType = NODE_TYPES["Contact"]
VendorType = NODE_TYPES["Vendor"]
ID_ARG = Annotated[strawberry.ID, strawberry.argument(description="Global id, as returned in `id`.")]
T = TypeVar("T")


async def _node(info: RequestInfo, global_id: str, expected: Optional[type[Table]] = None) -> Optional[Node]:
    key = node_key(global_id, expected)
    if key is None:
        return None
    model, pk = key
    row = await info.context.loaders.by_id(model).load(pk)
    return None if row is None else to_node(NODE_TYPES[model.type_name()], row)


def plural(type_name: str) -> str:
    """The root list field of a type: Invoice -> invoices, Address -> addresses, Opportunity -> opportunities."""
    name = type_name[0].lower() + type_name[1:]
    if name.endswith("s"):
        return name + "es"
    if name.endswith("y") and name[-2] not in "aeiou":
        return name[:-1] + "ies"
    return name + "s"


@strawberry.type(description="Accounts, contacts and vendors whose names, RFC or email contain a text.")
class SearchResult:
    accounts: list[AccountType] = strawberry.field(  # type: ignore[valid-type]
        description="Accounts whose name, trade name, RFC or email contains the text, by name."
    )
    contacts: list[ContactType] = strawberry.field(  # type: ignore[valid-type]
        description="Contacts whose first or last name (or both, as written) or email contains the text, by name."
    )
    vendors: list[VendorType] = strawberry.field(  # type: ignore[valid-type]
        description="Vendors (proveedores) whose name, RFC or email contains the text, by name: pick one for an order."
    )


async def account_by_id(info: RequestInfo, id: ID_ARG) -> Optional[AccountType]:  # type: ignore[valid-type]
    return await _node(info, id, Account)


async def contact_by_id(info: RequestInfo, id: ID_ARG) -> Optional[ContactType]:  # type: ignore[valid-type]
    return await _node(info, id, Contact)


async def search_result(
    info: RequestInfo,
    text: Annotated[str, strawberry.argument(description="At least 2 characters.")],
    first: Annotated[int, strawberry.argument(description=f"Results of each kind, 1..{MAX_PAGE}.")] = 10,
) -> SearchResult:
    if len(text.strip()) < 2:
        raise UserInputError("search text needs at least 2 characters")
    if "\x00" in text:
        raise UserInputError("search text cannot contain the NUL character (U+0000)")
    check_first(first)
    loaders, wanted = info.context.loaders, text.strip()
    accounts = await loaders.rows(sql.search(Account, wanted, first, loaders.reader.dialect))
    contacts = await loaders.rows(sql.search(Contact, wanted, first, loaders.reader.dialect))
    vendors = await loaders.rows(sql.search(Vendor, wanted, first, loaders.reader.dialect))
    return SearchResult(accounts=to_nodes(AccountType, accounts), contacts=to_nodes(ContactType, contacts),
                        vendors=to_nodes(VendorType, vendors))


async def node_by_id(info: RequestInfo, id: ID_ARG) -> Optional[Node]:
    return await _node(info, id)


async def nodes_by_id(
    info: RequestInfo,
    ids: Annotated[list[strawberry.ID], strawberry.argument(description=f"Global ids (at most {MAX_NODE_IDS}).")],
) -> list[Optional[Node]]:
    check_node_ids(ids)
    return list(await asyncio.gather(*(_node(info, i) for i in ids)))


def _with_root_lists(query: type[T]) -> type[T]:
    """The Query class with its root lists, `accounts`, `invoices`, ...: every type's whole table as a
    connection, for BI tools."""
    for type_name, model in NODE_MODELS.items():
        label = model.label.rstrip(".")
        setattr(query, plural(type_name), root_connection_field(
            model, CONNECTIONS[type_name], f"Every {type_name} ({label}), filtered and ordered as asked."
        ))
    return query


@strawberry.type(description="Read the customer relationship graph.")
@_with_root_lists
class Query:
    account = strawberry.field(
        resolver=account_by_id, description="One account (cliente) by global id; null if there is none."
    )
    contact = strawberry.field(
        resolver=contact_by_id, description="One contact (contacto) by global id; null if there is none."
    )
    search = strawberry.field(
        resolver=search_result,
        description="Accounts, contacts and vendors by a piece of their name, RFC or email (case and accents ignored).",
    )
    node = strawberry.field(
        resolver=node_by_id, description="Any object by global id; null if it does not exist (or no longer exists)."
    )
    nodes = strawberry.field(
        resolver=nodes_by_id,
        description="Objects by global id, in the order asked; null in place of one that does not exist.",
    )
    duplicate_account_draft = strawberry.field(
        resolver=duplicate_account_draft,
        description="The form Duplicar opens with for an account: every field duplicateAccount copies, pre-filled from "
        "the source, its email and phone to update, name and RFC empty; null when there is no such account.",
    )

    preview_purchase_order = strawberry.field(
        resolver=preview_purchase_order,
        description="What addPurchaseOrder would compute for this input, written nowhere: line amounts, totals and "
        "taxBreakdown by the same code, or the same errors at the same paths. For forms that show totals as the user types.",
    )

    sat_catalogs: SatCatalogs = strawberry.field(
        resolver=sat_catalogs,
        description="The SAT catalogues (CFDI 4.0) of the forms' select lists: régimen fiscal, uso de CFDI, forma "
        "and método de pago, moneda; Spanish descriptions as SAT publishes them, and the rules the server applies.",
    )
