"""addPurchaseOrder: server-side amounts, default addresses, error paths, atomicity, concurrency, and the
order's place in its contact's tab and history."""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Address, Contact, Product, PurchaseOrder, Vendor
from models.enums import Tax
from models.totals import document_totals, line_amounts
from tests.client import gid
from tests.purchase_orders import MUTATION, line_input, order_counts, order_input, order_world, random_lines


@pytest.fixture
async def world(factory) -> dict:
    return await order_world(factory)


async def test_the_worked_example_of_domain_md(gql, world) -> None:
    payload = (await gql(MUTATION, order_input(world, [line_input(world, "3", "199.99", discountPercent="10", tax="IVA_16")]))).data["addPurchaseOrder"]
    assert payload["errors"] == []
    order = payload["purchaseOrder"]
    (line,) = order["lines"]
    assert (line["gross"], line["discount"], line["net"], line["taxAmount"], line["total"]) == ("599.97", "60.00", "539.97", "86.40", "626.37")
    assert (order["subtotal"], order["discountTotal"], order["taxTotal"], order["total"]) == ("599.97", "60.00", "86.40", "626.37")
    assert order["taxBreakdown"] == [{"tax": "IVA_16", "rate": "0.16", "base": "539.97", "amount": "86.40"}]
    assert order["number"] == f"OC-{int(__import__('base64').b64decode(order['id']).decode().split(':')[1]):06d}"
    assert (order["status"], order["currency"], line["description"], line["position"]) == ("CREATED", "MXN", "Tóner negro", 1)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ({"quantity": "2", "unitPrice": "50", "discountPercent": "100", "tax": "IVA_16"}, ("100.00", "100.00", "0.00", "0.00", "0.00")),
        ({"quantity": "7", "unitPrice": "0", "tax": "IVA_8"}, ("0.00", "0.00", "0.00", "0.00", "0.00")),
        ({"quantity": "1.0005", "unitPrice": "10.01", "tax": "IVA_16"}, ("10.02", "0.00", "10.02", "1.60", "11.62")),
        ({"quantity": "0.5", "unitPrice": "2.25"}, ("1.13", "0.00", "1.13", "0.00", "1.13")),  # 1.125 is 1.13: half-up
        ({"quantity": "1", "unitPrice": "0.05", "discountPercent": "50", "tax": "IVA_16"}, ("0.05", "0.03", "0.02", "0.00", "0.02")),
        ({"quantity": "3", "unitPrice": "10", "discountAmount": "30", "tax": "IVA_16"}, ("30.00", "30.00", "0.00", "0.00", "0.00")),
        ({"quantity": "1", "unitPrice": "1000", "tax": "EXENTO"}, ("1000.00", "0.00", "1000.00", "0.00", "1000.00")),
    ],
)
async def test_edge_cases_of_line_amounts(gql, world, line, expected) -> None:
    payload = (await gql(MUTATION, order_input(world, [{"productId": gid("Product", world["product"]), **line}]))).data["addPurchaseOrder"]
    assert payload["errors"] == []
    (stored,) = payload["purchaseOrder"]["lines"]
    assert (stored["gross"], stored["discount"], stored["net"], stored["taxAmount"], stored["total"]) == expected


async def test_random_orders_store_exactly_what_the_rules_compute(gql, world) -> None:
    rng = random.Random(20261123)
    for _ in range(12):
        lines = random_lines(rng, world, services=False)
        order = (await gql(MUTATION, order_input(world, lines))).data["addPurchaseOrder"]["purchaseOrder"]
        expected = [line_amounts(Decimal(x["quantity"]), Decimal(x["unitPrice"]),
                                 discount_percent=Decimal(x["discountPercent"]) if "discountPercent" in x else None,
                                 tax=Tax(x["tax"]) if x["tax"] else None) for x in lines]
        for stored, amounts in zip(order["lines"], expected, strict=True):
            assert [Decimal(stored[k]) for k in ("gross", "discount", "net", "taxAmount", "total")] == [
                amounts.gross, amounts.discount, amounts.net, amounts.tax_amount, amounts.total]
        totals = document_totals(expected)
        assert [Decimal(order[k]) for k in ("subtotal", "discountTotal", "taxTotal", "total")] == [
            totals.subtotal, totals.discount_total, totals.tax_total, totals.total]
        assert sum(Decimal(g["base"]) for g in order["taxBreakdown"]) == sum(a.net for a, x in zip(expected, lines, strict=True) if x["tax"])


async def test_every_error_has_its_input_path_all_at_once_and_nothing_is_written(gql, world) -> None:
    before = await order_counts(gql.engine)
    response = await gql(MUTATION, {"input": {
        "contactId": gid("Contact", 999_999_999), "subject": " ", "date": "2026-11-23", "currency": "mxn",
        "vendorId": gid("Vendor", world["vendor"]), "vendor": {"name": "Otro"},
        "lines": [
            line_input(world, "1", "10"),
            {"quantity": "1", "unitPrice": "10"},
            line_input(world, "0", "-1", discountPercent="101", discountAmount="5"),
            {"serviceId": gid("Service", 999_999), "quantity": "1.00001", "unitPrice": "1.001"},
            {"productId": gid("Product", world["product"]), "serviceId": gid("Service", world["service"]), "quantity": "2", "unitPrice": "5", "discountAmount": "10.01"},
            {"productId": gid("Service", world["service"]), "quantity": "1", "unitPrice": "1"},
        ],
    }})
    payload = response.data["addPurchaseOrder"]
    assert payload["purchaseOrder"] is None
    assert sorted((tuple(e["field"]), e["code"]) for e in payload["errors"]) == sorted([
        (("contactId",), "NOT_FOUND"), (("subject",), "REQUIRED"), (("currency",), "INVALID"), (("vendor",), "INVALID"),
        (("lines", "1", "productId"), "REQUIRED"),
        (("lines", "2", "quantity"), "OUT_OF_RANGE"), (("lines", "2", "unitPrice"), "OUT_OF_RANGE"),
        (("lines", "2", "discountPercent"), "OUT_OF_RANGE"), (("lines", "2", "discountAmount"), "INVALID"),
        (("lines", "3", "serviceId"), "NOT_FOUND"), (("lines", "3", "quantity"), "INVALID"), (("lines", "3", "unitPrice"), "INVALID"),
        (("lines", "4", "serviceId"), "INVALID"), (("lines", "4", "discountAmount"), "OUT_OF_RANGE"),
        (("lines", "5", "productId"), "NOT_FOUND"),
    ])
    assert await order_counts(gql.engine) == before


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        ({"quantity": "1234567890123456789012345678.12345", "unitPrice": "1"}, "quantity", "OUT_OF_RANGE"),
        ({"quantity": "1e20", "unitPrice": "0"}, "quantity", "OUT_OF_RANGE"),
        ({"quantity": "0.0001", "unitPrice": "100000000000000000"}, "unitPrice", "OUT_OF_RANGE"),
        ({"quantity": "1", "unitPrice": "1", "discountAmount": "1e40"}, "discountAmount", "OUT_OF_RANGE"),
    ],
)
async def test_amounts_too_large_for_their_columns_are_user_errors_and_nothing_is_written(gql, factory, line, field, code) -> None:
    contact, vendor, product = await factory.insert(Contact), await factory.insert(Vendor), await factory.insert(Product)
    async with gql.engine.connect() as connection:
        before = (await connection.execute(sa.select(sa.func.count()).select_from(PurchaseOrder.__table__))).scalar_one()
    payload = (await gql(
        "mutation($i: AddPurchaseOrderInput!) { addPurchaseOrder(input: $i) { purchaseOrder { id } errors { field code } } }",
        {"i": {"contactId": gid("Contact", contact), "vendorId": gid("Vendor", vendor), "subject": "x", "date": "2026-01-01",
               "lines": [{"productId": gid("Product", product), **line}]}},
    )).data["addPurchaseOrder"]
    assert {"field": ["lines", "0", field], "code": code} in payload["errors"] and payload["purchaseOrder"] is None
    async with gql.engine.connect() as connection:
        assert (await connection.execute(sa.select(sa.func.count()).select_from(PurchaseOrder.__table__))).scalar_one() == before


@pytest.mark.parametrize("quantity", ["NaN", "Infinity", "abc", ""])
async def test_a_number_that_is_no_number_is_refused_before_the_mutation_runs(gql, world, quantity) -> None:
    before = await order_counts(gql.engine)
    response = await gql(MUTATION, order_input(world, [line_input(world, quantity, "1")]))
    assert ".lines[0].quantity" in response.errors[0]["message"] and "Decimal" in response.errors[0]["message"]
    assert await order_counts(gql.engine) == before


async def test_a_vendor_is_required_once(gql, world) -> None:
    neither = order_input(world, [line_input(world, "1", "1")])
    del neither["input"]["vendorId"]
    payload = (await gql(MUTATION, neither)).data["addPurchaseOrder"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["vendorId"], "REQUIRED")]
    bad = order_input(world, [line_input(world, "1", "1")], vendorId=None, vendor={"name": "", "rfc": "MAB9307148T5", "email": "x"})
    payload = (await gql(MUTATION, bad)).data["addPurchaseOrder"]
    assert sorted(tuple(e["field"]) for e in payload["errors"]) == [("vendor", "email"), ("vendor", "name"), ("vendor", "rfc")]
    empty = (await gql(MUTATION, order_input(world, []))).data["addPurchaseOrder"]
    assert [(e["field"], e["code"]) for e in empty["errors"]] == [(["lines"], "REQUIRED")]


async def test_addresses_default_as_the_seed_says_and_are_copied_as_text(gql, factory, world) -> None:
    account, contact = world["account"], world["contact"]
    assert (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]["shippingAddress"] is None

    await factory.insert(Address, contact_id=contact, kind="OTHER", is_primary=True, street="Calle Uno", ext_number="1", city="León", state="Guanajuato", postal_code="37000")
    await factory.insert(Address, contact_id=contact, kind="FISCAL", is_primary=True, street="Calle Fiscal", ext_number="2", city="León", state="Guanajuato", postal_code="37001")
    first = (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]
    assert first["shippingAddress"] == "Calle Uno 1, León, Guanajuato, C.P. 37000, MX"  # no primary shipping: the primary address
    assert first["billingAddress"] == "Calle Fiscal 2, León, Guanajuato, C.P. 37001, MX"  # no account fiscal: the contact's

    shipping = await factory.insert(Address, contact_id=contact, kind="SHIPPING", is_primary=True, street="Bodega Norte", ext_number="10", int_number="B", colonia="Industrial", city="Apodaca", municipality="Apodaca", state="Nuevo León", postal_code="66600")
    await factory.insert(Address, account_id=account, kind="FISCAL", is_primary=True, street="Av. Reforma", ext_number="222", colonia="Juárez", city="Ciudad de México", municipality="Cuauhtémoc", state="CDMX", postal_code="06600")
    second = (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]
    assert second["shippingAddress"] == "Bodega Norte 10 Int. B, Col. Industrial, Apodaca, Nuevo León, C.P. 66600, MX"
    assert second["billingAddress"] == "Av. Reforma 222, Col. Juárez, Ciudad de México, Cuauhtémoc, CDMX, C.P. 06600, MX"

    given = (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")], shippingAddress="Recoger en tienda", billingAddress="Otra"))).data["addPurchaseOrder"]["purchaseOrder"]
    assert (given["shippingAddress"], given["billingAddress"]) == ("Recoger en tienda", "Otra")

    async with gql.engine.begin() as connection:  # a later edit of the address does not rewrite the issued order
        await connection.execute(sa.update(Address.__table__).where(Address.__table__.c.id == shipping).values(street="Cambiada"))
    again = (await gql("query($id: ID!) { node(id: $id) { ... on PurchaseOrder { shippingAddress } } }", {"id": second["id"]})).data["node"]
    assert again["shippingAddress"].startswith("Bodega Norte")


async def test_the_order_is_in_the_contacts_tab_at_once_and_logged_on_the_account(gql, world) -> None:
    count = lambda: gql("query($id: ID!) { contact(id: $id) { purchaseOrders { totalCount } } }", {"id": gid("Contact", world["contact"])})  # noqa: E731
    before = (await count()).data["contact"]["purchaseOrders"]["totalCount"]
    order = (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]
    assert order["contact"]["purchaseOrders"] == {"totalCount": before + 1, "nodes": [{"id": order["id"]}]}
    assert (await count()).data["contact"]["purchaseOrders"]["totalCount"] == before + 1
    log = (await gql("query($id: ID!) { account(id: $id) { activityLog(first: 1) { nodes { action summary } } } }", {"id": gid("Account", world["account"])})).data
    assert log["account"]["activityLog"]["nodes"] == [{"action": "PURCHASE_ORDER_ADDED", "summary": f"Purchase order {order['number']} for Ana Ruiz: Consumibles"}]


async def test_two_mutations_in_one_document_each_see_what_the_one_before_wrote(gql, world) -> None:
    variables = order_input(world, [line_input(world, "1", "1")])
    response = await gql(
        "mutation($input: AddPurchaseOrderInput!) {"
        " a: addPurchaseOrder(input: $input) { purchaseOrder { contact { purchaseOrders { totalCount } } } }"
        " b: addPurchaseOrder(input: $input) { purchaseOrder { contact { purchaseOrders { totalCount } } } } }",
        variables,
    )
    a, b = (response.data[k]["purchaseOrder"]["contact"]["purchaseOrders"]["totalCount"] for k in ("a", "b"))
    assert b == a + 1


async def test_a_failure_after_the_first_writes_leaves_nothing_behind(gql, world) -> None:
    """A real database error on the line insert, after the vendor and the order were written."""
    postgres = gql.engine.dialect.name == "postgresql"
    create = [
        "CREATE FUNCTION crmgraph_test_fail() RETURNS trigger AS $$ BEGIN IF NEW.description = 'boom' THEN "
        "RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER crmgraph_test_fail BEFORE INSERT ON purchase_order_line FOR EACH ROW EXECUTE FUNCTION crmgraph_test_fail()",
    ] if postgres else [
        "CREATE TRIGGER crmgraph_test_fail BEFORE INSERT ON purchase_order_line WHEN NEW.description = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END",
    ]
    drop = ["DROP TRIGGER crmgraph_test_fail ON purchase_order_line", "DROP FUNCTION crmgraph_test_fail()"] if postgres else ["DROP TRIGGER crmgraph_test_fail"]
    async with gql.engine.begin() as connection:
        for statement in create:
            await connection.exec_driver_sql(statement)
    try:
        before = await order_counts(gql.engine)
        order = order_input(world, [line_input(world, "1", "1"), line_input(world, "2", "2", description="boom")],
                       vendorId=None, vendor={"name": "Nunca Guardado SA"})
        response = await gql(MUTATION, order)
        assert response.errors[0]["message"] == "Internal server error" and "boom" not in str(response.body)
        assert await order_counts(gql.engine) == before
    finally:
        async with gql.engine.begin() as connection:
            for statement in drop:
                await connection.exec_driver_sql(statement)


async def test_twenty_orders_at_once_get_unique_numbers(gql, world) -> None:
    responses = await asyncio.gather(*(gql(MUTATION, order_input(world, [line_input(world, "1", str(n))])) for n in range(20)))
    orders = [r.data["addPurchaseOrder"]["purchaseOrder"] for r in responses]
    assert len({o["number"] for o in orders}) == 20
    assert sorted(o["total"] for o in orders) == sorted(f"{n}.00" for n in range(20))


@pytest.mark.parametrize(
    ("field", "limit"),
    [("termsAndConditions", 10_000), ("shippingAddress", 1_000), ("billingAddress", 1_000), ("subject", 254)],
)
async def test_every_text_input_has_a_maximum(gql, world, field, limit) -> None:
    before = await order_counts(gql.engine)
    fits = (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")], **{field: "x" * limit}))).data["addPurchaseOrder"]
    assert fits["errors"] == [] and fits["purchaseOrder"][field] == "x" * limit
    over = (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")], **{field: "x" * (limit + 1)}))).data["addPurchaseOrder"]
    assert over["purchaseOrder"] is None
    assert over["errors"] == [{"field": [field], "code": "INVALID", "message": f"{field} has {limit + 1} characters; at most {limit}"}]
    assert (await order_counts(gql.engine))[0] == before[0] + 1


async def test_line_descriptions_and_new_vendors_have_maximums_too(gql, world) -> None:
    before = await order_counts(gql.engine)
    order = order_input(world, [line_input(world, "1", "1", description="d" * 1_001)], vendorId=None,
                   vendor={"name": "v" * 255, "phone": "5" * 41})
    payload = (await gql(MUTATION, order)).data["addPurchaseOrder"]
    assert {(tuple(e["field"]), e["code"]) for e in payload["errors"]} == {
        (("lines", "0", "description"), "INVALID"), (("vendor", "name"), "INVALID"), (("vendor", "phone"), "INVALID")}
    assert await order_counts(gql.engine) == before


async def test_an_order_for_a_contact_without_an_account_is_in_its_history(gql, factory, world) -> None:
    loner = await factory.insert(Contact, first_name="Sola", last_name="Sin Cuenta")
    variables = order_input(world, [line_input(world, "1", "1")], contactId=gid("Contact", loner))
    order = (await gql(MUTATION, variables)).data["addPurchaseOrder"]["purchaseOrder"]
    entry = {"action": "PURCHASE_ORDER_ADDED", "summary": f"Purchase order {order['number']} for Sola Sin Cuenta: Consumibles",
             "account": None, "contact": {"id": gid("Contact", loner)}}
    history = (await gql("query($id: ID!) { contact(id: $id) { activityLog { nodes { action summary account { id } contact { id } } } } }",
                         {"id": gid("Contact", loner)})).data["contact"]["activityLog"]["nodes"]
    assert history == [entry]
    found = (await gql("query($id: ID!) { activityLogs(filter: {contact: {id: {eq: $id}}}) { nodes { action summary account { id } contact { id } } } }",
                       {"id": gid("Contact", loner)})).data["activityLogs"]["nodes"]
    assert found == [entry]

    # A contact with an account: the entry is on both histories.
    with_account = (await gql(MUTATION, order_input(world, [line_input(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]
    for parent, pk in (("account", world["account"]), ("contact", world["contact"])):
        latest = (await gql("query($id: ID!) { %s(id: $id) { activityLog(first: 1) { nodes { summary } } } }" % parent,
                            {"id": gid(parent.capitalize(), pk)})).data[parent]["activityLog"]["nodes"]
        assert latest == [{"summary": f"Purchase order {with_account['number']} for Ana Ruiz: Consumibles"}]


async def test_the_log_records_the_token_and_the_order_as_written(gql, world) -> None:
    order = (await gql(MUTATION, order_input(world, [line_input(world, "3", "199.99", discountPercent="10", tax="IVA_16")]))).data["addPurchaseOrder"]["purchaseOrder"]
    entry = (await gql("query($id: ID!) { contact(id: $id) { activityLog(first: 1) { nodes { action actor details } } } }",
                       {"id": gid("Contact", world["contact"])})).data["contact"]["activityLog"]["nodes"][0]
    assert (entry["action"], entry["actor"]) == ("PURCHASE_ORDER_ADDED", "test-write")
    changes = entry["details"]["changes"]
    assert changes["number"] == {"before": None, "after": order["number"]}
    assert changes["total"] == {"before": None, "after": "626.37"} and changes["status"] == {"before": None, "after": "CREATED"}
    assert changes["vendorId"] == {"before": None, "after": order["vendor"]["id"]}
