"""addPurchaseOrder: server-side amounts, default addresses, error paths, atomicity, concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from decimal import Decimal

import pytest
import sqlalchemy as sa
from stdnum.mx import rfc as stdnum_rfc

from models import (
    Account,
    ActivityLog,
    Address,
    Contact,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Service,
    Vendor,
)
from models.enums import Tax
from models.totals import document_totals, line_amounts
from tests.client import gid

MUTATION = """
mutation($input: AddPurchaseOrderInput!) {
  addPurchaseOrder(input: $input) {
    errors { field code message }
    purchaseOrder {
      id number subject date status currency subtotal discountTotal taxTotal total
      termsAndConditions shippingAddress billingAddress
      vendor { id name rfc } contact { id purchaseOrders(first: 1) { totalCount nodes { id } } }
      lines { position description quantity unitPrice discountPercent discountAmount tax taxRate gross discount net taxAmount total product { id } service { id } }
      taxBreakdown { tax rate base amount }
    }
  }
}
"""


@pytest.fixture
async def world(factory) -> dict:
    account = await factory.insert(Account)
    contact = await factory.insert(Contact, account_id=account, first_name="Ana", last_name="Ruiz")
    return {
        "account": account,
        "contact": contact,
        "vendor": await factory.insert(Vendor, name="Proveedora Central"),
        "product": await factory.insert(Product, name="Tóner negro"),
        "service": await factory.insert(Service, name="Instalación"),
    }


def _order(world: dict, lines: list[dict], **extra) -> dict:
    return {"input": {"contactId": gid("Contact", world["contact"]), "subject": "Consumibles", "date": "2026-11-23",
                      "vendorId": gid("Vendor", world["vendor"]), "lines": lines, **extra}}


def _line(world: dict, quantity: str, price: str, **extra) -> dict:
    return {"productId": gid("Product", world["product"]), "quantity": quantity, "unitPrice": price, **extra}


def _random_lines(rng: random.Random, world: dict, *, services: bool) -> list[dict]:
    """1..6 lines of random quantities (0..4 decimals), prices, taxes and discounts."""
    lines = []
    for _ in range(rng.randint(1, 6)):
        line = {"quantity": str(Decimal(rng.randint(1, 200_000)).scaleb(-rng.randint(0, 4))),
                "unitPrice": str(Decimal(rng.randint(0, 5_000_000)).scaleb(-2)),
                "tax": rng.choice([None, "IVA_16", "IVA_8", "IVA_0", "EXENTO"])}
        if rng.random() < 0.3:
            line["discountPercent"] = str(Decimal(rng.randint(0, 10_000)).scaleb(-2))
        item = rng.choice([("productId", "Product", "product"), ("serviceId", "Service", "service")][: 1 + services])
        lines.append({item[0]: gid(item[1], world[item[2]]), **line})
    return lines


async def _counts(engine) -> tuple[int, ...]:
    async with engine.connect() as connection:
        return tuple([
            (await connection.execute(sa.select(sa.func.count()).select_from(m.__table__))).scalar_one()
            for m in (PurchaseOrder, PurchaseOrderLine, Vendor, ActivityLog)
        ])


async def test_the_worked_example_of_domain_md(gql, world) -> None:
    payload = (await gql(MUTATION, _order(world, [_line(world, "3", "199.99", discountPercent="10", tax="IVA_16")]))).data["addPurchaseOrder"]
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
    payload = (await gql(MUTATION, _order(world, [{"productId": gid("Product", world["product"]), **line}]))).data["addPurchaseOrder"]
    assert payload["errors"] == []
    (stored,) = payload["purchaseOrder"]["lines"]
    assert (stored["gross"], stored["discount"], stored["net"], stored["taxAmount"], stored["total"]) == expected


async def test_random_orders_store_exactly_what_the_rules_compute(gql, world) -> None:
    rng = random.Random(20261123)
    for _ in range(12):
        lines = _random_lines(rng, world, services=False)
        order = (await gql(MUTATION, _order(world, lines))).data["addPurchaseOrder"]["purchaseOrder"]
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
    before = await _counts(gql.engine)
    response = await gql(MUTATION, {"input": {
        "contactId": gid("Contact", 999_999_999), "subject": " ", "date": "2026-11-23", "currency": "mxn",
        "vendorId": gid("Vendor", world["vendor"]), "vendor": {"name": "Otro"},
        "lines": [
            _line(world, "1", "10"),
            {"quantity": "1", "unitPrice": "10"},
            _line(world, "0", "-1", discountPercent="101", discountAmount="5"),
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
    assert await _counts(gql.engine) == before


@pytest.mark.parametrize("quantity", ["NaN", "Infinity", "abc", ""])
async def test_a_number_that_is_no_number_is_refused_before_the_mutation_runs(gql, world, quantity) -> None:
    before = await _counts(gql.engine)
    response = await gql(MUTATION, _order(world, [_line(world, quantity, "1")]))
    assert ".lines[0].quantity" in response.errors[0]["message"] and "Decimal" in response.errors[0]["message"]
    assert await _counts(gql.engine) == before


async def test_a_vendor_is_required_once(gql, world) -> None:
    neither = _order(world, [_line(world, "1", "1")])
    del neither["input"]["vendorId"]
    payload = (await gql(MUTATION, neither)).data["addPurchaseOrder"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["vendorId"], "REQUIRED")]
    bad = _order(world, [_line(world, "1", "1")], vendorId=None, vendor={"name": "", "rfc": "MAB9307148T5", "email": "x"})
    payload = (await gql(MUTATION, bad)).data["addPurchaseOrder"]
    assert sorted(tuple(e["field"]) for e in payload["errors"]) == [("vendor", "email"), ("vendor", "name"), ("vendor", "rfc")]
    empty = (await gql(MUTATION, _order(world, []))).data["addPurchaseOrder"]
    assert [(e["field"], e["code"]) for e in empty["errors"]] == [(["lines"], "REQUIRED")]


async def test_a_new_vendor_is_created_with_the_order(gql, world) -> None:
    order = _order(world, [_line(world, "1", "1")], vendorId=None, vendor={"name": "Papelera del Bajío", "rfc": "eku9003173c9"})
    payload = (await gql(MUTATION, order)).data["addPurchaseOrder"]
    assert payload["errors"] == []
    assert {k: payload["purchaseOrder"]["vendor"][k] for k in ("name", "rfc")} == {"name": "Papelera del Bajío", "rfc": "EKU9003173C9"}


async def test_addresses_default_as_the_seed_says_and_are_copied_as_text(gql, factory, world) -> None:
    account, contact = world["account"], world["contact"]
    assert (await gql(MUTATION, _order(world, [_line(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]["shippingAddress"] is None

    await factory.insert(Address, contact_id=contact, kind="OTHER", is_primary=True, street="Calle Uno", ext_number="1", city="León", state="Guanajuato", postal_code="37000")
    await factory.insert(Address, contact_id=contact, kind="FISCAL", is_primary=True, street="Calle Fiscal", ext_number="2", city="León", state="Guanajuato", postal_code="37001")
    first = (await gql(MUTATION, _order(world, [_line(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]
    assert first["shippingAddress"] == "Calle Uno 1, León, Guanajuato, C.P. 37000, MX"  # no primary shipping: the primary address
    assert first["billingAddress"] == "Calle Fiscal 2, León, Guanajuato, C.P. 37001, MX"  # no account fiscal: the contact's

    shipping = await factory.insert(Address, contact_id=contact, kind="SHIPPING", is_primary=True, street="Bodega Norte", ext_number="10", int_number="B", colonia="Industrial", city="Apodaca", municipality="Apodaca", state="Nuevo León", postal_code="66600")
    await factory.insert(Address, account_id=account, kind="FISCAL", is_primary=True, street="Av. Reforma", ext_number="222", colonia="Juárez", city="Ciudad de México", municipality="Cuauhtémoc", state="CDMX", postal_code="06600")
    second = (await gql(MUTATION, _order(world, [_line(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]
    assert second["shippingAddress"] == "Bodega Norte 10 Int. B, Col. Industrial, Apodaca, Nuevo León, C.P. 66600, MX"
    assert second["billingAddress"] == "Av. Reforma 222, Col. Juárez, Ciudad de México, Cuauhtémoc, CDMX, C.P. 06600, MX"

    given = (await gql(MUTATION, _order(world, [_line(world, "1", "1")], shippingAddress="Recoger en tienda", billingAddress="Otra"))).data["addPurchaseOrder"]["purchaseOrder"]
    assert (given["shippingAddress"], given["billingAddress"]) == ("Recoger en tienda", "Otra")

    async with gql.engine.begin() as connection:  # a later edit of the address does not rewrite the issued order
        await connection.execute(sa.update(Address.__table__).where(Address.__table__.c.id == shipping).values(street="Cambiada"))
    again = (await gql("query($id: ID!) { node(id: $id) { ... on PurchaseOrder { shippingAddress } } }", {"id": second["id"]})).data["node"]
    assert again["shippingAddress"].startswith("Bodega Norte")


async def test_the_order_is_in_the_contacts_tab_at_once_and_logged_on_the_account(gql, world) -> None:
    count = lambda: gql("query($id: ID!) { contact(id: $id) { purchaseOrders { totalCount } } }", {"id": gid("Contact", world["contact"])})  # noqa: E731
    before = (await count()).data["contact"]["purchaseOrders"]["totalCount"]
    order = (await gql(MUTATION, _order(world, [_line(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]
    assert order["contact"]["purchaseOrders"] == {"totalCount": before + 1, "nodes": [{"id": order["id"]}]}
    assert (await count()).data["contact"]["purchaseOrders"]["totalCount"] == before + 1
    log = (await gql("query($id: ID!) { account(id: $id) { activityLog(first: 1) { nodes { action summary } } } }", {"id": gid("Account", world["account"])})).data
    assert log["account"]["activityLog"]["nodes"] == [{"action": "PURCHASE_ORDER_ADDED", "summary": f"Purchase order {order['number']} for Ana Ruiz: Consumibles"}]


async def test_two_mutations_in_one_document_each_see_what_the_one_before_wrote(gql, world) -> None:
    variables = _order(world, [_line(world, "1", "1")])
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
        before = await _counts(gql.engine)
        order = _order(world, [_line(world, "1", "1"), _line(world, "2", "2", description="boom")],
                       vendorId=None, vendor={"name": "Nunca Guardado SA"})
        response = await gql(MUTATION, order)
        assert response.errors[0]["message"] == "Internal server error" and "boom" not in str(response.body)
        assert await _counts(gql.engine) == before
    finally:
        async with gql.engine.begin() as connection:
            for statement in drop:
                await connection.exec_driver_sql(statement)


async def test_twenty_orders_at_once_get_unique_numbers(gql, world) -> None:
    responses = await asyncio.gather(*(gql(MUTATION, _order(world, [_line(world, "1", str(n))])) for n in range(20)))
    orders = [r.data["addPurchaseOrder"]["purchaseOrder"] for r in responses]
    assert len({o["number"] for o in orders}) == 20
    assert sorted(o["total"] for o in orders) == sorted(f"{n}.00" for n in range(20))


@pytest.mark.parametrize(
    ("field", "limit"),
    [("termsAndConditions", 10_000), ("shippingAddress", 1_000), ("billingAddress", 1_000), ("subject", 254)],
)
async def test_every_text_input_has_a_maximum(gql, world, field, limit) -> None:
    before = await _counts(gql.engine)
    fits = (await gql(MUTATION, _order(world, [_line(world, "1", "1")], **{field: "x" * limit}))).data["addPurchaseOrder"]
    assert fits["errors"] == [] and fits["purchaseOrder"][field] == "x" * limit
    over = (await gql(MUTATION, _order(world, [_line(world, "1", "1")], **{field: "x" * (limit + 1)}))).data["addPurchaseOrder"]
    assert over["purchaseOrder"] is None
    assert over["errors"] == [{"field": [field], "code": "INVALID", "message": f"{field} has {limit + 1} characters; at most {limit}"}]
    assert (await _counts(gql.engine))[0] == before[0] + 1


async def test_line_descriptions_and_new_vendors_have_maximums_too(gql, world) -> None:
    before = await _counts(gql.engine)
    order = _order(world, [_line(world, "1", "1", description="d" * 1_001)], vendorId=None,
                   vendor={"name": "v" * 255, "phone": "5" * 41})
    payload = (await gql(MUTATION, order)).data["addPurchaseOrder"]
    assert {(tuple(e["field"]), e["code"]) for e in payload["errors"]} == {
        (("lines", "0", "description"), "INVALID"), (("vendor", "name"), "INVALID"), (("vendor", "phone"), "INVALID")}
    assert await _counts(gql.engine) == before


PREVIEW = """
query($input: AddPurchaseOrderInput!) {
  previewPurchaseOrder(input: $input) {
    errors { field code message existingId }
    purchaseOrder {
      subject date status currency subtotal discountTotal taxTotal total termsAndConditions shippingAddress billingAddress
      contactId vendorId
      lines { position description quantity unitPrice discountPercent discountAmount tax taxRate gross discount net taxAmount total productId serviceId }
      taxBreakdown { tax rate base amount }
    }
  }
}
"""
WRITES = ("INSERT", "UPDATE", "DELETE")


def _company_rfc(n: int) -> str:
    """A valid company RFC of its own for each n (vendors outlive a test: RFCs must not repeat)."""
    base = f"VAL{dt.date(2000, 1, 1) + dt.timedelta(days=n % 9000):%y%m%d}{'ABCDEFGHJK'[n // 9000 % 10]}1"
    return base + stdnum_rfc.calc_check_digit(base)


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(WRITES)]


async def test_the_preview_answers_what_the_order_will_be_and_writes_nothing(gql, factory, world) -> None:
    await factory.insert(Address, contact_id=world["contact"], kind="SHIPPING", is_primary=True, street="Bodega", ext_number="3")
    rng = random.Random(20261207)
    for n in range(6):
        lines = _random_lines(rng, world, services=True)
        variables = _order(world, lines, termsAndConditions=f"Entrega {n}")
        before = await _counts(gql.engine)
        response = await gql(PREVIEW, variables)
        preview = response.data["previewPurchaseOrder"]
        assert preview["errors"] == [] and _writes(response.statements) == []
        assert await _counts(gql.engine) == before

        written = (await gql(MUTATION, variables)).data["addPurchaseOrder"]["purchaseOrder"]
        order = preview["purchaseOrder"]
        for key in ("subject", "date", "status", "currency", "subtotal", "discountTotal", "taxTotal", "total",
                    "termsAndConditions", "shippingAddress", "billingAddress", "taxBreakdown"):
            assert order[key] == written[key], key
        assert (order["contactId"], order["vendorId"]) == (written["contact"]["id"], written["vendor"]["id"])
        for seen, stored in zip(order["lines"], written["lines"], strict=True):
            ids = {"productId": stored.pop("product"), "serviceId": stored.pop("service")}
            assert {k: seen[k] for k in stored} == stored
            assert [seen["productId"], seen["serviceId"]] == [i and i["id"] for i in ids.values()]


async def test_the_preview_gives_the_mutations_errors_at_the_same_paths(gql, world) -> None:
    bad = {"input": {
        "contactId": gid("Contact", 999_999_999), "subject": " ", "date": "2026-11-23", "currency": "ZZZ",
        "vendorId": gid("Vendor", 999_999), "lines": [
            _line(world, "0", "-1", discountPercent="101", discountAmount="5"),
            {"serviceId": gid("Service", 999_999), "quantity": "1.00001", "unitPrice": "1.001"},
        ],
    }}
    before = await _counts(gql.engine)
    preview = (await gql(PREVIEW, bad)).data["previewPurchaseOrder"]
    mutation = (await gql(MUTATION.replace("message", "message existingId"), bad)).data["addPurchaseOrder"]
    assert preview["purchaseOrder"] is None and mutation["purchaseOrder"] is None
    assert preview["errors"] == mutation["errors"] and len(preview["errors"]) == 11
    assert await _counts(gql.engine) == before


async def test_a_new_vendor_that_exists_is_a_conflict_naming_it(gql, factory, world) -> None:
    tag = str(world["contact"])  # names and RFCs unique to this test run: vendors outlive a test
    rfcs = [_company_rfc(world["contact"] * 4 + n) for n in range(4)]
    by_name = await factory.insert(Vendor, name=f"Vargas-Alarcón {tag}")
    by_rfc = await factory.insert(Vendor, name=f"Papelera {tag}", rfc=rfcs[0])
    clashes = [
        ({"name": f"  vargas-ALARCON {tag} "}, by_name),  # case, accents and spacing aside
        ({"name": f"Vargas Alarcon, {tag}."}, by_name),  # and punctuation
        ({"name": f"Otro nombre {tag}", "rfc": rfcs[0].lower()}, by_rfc),  # the same RFC, whatever the name
        ({"name": f"Vargas-Alarcón {tag}", "rfc": rfcs[1]}, by_name),  # the existing one has no RFC
    ]
    for vendor, existing in clashes:
        variables = _order(world, [_line(world, "1", "1")], vendorId=None, vendor=vendor)
        before = await _counts(gql.engine)
        for query, field in ((PREVIEW, "previewPurchaseOrder"), (MUTATION.replace("message", "message existingId"), "addPurchaseOrder")):
            payload = (await gql(query, variables)).data[field]
            (error,) = payload["errors"]
            assert (error["field"], error["code"], error["existingId"]) == (["vendor"], "CONFLICT", gid("Vendor", existing)), vendor
            assert gid("Vendor", existing) in error["message"]
        assert await _counts(gql.engine) == before

    # Two vendors of one name with different RFCs are two companies; a generic RFC decides nothing.
    for rfc in rfcs[2:]:
        homonym = (await gql(MUTATION, _order(world, [_line(world, "1", "1")], vendorId=None,
                                              vendor={"name": f"Homónimo {tag}", "rfc": rfc}))).data["addPurchaseOrder"]
        assert homonym["errors"] == []
    foreign = (await gql(MUTATION, _order(world, [_line(world, "1", "1")], vendorId=None,
                                          vendor={"name": f"Foreign {tag} Ltd", "rfc": "XEXX010101000"}))).data["addPurchaseOrder"]
    assert foreign["errors"] == []


async def test_orders_creating_the_same_vendor_at_once_create_it_once(gql, world) -> None:
    name = f"Simultánea {world['contact']} SA"
    variables = _order(world, [_line(world, "1", "1")], vendorId=None, vendor={"name": name})
    payloads = [r.data["addPurchaseOrder"] for r in await asyncio.gather(*(gql(MUTATION, variables) for _ in range(6)))]
    assert sum(p["errors"] == [] for p in payloads) == 1
    assert all([e["code"] for e in p["errors"]] == ["CONFLICT"] for p in payloads if p["errors"])
    async with gql.engine.connect() as connection:
        assert (await connection.execute(sa.select(sa.func.count()).where(Vendor.__table__.c.name == name))).scalar_one() == 1


async def test_vendors_are_found_by_search(gql, factory, world) -> None:
    tag = str(world["contact"])
    vendor = await factory.insert(Vendor, name=f"Vargas-Alarcón Distribuciones {tag}", rfc=_company_rfc(world["contact"]))
    for text in (f"alarcon distribuciones {tag}", f"VARGAS-ALARCÓN DISTRIBUCIONES {tag}"):
        found = (await gql("query($t: String!) { search(text: $t) { vendors { id name rfc } } }", {"t": text})).data
        assert found["search"]["vendors"] == [{"id": gid("Vendor", vendor), "name": f"Vargas-Alarcón Distribuciones {tag}",
                                               "rfc": _company_rfc(world["contact"])}]


async def test_an_order_for_a_contact_without_an_account_is_in_its_history(gql, factory, world) -> None:
    loner = await factory.insert(Contact, first_name="Sola", last_name="Sin Cuenta")
    variables = _order(world, [_line(world, "1", "1")], contactId=gid("Contact", loner))
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
    with_account = (await gql(MUTATION, _order(world, [_line(world, "1", "1")]))).data["addPurchaseOrder"]["purchaseOrder"]
    for parent, pk in (("account", world["account"]), ("contact", world["contact"])):
        latest = (await gql("query($id: ID!) { %s(id: $id) { activityLog(first: 1) { nodes { summary } } } }" % parent,
                            {"id": gid(parent.capitalize(), pk)})).data[parent]["activityLog"]["nodes"]
        assert latest == [{"summary": f"Purchase order {with_account['number']} for Ana Ruiz: Consumibles"}]


async def test_the_log_records_the_token_and_the_order_as_written(gql, world) -> None:
    order = (await gql(MUTATION, _order(world, [_line(world, "3", "199.99", discountPercent="10", tax="IVA_16")]))).data["addPurchaseOrder"]["purchaseOrder"]
    entry = (await gql("query($id: ID!) { contact(id: $id) { activityLog(first: 1) { nodes { action actor details } } } }",
                       {"id": gid("Contact", world["contact"])})).data["contact"]["activityLog"]["nodes"][0]
    assert (entry["action"], entry["actor"]) == ("PURCHASE_ORDER_ADDED", "test-write")
    changes = entry["details"]["changes"]
    assert changes["number"] == {"before": None, "after": order["number"]}
    assert changes["total"] == {"before": None, "after": "626.37"} and changes["status"] == {"before": None, "after": "CREATED"}
    assert changes["vendorId"] == {"before": None, "after": order["vendor"]["id"]}


async def test_a_new_vendors_phone_is_checked_as_every_phone(gql, world) -> None:
    before = await _counts(gql.engine)
    order = _order(world, [_line(world, "1", "1")], vendorId=None, vendor={"name": f"Telefónica {world['contact']}", "phone": "123"})
    payload = (await gql(MUTATION, order)).data["addPurchaseOrder"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["vendor", "phone"], "INVALID")]
    assert "not a phone number" in payload["errors"][0]["message"]
    assert await _counts(gql.engine) == before
