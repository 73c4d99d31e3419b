"""Documents of the compiled executor's corpus that the screens send: invoices in detail, payments and
credit notes, the forms' queries. Placeholders are filled as tests/compiled_corpus.py says."""

from __future__ import annotations

from tests.compiled_corpus_document import Document

#: The screens' documents: invoices in detail, payments and credit notes, the forms' queries.
DOCUMENTS = [
    Document("invoice lines, tax breakdown and payments", """
query($id: ID!) {
  account(id: $id) {
    invoices(first: 5) { nodes { folio subtotal discountTotal taxTotal total balance paymentMethod
      lines { position description quantity unitPrice discountPercent discountAmount tax taxRate gross discount net
              taxAmount total product { name } service { name } invoice { folio } }
      taxBreakdown { tax rate base amount }
      payments { installment previousBalance amountPaid remainingBalance paymentCfdi { folio status amount } } } }
  }
}""", {"id": "%(account)s"}),
    Document("payment CFDIs with their related documents", """
query($id: ID!) {
  account(id: $id) {
    paymentCfdis(first: 10) { nodes { folio amount status
      relatedDocuments { id installment previousBalance amountPaid remainingBalance paymentCfdi { folio }
                         invoice { folio total balance payments { installment } } } } }
  }
  paymentRelatedDocuments(first: 5) { totalCount nodes { installment amountPaid invoice { folio } } }
}""", {"id": "%(Account.paymentCfdis)s"}),
    Document("credit notes, invoice lines at the root, aliases and fragments on the new fields", """
query($id: ID!, $invoice: ID!) {
  account(id: $id) { creditNotes(first: 10) { nodes { folio currency subtotal taxTotal total relatedInvoice { folio currency } } } }
  inv: node(id: $invoice) { ... on Invoice { rows: lines { __typename position } taxes: taxBreakdown { tax amount } ...Paid } }
  invoiceLines(first: 3) { nodes { position total invoice { folio } } }
}
fragment Paid on Invoice { payments { paymentCfdi { relatedDocuments { invoice { folio } } } } }""",
             {"id": "%(Account.creditNotes)s", "invoice": "%(invoice)s"}),
    Document("a contact's own history beside its tab bar", """
query($id: ID!) { contact(id: $id) { tabs { kind label count } activityLog(first: 3) { totalCount nodes { action
  account { name } contact { lastName } } } } }""", {"id": "%(contact)s"}),
    Document("the Duplicar form, beside the account it copies", """
query($id: ID!) { duplicateAccountDraft(sourceId: $id) { sourceId name rfc email phone taxRegime cfdiUse currency
  creditLimit shippingMethods priceListId parentAccountId } account(id: $id) { name tabs { kind count } } }""",
             {"id": "%(account)s"}),
    Document("vendors in search", """
query($text: String!) { search(text: $text, first: 3) { vendors { name rfc } accounts { name } } }""", {"text": "%(search)s"}),
]
