"""previewPurchaseOrder: what addPurchaseOrder would compute for an input, written nowhere.

The "Agregar Compra" form shows line amounts, totals and taxes as the user types. The preview runs
the mutation's own check step (`check_order`, through the pipeline's `check_only`) in a transaction
that is rolled back, so the form
never re-implements the half-up rules and shows the errors the mutation would give, at the same paths.
"""

import typing
from typing import Annotated, Any, Optional

import strawberry

from models import PurchaseOrder, PurchaseOrderLine, Table, referenced_model
from resolvers.add_purchase_order import MUTATION, AddPurchaseOrderInput
from resolvers.context import RequestInfo
from resolvers.errors import UserError
from resolvers.pipeline import as_stored, check_only
from schema.node import global_id
from schema.types import TaxBreakdownEntry, graphql_annotation, tax_breakdown_entries

#: Columns no preview has: the server assigns them when the order is written.
_ASSIGNED = {"id", "number", "created_at", "purchase_order_id"}


def _preview_of(model: type[Table], name: str, description: str, extra: dict[str, tuple[Any, Any]]) -> type:
    """A plain GraphQL type with the columns of `model` (a foreign key as the global id it points at)
    plus `extra` fields: the columns are declared once, in the model."""
    namespace: dict[str, Any] = {"__annotations__": {}}
    for field_name, info in model.model_fields.items():
        if field_name in _ASSIGNED:
            continue
        column = model.__table__.c[field_name]
        if column.foreign_keys:
            # Optional even when the column is not: a vendor created with the order has no id yet.
            annotation: Any = Optional[strawberry.ID]
            text = f"{info.description} Global id of the {referenced_model(column).type_name()}; null for one not created yet."
            namespace[field_name] = strawberry.field(description=text)
        else:
            annotation = graphql_annotation(info.annotation)
            namespace[field_name] = strawberry.field(description=info.description)
        namespace["__annotations__"][field_name] = annotation
    for field_name, (annotation, field) in extra.items():
        namespace["__annotations__"][field_name] = annotation
        namespace[field_name] = field
    return strawberry.type(type(name, (), namespace), description=description)


PurchaseOrderLinePreview = _preview_of(
    PurchaseOrderLine, "PurchaseOrderLinePreview",
    "A line as addPurchaseOrder would write it: its amounts computed and rounded half-up by the server.", {},
)
PurchaseOrderPreview = _preview_of(
    PurchaseOrder, "PurchaseOrderPreview",
    "A purchase order as addPurchaseOrder would write it, before it has a number: totals, taxes, default addresses.",
    {
        "lines": (list[PurchaseOrderLinePreview], strawberry.field(description="The lines, by position.")),  # type: ignore[valid-type]
        "tax_breakdown": (list[TaxBreakdownEntry], strawberry.field(
            description="Taxes grouped per tax, as the CFDI lists its traslados (the same as the written order's)."
        )),
    },
)


@strawberry.type(description="The result of previewPurchaseOrder: the amounts, or the errors addPurchaseOrder would give.")
class PreviewPurchaseOrderPayload:
    purchase_order: Optional[PurchaseOrderPreview] = strawberry.field(  # type: ignore[valid-type]
        description="The order as it would be written; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(
        description="What addPurchaseOrder would refuse, with the same codes and paths; empty when it would accept the input."
    )


def _plain(cls: type, row: Table) -> Any:
    """The preview object of an unsaved ORM row."""
    values = {}
    for name in typing.get_type_hints(cls):
        if name in ("lines", "tax_breakdown"):
            continue
        value = getattr(row, name)
        column = row.__table__.c[name]
        if value is not None and column.foreign_keys:
            value = global_id(referenced_model(column).type_name(), value)
        values[name] = as_stored(type(row), name, value)  # as the order's row will give it back
    return values


async def preview_purchase_order(
    info: RequestInfo,
    input: Annotated[AddPurchaseOrderInput, strawberry.argument(description="The input addPurchaseOrder would get.")],
) -> PreviewPurchaseOrderPayload:
    problems, checked = await check_only(MUTATION, info.context, input)
    if checked is None:
        return PreviewPurchaseOrderPayload(purchase_order=None, errors=problems.errors)
    lines = [PurchaseOrderLinePreview(**_plain(PurchaseOrderLinePreview, line)) for line in checked.lines]
    order = PurchaseOrderPreview(**_plain(PurchaseOrderPreview, checked.order), lines=lines,
                                 tax_breakdown=tax_breakdown_entries(checked.lines))
    return PreviewPurchaseOrderPayload(purchase_order=order, errors=[])
