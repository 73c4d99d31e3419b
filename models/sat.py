"""SAT catalogues of CFDI 4.0 that accounts use, shipped as data: small, stable, and checked here."""

from __future__ import annotations

#: c_RegimenFiscal: code -> description.
TAX_REGIMES: dict[str, str] = {
    "601": "General de Ley Personas Morales",
    "603": "Personas Morales con Fines no Lucrativos",
    "605": "Sueldos y Salarios e Ingresos Asimilados a Salarios",
    "606": "Arrendamiento",
    "607": "Régimen de Enajenación o Adquisición de Bienes",
    "608": "Demás ingresos",
    "610": "Residentes en el Extranjero sin Establecimiento Permanente en México",
    "611": "Ingresos por Dividendos (socios y accionistas)",
    "612": "Personas Físicas con Actividades Empresariales y Profesionales",
    "614": "Ingresos por intereses",
    "615": "Régimen de los ingresos por obtención de premios",
    "616": "Sin obligaciones fiscales",
    "620": "Sociedades Cooperativas de Producción que optan por diferir sus ingresos",
    "621": "Incorporación Fiscal",
    "622": "Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras",
    "623": "Opcional para Grupos de Sociedades",
    "624": "Coordinados",
    "625": "Régimen de las Actividades Empresariales con ingresos a través de Plataformas Tecnológicas",
    "626": "Régimen Simplificado de Confianza",
}
COMPANY_REGIMES = frozenset({"601", "603", "620", "622", "623", "624", "610", "626"})
PERSON_REGIMES = frozenset({"605", "606", "607", "608", "611", "612", "614", "615", "616", "621", "625", "610", "626"})

_G_I = frozenset({"601", "603", "606", "612", "620", "621", "622", "623", "624", "625", "626"})
_D = frozenset({"605", "606", "607", "608", "611", "612", "614", "615", "625"})

#: c_UsoCFDI usable as an account default -> the régimenes it is allowed for. CP01 is for
#: payment CFDIs only and P01 no longer exists: neither is an account default.
CFDI_USES: dict[str, frozenset[str]] = {
    "G01": _G_I, "G02": _G_I | {"616"}, "G03": _G_I,
    **{f"I0{n}": _G_I for n in range(1, 9)},
    **{f"D{n:02d}": _D for n in range(1, 11)},
    "S01": frozenset(TAX_REGIMES),
    "CN01": frozenset({"605"}),
}

#: c_FormaPago: code -> description.
PAYMENT_FORMS: dict[str, str] = {
    "01": "Efectivo", "02": "Cheque nominativo", "03": "Transferencia electrónica de fondos",
    "04": "Tarjeta de crédito", "05": "Monedero electrónico", "06": "Dinero electrónico",
    "08": "Vales de despensa", "12": "Dación en pago", "13": "Pago por subrogación",
    "14": "Pago por consignación", "15": "Condonación", "17": "Compensación", "23": "Novación",
    "24": "Confusión", "25": "Remisión de deuda", "26": "Prescripción o caducidad",
    "27": "A satisfacción del acreedor", "28": "Tarjeta de débito", "29": "Tarjeta de servicios",
    "30": "Aplicación de anticipos", "31": "Intermediario pagos", "99": "Por definir",
}
#: c_MetodoPago PPD (deferred) requires forma de pago 99 (to be defined).
PPD_PAYMENT_FORM = "99"

#: RFCs for the public in general and for foreigners: accepted by exact match, any number of times.
GENERIC_RFCS = frozenset({"XAXX010101000", "XEXX010101000"})
GENERIC_REGIME, GENERIC_CFDI_USE = "616", "S01"
