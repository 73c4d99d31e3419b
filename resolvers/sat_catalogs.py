"""satCatalogs: the SAT catalogues (CFDI 4.0) behind the forms' select lists, served from models/sat.py,
the same data the mutations validate with, so a list never offers a code the server refuses."""

import enum

import strawberry

from models import sat


@strawberry.enum(description="The kind of taxpayer an RFC names, which decides the régimenes fiscales it may have.")
class TaxpayerKind(enum.Enum):
    COMPANY = strawberry.enum_value("COMPANY", description="Persona moral: an RFC of 12 characters.")
    PERSON = strawberry.enum_value("PERSON", description="Persona física: an RFC of 13 characters.")


_CODE = "The code, as inputs take it and accounts store it."
_DESCRIPTION = "SAT's description, in Spanish, exactly as SAT publishes it."


@strawberry.type(description="A régimen fiscal of SAT's c_RegimenFiscal catalogue.")
class TaxRegime:
    code: str = strawberry.field(description=f"{_CODE} E.g. 601.")
    description: str = strawberry.field(description=_DESCRIPTION)
    applies_to: list[TaxpayerKind] = strawberry.field(
        description="Whom it applies to: companies, persons, or both. An account's régimen must apply to the kind "
        "its RFC names."
    )


@strawberry.type(description="A uso de CFDI of SAT's c_UsoCFDI catalogue that an account may have as its default.")
class CfdiUse:
    code: str = strawberry.field(description=f"{_CODE} E.g. G03.")
    description: str = strawberry.field(description=_DESCRIPTION)
    tax_regimes: list[str] = strawberry.field(
        description="The c_RegimenFiscal codes it is allowed for, by code: an account's uso must allow its régimen."
    )


@strawberry.type(description="A code of a SAT catalogue and its description.")
class SatCode:
    code: str = strawberry.field(description=_CODE)
    description: str = strawberry.field(description=_DESCRIPTION)


@strawberry.type(
    description="The SAT catalogues of CFDI 4.0 that the account and purchase-order forms select from, with the "
    "rules between them. The server validates inputs against this same data."
)
class SatCatalogs:
    tax_regimes: list[TaxRegime] = strawberry.field(description="Régimen fiscal (SAT c_RegimenFiscal), by code.")
    cfdi_uses: list[CfdiUse] = strawberry.field(
        description="Uso de CFDI (SAT c_UsoCFDI) an account may default to, in SAT's order. CP01 is for payment CFDIs "
        "only and is not one."
    )
    payment_forms: list[SatCode] = strawberry.field(
        description="Forma de pago (SAT c_FormaPago), by code. With payment method PPD the form is 99 (Por definir)."
    )
    payment_methods: list[SatCode] = strawberry.field(
        description="Método de pago (SAT c_MetodoPago) in SAT's order: PUE and PPD, the values of the PaymentMethod enum."
    )
    currencies: list[SatCode] = strawberry.field(
        description="Moneda (SAT c_Moneda), by code: its ISO 4217 codes, the currencies an account or an order may have."
    )


def _applies_to(code: str) -> list[TaxpayerKind]:
    return [kind for kind, regimes in ((TaxpayerKind.COMPANY, sat.COMPANY_REGIMES), (TaxpayerKind.PERSON, sat.PERSON_REGIMES))
            if code in regimes]


# Built once: the catalogues are constants of the code, the same for every request.
SAT_CATALOGS = SatCatalogs(
    tax_regimes=[TaxRegime(code=code, description=text, applies_to=_applies_to(code))
                 for code, text in sat.TAX_REGIMES.items()],
    cfdi_uses=[CfdiUse(code=code, description=use.description, tax_regimes=sorted(use.tax_regimes))
               for code, use in sat.CFDI_USES.items()],
    payment_forms=[SatCode(code=code, description=text) for code, text in sat.PAYMENT_FORMS.items()],
    payment_methods=[SatCode(code=code, description=text) for code, text in sat.PAYMENT_METHODS.items()],
    currencies=[SatCode(code=code, description=text) for code, text in sat.CURRENCIES.items()],
)


def sat_catalogs() -> SatCatalogs:
    """The catalogues, from models/sat.py."""
    return SAT_CATALOGS
