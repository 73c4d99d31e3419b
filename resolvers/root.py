"""Root queries: one account or contact, the root lists, and Relay node lookups."""

import asyncio
from typing import Annotated, Optional

import strawberry

from loaders import sql
from loaders.errors import UserInputError
from loaders.paging import MAX_PAGE
from models import NODE_MODELS, Account, Contact, Table, Vendor
from resolvers.duplicate_account import duplicate_account_draft
from resolvers.preview_purchase_order import preview_purchase_order
from resolvers.sat_catalogs import SatCatalogs, sat_catalogs
from schema.connection import root_connection_field
from schema.node import MAX_NODE_IDS, Node, parse_global_id, pk_of, to_node, to_nodes
from schema.types import CONNECTIONS, NODE_TYPES

AccountType = NODE_TYPES["Account"]
ContactType = NODE_TYPES["Contact"]
VendorType = NODE_TYPES["Vendor"]
ID_ARG = Annotated[strawberry.ID, strawberry.argument(description="Global id, as returned in `id`.")]


async def _node(info: strawberry.Info, global_id: str, expected: Optional[type[Table]] = None) -> Optional[Node]:
    if expected is not None:
        model, pk = expected, pk_of(global_id, expected)
        if pk is None:
            raise UserInputError(f"invalid id {global_id[:64]!r}: not an id of a {expected.type_name()}")
    else:
        type_name, pk = parse_global_id(global_id)
        model = NODE_MODELS.get(type_name)
        if model is None:
            return None
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


class Query:
    @strawberry.field(description="One account (cliente) by global id; null if there is none.")
    async def account(self, info: strawberry.Info, id: ID_ARG) -> Optional[AccountType]:  # type: ignore[valid-type]
        return await _node(info, id, Account)

    @strawberry.field(description="One contact (contacto) by global id; null if there is none.")
    async def contact(self, info: strawberry.Info, id: ID_ARG) -> Optional[ContactType]:  # type: ignore[valid-type]
        return await _node(info, id, Contact)

    @strawberry.field(
        description="Accounts, contacts and vendors by a piece of their name, RFC or email (case and accents ignored)."
    )
    async def search(
        self,
        info: strawberry.Info,
        text: Annotated[str, strawberry.argument(description="At least 2 characters.")],
        first: Annotated[int, strawberry.argument(description=f"Results of each kind, 1..{MAX_PAGE}.")] = 10,
    ) -> SearchResult:
        if len(text.strip()) < 2:
            raise UserInputError("search text needs at least 2 characters")
        if "\x00" in text:
            raise UserInputError("search text cannot contain the NUL character (U+0000)")
        if not 1 <= first <= MAX_PAGE:
            raise UserInputError(f"first must be between 1 and {MAX_PAGE}, got {first}")
        loaders = info.context.loaders
        accounts = await loaders.rows(sql.search(Account, text.strip(), first, loaders.reader.dialect))
        contacts = await loaders.rows(sql.search(Contact, text.strip(), first, loaders.reader.dialect))
        vendors = await loaders.rows(sql.search(Vendor, text.strip(), first, loaders.reader.dialect))
        return SearchResult(accounts=to_nodes(AccountType, accounts), contacts=to_nodes(ContactType, contacts),
                            vendors=to_nodes(VendorType, vendors))

    @strawberry.field(description="Any object by global id; null if it does not exist (or no longer exists).")
    async def node(self, info: strawberry.Info, id: ID_ARG) -> Optional[Node]:
        return await _node(info, id)

    @strawberry.field(description="Objects by global id, in the order asked; null in place of one that does not exist.")
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description=f"Global ids (at most {MAX_NODE_IDS}).")],
    ) -> list[Optional[Node]]:
        if len(ids) > MAX_NODE_IDS:
            raise UserInputError(f"nodes takes at most {MAX_NODE_IDS} ids, got {len(ids)}")
        return list(await asyncio.gather(*(_node(info, i) for i in ids)))

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


def _root_lists() -> None:
    """`accounts`, `invoices`, ... : every type's whole table as a connection, for BI tools."""
    for type_name, model in NODE_MODELS.items():
        label = model.label.rstrip(".")
        setattr(Query, plural(type_name), root_connection_field(
            model, CONNECTIONS[type_name], f"Every {type_name} ({label}), filtered and ordered as asked."
        ))


_root_lists()
Query = strawberry.type(Query, description="Read the customer relationship graph.")
