"""setPurchaseOrderStatus: move a purchase order one step on, Creada → Aprobada → Enviada al proveedor → Recibida.

Only the next state is allowed: the same state, a skipped step, a step back or any change of a received
order is a CONFLICT naming the state the order is in and the one it may go to. The write is a
compare-and-set on the status the checks saw (and on `updated_at` when `expectedUpdatedAt` is given),
so two requests that both find an order CREATED cannot both approve it. The entry goes on the history
of the order's contact and of that contact's account.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Contact, PurchaseOrder, Vendor
from models.enums import VALUE_DESCRIPTIONS, PurchaseOrderStatus
from resolvers import add_purchase_order
from resolvers.context import RequestContext
from resolvers.errors import ErrorCode, Problems
from resolvers.pipeline import (
    Log,
    MutationDef,
    changed_meanwhile,
    changes,
    compare_and_set,
    load_version,
    next_updated_at,
)
from resolvers.transaction import stored_id
from schema.node import global_id

#: The states in the order an order goes through them (the enum declares them in that order).
STEPS: tuple[PurchaseOrderStatus, ...] = tuple(PurchaseOrderStatus)
#: The one state each state may go to; None for the last.
NEXT: dict[PurchaseOrderStatus, PurchaseOrderStatus | None] = dict(zip(STEPS, [*STEPS[1:], None], strict=True))
#: The product's names of the states (the "Agregar Compra" form), quoted in the messages: the Spanish
#: word that starts each state's description.
LABELS = {status: VALUE_DESCRIPTIONS["PurchaseOrderStatus"][status.name].split(":")[0] for status in PurchaseOrderStatus}


@strawberry.input(description="The purchase order and the state it moves on to.")
class SetPurchaseOrderStatusInput:
    id: strawberry.ID = strawberry.field(description="Global id of the purchase order.")
    status: PurchaseOrderStatus = strawberry.field(
        description="The new state: the one after the current state (CREATED → APPROVED → SENT_TO_VENDOR → RECEIVED)."
    )
    expected_updated_at: Optional[dt.datetime] = strawberry.field(
        default=None, description="The order's `updatedAt` as last read: if it has changed since, nothing is written "
        "and the answer is a CONFLICT. Omit to move the order on from the state it is in.",
    )


def _named(status: PurchaseOrderStatus) -> str:
    return f"{status.value} ({LABELS[status]})"


def step_refusal(number: str, current: PurchaseOrderStatus, asked: PurchaseOrderStatus) -> str | None:
    """Why an order in `current` cannot go to `asked`, naming the state it may go to; None when it may."""
    allowed = NEXT[current]
    if asked == allowed:
        return None
    if allowed is None:
        return f"purchase order {number} is {_named(current)}, its final state: its status cannot change"
    if asked == current:
        return f"purchase order {number} is already {_named(current)}; the next state it may go to is {_named(allowed)}"
    return (f"purchase order {number} is {_named(current)}: it may only go on to {_named(allowed)}, not to "
            f"{_named(asked)}; an order moves forward one state at a time")


@dataclass
class _Plan:
    order_id: int
    number: str
    subject: str
    contact_id: int
    account_id: int | None  #: the contact's account, whose bitácora also gets the entry
    vendor_id: int
    before: PurchaseOrderStatus
    after: PurchaseOrderStatus
    read_at: dt.datetime  #: the updated_at the checks saw
    expected: bool  #: whether the caller gave expectedUpdatedAt


async def _check(session: AsyncSession, input: SetPurchaseOrderStatusInput, problems: Problems, context: RequestContext
                 ) -> _Plan | None:
    order = await load_version(session, problems, PurchaseOrder, input, "purchase order",
                               lambda row: f"purchase order {row.number}")
    if order is None:
        return None
    if (refusal := step_refusal(order.number, order.status, input.status)) is not None:
        problems.add(["status"], ErrorCode.CONFLICT, refusal)
    contact = await session.get(Contact, order.contact_id) if order.contact_id is not None else None
    if contact is None:
        # The activity log is about an account or a contact: a change nobody's history would show is not made.
        problems.add(["id"], ErrorCode.INVALID, f"purchase order {order.number} has no contact any more, so no "
                     "history to record the change in; give it a contact first")
        return None
    return _Plan(order.id, order.number, order.subject, stored_id(contact), contact.account_id, order.vendor_id,
                 order.status, input.status, order.updated_at, input.expected_updated_at is not None)


async def _write(session: AsyncSession, plan: _Plan, log: Log) -> int:
    # The status the checks saw is part of the condition, so a lost race never moves an order twice.
    expected: dict[str, Any] = {"status": plan.before}
    if plan.expected:
        expected["updated_at"] = plan.read_at
    after_at = next_updated_at(plan.read_at)
    if not await compare_and_set(session, PurchaseOrder, plan.order_id, expected,
                                 {"status": plan.after, "updated_at": after_at}):
        if plan.expected:
            raise changed_meanwhile(f"purchase order {plan.number}")
        raise changed_meanwhile(f"purchase order {plan.number}", ["status"], f" (it is no longer {_named(plan.before)})")
    log.add("PURCHASE_ORDER_STATUS_CHANGED",
            f"Purchase order {plan.number} ({plan.subject}): {LABELS[plan.before]} → {LABELS[plan.after]}",
            account_id=plan.account_id, contact_id=plan.contact_id,
            changed=changes({"status": plan.before, "updated_at": plan.read_at},
                            {"status": plan.after, "updated_at": after_at}),
            purchaseOrder=global_id("PurchaseOrder", plan.order_id), number=plan.number)
    return plan.order_id


MUTATION = MutationDef(
    name="setPurchaseOrderStatus",
    description="Move a purchase order to its next state: CREATED (Creada) → APPROVED (Aprobada) → SENT_TO_VENDOR "
    "(Enviada al proveedor) → RECEIVED (Recibida). Any other change is a CONFLICT naming the state it may go to.",
    input=SetPurchaseOrderStatusInput,
    input_description="The order and its new state.",
    node="purchase_order",
    model=PurchaseOrder,
    node_description="The order in its new state, with its new updatedAt",
    check=_check,
    write=_write,
    children=add_purchase_order.MUTATION.children,
    also=lambda plan: [(Vendor, [plan.vendor_id]), (Contact, [plan.contact_id])],
)
