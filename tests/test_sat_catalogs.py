"""satCatalogs: SAT's CFDI 4.0 catalogues for the forms' select lists, in SAT's words and order, and the
same data the mutations enforce (régimen by RFC kind, uso by régimen, currency by c_Moneda / ISO 4217)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pycountry
import pytest

from models import Contact, Product, sat
from models.enums import PaymentMethod
from service.app import create_app
from service.settings import Settings
from tests.client import GraphQLClient, gid
from tests.expect import comparable

QUERY = """
{
  satCatalogs {
    taxRegimes { code description appliesTo }
    cfdiUses { code description taxRegimes }
    paymentForms { code description }
    paymentMethods { code description }
    currencies { code description }
  }
}
"""
DUPLICATE = """
mutation($input: DuplicateAccountInput!) {
  duplicateAccount(input: $input) { errors { field code message } account { currency taxRegime cfdiUse } }
}
"""
ADD_ORDER = """
mutation($input: AddPurchaseOrderInput!) {
  addPurchaseOrder(input: $input) { errors { field code message } purchaseOrder { currency } }
}
"""


@pytest.fixture
async def catalogs(gql) -> dict:
    """The catalogues as a client with a read-only token gets them."""
    return (await gql(QUERY, scope="read")).data["satCatalogs"]


async def _duplicate(gql, source: int, rfc: str, **extra) -> dict:
    variables = {"input": {"sourceId": gid("Account", source), "name": f"Nueva {uuid.uuid4().hex[:8]}", "rfc": rfc, **extra}}
    return (await gql(DUPLICATE, variables)).data["duplicateAccount"]


async def test_descriptions_are_sats_own_words(catalogs) -> None:
    def text(catalog: str, code: str) -> str:
        return next(entry["description"] for entry in catalogs[catalog] if entry["code"] == code)

    assert text("taxRegimes", "601") == "General de Ley Personas Morales"
    assert text("taxRegimes", "616") == "Sin obligaciones fiscales"
    assert text("taxRegimes", "626") == "Régimen Simplificado de Confianza"
    assert text("cfdiUses", "G03") == "Gastos en general."
    assert text("cfdiUses", "D10") == "Pagos por servicios educativos (colegiaturas)."
    assert text("cfdiUses", "CN01") == "Nómina"
    assert text("paymentForms", "03") == "Transferencia electrónica de fondos"
    assert text("paymentForms", "99") == "Por definir"
    assert catalogs["paymentMethods"] == [
        {"code": "PUE", "description": "Pago en una sola exhibición"},
        {"code": "PPD", "description": "Pago en parcialidades o diferido"},
    ]
    assert text("currencies", "MXN") == "Peso Mexicano"
    assert text("currencies", "USD") == "Dólar americano"
    assert text("currencies", "EUR") == "Euro"


async def test_lists_are_in_sats_order(catalogs) -> None:
    def codes(catalog: str) -> list[str]:
        return [entry["code"] for entry in catalogs[catalog]]

    for catalog in ("taxRegimes", "paymentForms", "currencies"):
        assert codes(catalog) == sorted(codes(catalog)), catalog
    assert codes("taxRegimes")[0] == "601" and len(codes("taxRegimes")) == 19
    assert codes("cfdiUses") == ["G01", "G02", "G03", *(f"I0{n}" for n in range(1, 9)),
                                 *(f"D{n:02d}" for n in range(1, 11)), "S01", "CN01"]
    assert all(entry["taxRegimes"] == sorted(entry["taxRegimes"]) for entry in catalogs["cfdiUses"])


async def test_who_each_regime_and_uso_is_for(catalogs) -> None:
    applies = {entry["code"]: entry["appliesTo"] for entry in catalogs["taxRegimes"]}
    assert applies["601"] == applies["603"] == applies["624"] == ["COMPANY"]
    assert applies["605"] == applies["612"] == applies["616"] == ["PERSON"]
    assert applies["610"] == applies["626"] == ["COMPANY", "PERSON"]
    uses = {entry["code"]: entry["taxRegimes"] for entry in catalogs["cfdiUses"]}
    assert "616" in uses["G02"] and "616" not in uses["G01"]
    assert uses["CN01"] == ["605"] and uses["S01"] == sorted(applies)
    assert "601" not in uses["D01"] and "605" in uses["D01"]
    assert "CP01" not in uses and "P01" not in uses  # not an account default / no longer exists


async def test_payment_methods_are_the_values_of_the_enum(catalogs) -> None:
    assert [entry["code"] for entry in catalogs["paymentMethods"]] == [m.value for m in PaymentMethod]


def test_every_shipped_currency_is_an_iso_4217_code() -> None:
    iso_4217 = {currency.alpha_3 for currency in pycountry.currencies}
    assert set(sat.CURRENCIES) <= iso_4217, set(sat.CURRENCIES) - iso_4217
    assert {"MXN", "USD", "EUR"} <= set(sat.CURRENCIES)
    assert not {"ZZZ", "CNH", "XXX"} & set(sat.CURRENCIES)  # no code at all; SAT's own; "no currency"


async def test_the_served_currencies_are_the_shipped_catalogue(catalogs) -> None:
    assert {entry["code"]: entry["description"] for entry in catalogs["currencies"]} == sat.CURRENCIES


async def test_the_server_refuses_what_the_lists_do_not_offer(gql, factory, catalogs) -> None:
    """The rules the mutations apply are the lists' own: checked through duplicateAccount's messages."""
    source = await factory.invoiceable_company()
    applies = {entry["code"]: entry["appliesTo"] for entry in catalogs["taxRegimes"]}
    # A person's RFC with the source's 601: refused, and the régimenes it names are the PERSON ones.
    (error,) = (await _duplicate(gql, source, "CACX7605101P8"))["errors"]
    assert error["field"] == ["taxRegime"]
    assert error["message"].endswith("allowed: " + ", ".join(code for code, kinds in applies.items() if "PERSON" in kinds))
    # A uso that does not allow 612: refused, and the usos it names are those whose taxRegimes have 612.
    (error,) = (await _duplicate(gql, source, "CACX7605101P8", taxRegime="612", cfdiUse="CN01"))["errors"]
    allowed = sorted(entry["code"] for entry in catalogs["cfdiUses"] if "612" in entry["taxRegimes"])
    assert error["field"] == ["cfdiUse"] and error["message"].endswith("allowed: " + ", ".join(allowed))
    # And what the lists offer together is accepted.
    payload = await _duplicate(gql, source, "CACX7605101P8", taxRegime="612", cfdiUse=allowed[0])
    assert payload["errors"] == [] and (payload["account"]["taxRegime"], payload["account"]["cfdiUse"]) == ("612", allowed[0])


@pytest.mark.parametrize("currency", ["JPY", "EUR", "XAU"])
async def test_a_currency_of_the_list_is_accepted(gql, factory, currency) -> None:
    payload = await _duplicate(gql, await factory.invoiceable_company(), "EKU9003173C9", currency=currency)
    assert payload["errors"] == [] and payload["account"]["currency"] == currency


@pytest.mark.parametrize(
    ("currency", "says"),
    [
        ("ZZZ", "currency 'ZZZ' is not an ISO 4217 code of SAT's c_Moneda catalogue"),
        ("CNH", "currency 'CNH' is not an ISO 4217 code"),  # in SAT's c_Moneda, not in ISO 4217
        ("usd", "write it 'USD'"),
        ("pesos", "satCatalogs { currencies { code description } } lists them"),
    ],
)
async def test_a_currency_outside_the_list_is_refused_on_its_path(gql, factory, currency, says) -> None:
    (error,) = (await _duplicate(gql, await factory.invoiceable_company(), "EKU9003173C9", currency=currency))["errors"]
    assert (error["field"], error["code"]) == (["currency"], "INVALID") and says in error["message"], error["message"]

    contact = await factory.insert(Contact)
    order = {"input": {"contactId": gid("Contact", contact), "subject": "Papel", "date": "2026-11-23", "currency": currency,
                       "vendor": {"name": f"Proveedora {uuid.uuid4().hex[:8]}"},
                       "lines": [{"productId": gid("Product", await factory.insert(Product)), "quantity": "1", "unitPrice": "1"}]}}
    payload = (await gql(ADD_ORDER, order)).data["addPurchaseOrder"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["currency"], "INVALID")]
    assert says in payload["errors"][0]["message"]


@pytest.fixture
async def stock(database_url: str, tokens: dict[str, str]) -> AsyncIterator[GraphQLClient]:
    """A second app over the same database with the compiled executor off: graphql-core's stock one."""
    application = create_app(Settings(database_url=database_url, compiled_executor=False))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://crmgraph.test") as http:
            yield GraphQLClient(http, application.state.engine, tokens)
    finally:
        await application.state.engine.dispose()


@pytest.mark.parametrize("query", [QUERY, "{ accounts(first: 1) { totalCount } satCatalogs { paymentMethods { code } } }"])
async def test_the_compiled_executor_answers_as_the_stock_one(gql, stock, query) -> None:
    """gql runs the compiled executor (the default); it leaves satCatalogs to the stock executor, alone or
    beside a root list it plans, and the answer is the same JSON."""
    compiled, plain = await gql(query, scope="read"), await stock(query, scope="read")
    assert comparable(compiled.body) == comparable(plain.body) and "errors" not in compiled.body
    assert compiled.data["satCatalogs"]["paymentMethods"][0]["code"] == "PUE"
