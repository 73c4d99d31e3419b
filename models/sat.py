"""SAT catalogues of CFDI 4.0 that accounts and orders use, shipped as data: small, stable, and checked here.

The codes and their descriptions are SAT's, exactly as its catCFDI (CFDI 4.0) spreadsheet publishes
them, taken from phpcfdi/resources-sat-catalogs (database/data/cfdi_40_*.sql, a conversion of SAT's
file). The server validates with these dicts and the `satCatalogs` query serves them, so the lists
a form shows and the rules the server applies are the same data.
"""

from __future__ import annotations

from typing import NamedTuple

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
#: The régimenes of a company (persona moral) and of a person (persona física): SAT's "Moral" and
#: "Física" columns. 610 and 626 are in both.
COMPANY_REGIMES = frozenset({"601", "603", "620", "622", "623", "624", "610", "626"})
PERSON_REGIMES = frozenset({"605", "606", "607", "608", "611", "612", "614", "615", "616", "621", "625", "610", "626"})


class CfdiUse(NamedTuple):
    """A c_UsoCFDI code's description and the régimenes of the receiver it is allowed for."""

    description: str
    tax_regimes: frozenset[str]


_G_I = frozenset({"601", "603", "606", "612", "620", "621", "622", "623", "624", "625", "626"})
_D = frozenset({"605", "606", "607", "608", "611", "612", "614", "615", "625"})

#: c_UsoCFDI usable as an account default, in SAT's order. CP01 is for payment CFDIs only and P01
#: no longer exists: neither is an account default. SAT ends these descriptions with a period.
CFDI_USES: dict[str, CfdiUse] = {
    "G01": CfdiUse("Adquisición de mercancías.", _G_I),
    "G02": CfdiUse("Devoluciones, descuentos o bonificaciones.", _G_I | {"616"}),
    "G03": CfdiUse("Gastos en general.", _G_I),
    "I01": CfdiUse("Construcciones.", _G_I),
    "I02": CfdiUse("Mobiliario y equipo de oficina por inversiones.", _G_I),
    "I03": CfdiUse("Equipo de transporte.", _G_I),
    "I04": CfdiUse("Equipo de computo y accesorios.", _G_I),
    "I05": CfdiUse("Dados, troqueles, moldes, matrices y herramental.", _G_I),
    "I06": CfdiUse("Comunicaciones telefónicas.", _G_I),
    "I07": CfdiUse("Comunicaciones satelitales.", _G_I),
    "I08": CfdiUse("Otra maquinaria y equipo.", _G_I),
    "D01": CfdiUse("Honorarios médicos, dentales y gastos hospitalarios.", _D),
    "D02": CfdiUse("Gastos médicos por incapacidad o discapacidad.", _D),
    "D03": CfdiUse("Gastos funerales.", _D),
    "D04": CfdiUse("Donativos.", _D),
    "D05": CfdiUse("Intereses reales efectivamente pagados por créditos hipotecarios (casa habitación).", _D),
    "D06": CfdiUse("Aportaciones voluntarias al SAR.", _D),
    "D07": CfdiUse("Primas por seguros de gastos médicos.", _D),
    "D08": CfdiUse("Gastos de transportación escolar obligatoria.", _D),
    "D09": CfdiUse("Depósitos en cuentas para el ahorro, primas que tengan como base planes de pensiones.", _D),
    "D10": CfdiUse("Pagos por servicios educativos (colegiaturas).", _D),
    "S01": CfdiUse("Sin efectos fiscales.", frozenset(TAX_REGIMES)),
    "CN01": CfdiUse("Nómina", frozenset({"605"})),
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

#: c_MetodoPago: code -> description (the values of the PaymentMethod enum).
PAYMENT_METHODS: dict[str, str] = {"PUE": "Pago en una sola exhibición", "PPD": "Pago en parcialidades o diferido"}

#: c_Moneda: code -> description, for the currency of an account or an order. SAT's catalogue, but
#: only its ISO 4217 codes: left out are CNH, ESD, NIC and UYP (SAT's own, not ISO 4217), the codes
#: ISO 4217 has withdrawn (ANG, BGN, BYR, CUC, HRK, MRO, SLL, STD, VEF, ZWL), and XTS (for tests) and
#: XXX (no currency: payment and transfer CFDIs), which are no currency to keep an account in.
#: SAT's text is kept as published, the double space of VES too.
CURRENCIES: dict[str, str] = {
    "AED": "Dirham de EAU", "AFN": "Afghani", "ALL": "Lek", "AMD": "Dram armenio", "AOA": "Kwanza",
    "ARS": "Peso Argentino", "AUD": "Dólar Australiano", "AWG": "Aruba Florin", "AZN": "Azerbaijanian Manat",
    "BAM": "Convertibles marca", "BBD": "Dólar de Barbados", "BDT": "Taka", "BHD": "Dinar de Bahrein",
    "BIF": "Burundi Franc", "BMD": "Dólar de Bermudas", "BND": "Dólar de Brunei", "BOB": "Boliviano", "BOV": "Mvdol",
    "BRL": "Real brasileño", "BSD": "Dólar de las Bahamas", "BTN": "Ngultrum", "BWP": "Pula",
    "BZD": "Dólar de Belice", "CAD": "Dólar Canadiense", "CDF": "Franco congoleño", "CHE": "WIR Euro",
    "CHF": "Franco Suizo", "CHW": "Franc WIR", "CLF": "Unidad de Fomento", "CLP": "Peso chileno",
    "CNY": "Yuan Renminbi", "COP": "Peso Colombiano", "COU": "Unidad de Valor real", "CRC": "Colón costarricense",
    "CUP": "Peso Cubano", "CVE": "Cabo Verde Escudo", "CZK": "Corona checa", "DJF": "Franco de Djibouti",
    "DKK": "Corona danesa", "DOP": "Peso Dominicano", "DZD": "Dinar argelino", "EGP": "Libra egipcia", "ERN": "Nakfa",
    "ETB": "Birr etíope", "EUR": "Euro", "FJD": "Dólar de Fiji", "FKP": "Libra malvinense", "GBP": "Libra Esterlina",
    "GEL": "Lari", "GHS": "Cedi de Ghana", "GIP": "Libra de Gibraltar", "GMD": "Dalasi", "GNF": "Franco guineano",
    "GTQ": "Quetzal", "GYD": "Dólar guyanés", "HKD": "Dólar De Hong Kong", "HNL": "Lempira", "HTG": "Gourde",
    "HUF": "Florín", "IDR": "Rupia", "ILS": "Nuevo Shekel Israelí", "INR": "Rupia india", "IQD": "Dinar iraquí",
    "IRR": "Rial iraní", "ISK": "Corona islandesa", "JMD": "Dólar Jamaiquino", "JOD": "Dinar jordano", "JPY": "Yen",
    "KES": "Chelín keniano", "KGS": "Som", "KHR": "Riel", "KMF": "Franco Comoro", "KPW": "Corea del Norte ganó",
    "KRW": "Won", "KWD": "Dinar kuwaití", "KYD": "Dólar de las Islas Caimán", "KZT": "Tenge", "LAK": "Kip",
    "LBP": "Libra libanesa", "LKR": "Rupia de Sri Lanka", "LRD": "Dólar liberiano", "LSL": "Loti",
    "LYD": "Dinar libio", "MAD": "Dirham marroquí", "MDL": "Leu moldavo", "MGA": "Ariary malgache", "MKD": "Denar",
    "MMK": "Kyat", "MNT": "Tugrik", "MOP": "Pataca", "MUR": "Rupia de Mauricio", "MVR": "Rupia", "MWK": "Kwacha",
    "MXN": "Peso Mexicano", "MXV": "México Unidad de Inversión (UDI)", "MYR": "Ringgit malayo",
    "MZN": "Mozambique Metical", "NAD": "Dólar de Namibia", "NGN": "Naira", "NIO": "Córdoba Oro",
    "NOK": "Corona noruega", "NPR": "Rupia nepalí", "NZD": "Dólar de Nueva Zelanda", "OMR": "Rial omaní",
    "PAB": "Balboa", "PEN": "Nuevo Sol", "PGK": "Kina", "PHP": "Peso filipino", "PKR": "Rupia de Pakistán",
    "PLN": "Zloty", "PYG": "Guaraní", "QAR": "Qatar Rial", "RON": "Leu rumano", "RSD": "Dinar serbio",
    "RUB": "Rublo ruso", "RWF": "Franco ruandés", "SAR": "Riyal saudí", "SBD": "Dólar de las Islas Salomón",
    "SCR": "Rupia de Seychelles", "SDG": "Libra sudanesa", "SEK": "Corona sueca", "SGD": "Dólar De Singapur",
    "SHP": "Libra de Santa Helena", "SOS": "Chelín somalí", "SRD": "Dólar de Suriname", "SSP": "Libra sudanesa Sur",
    "SVC": "Colon El Salvador", "SYP": "Libra Siria", "SZL": "Lilangeni", "THB": "Baht", "TJS": "Somoni",
    "TMT": "Turkmenistán nuevo manat", "TND": "Dinar tunecino", "TOP": "Pa'anga", "TRY": "Lira turca",
    "TTD": "Dólar de Trinidad y Tobago", "TWD": "Nuevo dólar de Taiwán", "TZS": "Shilling tanzano", "UAH": "Hryvnia",
    "UGX": "Shilling de Uganda", "USD": "Dólar americano", "USN": "Dólar estadounidense (día siguiente)",
    "UYI": "Peso Uruguay en Unidades Indexadas (URUIURUI)", "UYU": "Peso Uruguayo", "UZS": "Uzbekistán Sum",
    "VES": "Bolívar digital  (Venezuela)", "VND": "Dong", "VUV": "Vatu", "WST": "Tala", "XAF": "Franco CFA BEAC",
    "XAG": "Plata", "XAU": "Oro", "XBA": "Unidad de Mercados de Bonos Unidad Europea Composite (EURCO)",
    "XBB": "Unidad Monetaria de Bonos de Mercados Unidad Europea (UEM-6)",
    "XBC": "Mercados de Bonos Unidad Europea unidad de cuenta a 9 (UCE-9)",
    "XBD": "Mercados de Bonos Unidad Europea unidad de cuenta a 17 (UCE-17)", "XCD": "Dólar del Caribe Oriental",
    "XDR": "DEG (Derechos Especiales de Giro)", "XOF": "Franco CFA BCEAO", "XPD": "Paladio", "XPF": "Franco CFP",
    "XPT": "Platino", "XSU": "Sucre",
    "XUA": "Unidad ADB de Cuenta", "YER": "Rial yemení",
    "ZAR": "Rand", "ZMW": "Kwacha zambiano",
}

#: RFCs for the public in general and for foreigners: accepted by exact match, any number of times.
GENERIC_RFCS = frozenset({"XAXX010101000", "XEXX010101000"})
GENERIC_REGIME, GENERIC_CFDI_USE = "616", "S01"
