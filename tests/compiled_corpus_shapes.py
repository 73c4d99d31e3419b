"""Documents of the compiled executor's corpus that must answer without errors: the four shapes of
issue 10's figures, then the rest of what a client writes (links back, aliases, fragments, directives,
variables, filters, orders, pages, aggregates, tabs, nodes, search, introspection, scalars).
Placeholders such as `%(account)s` are filled as tests/compiled_corpus.py says."""

from __future__ import annotations

from graphql import get_introspection_query

from tests.compiled_corpus_document import PAGE_INFO, ROOT_LISTS, Document

# The four shapes of issue 10's figures, then the rest of what a client writes.
SHAPES = [
    Document("shape tab page", """
query TabPage($id: ID!) {
  account(id: $id) {
    accountNo name rfc taxRegime creditLimit
    invoices(first: 20) { totalCount nodes { folio date status total balance } }
    quotes(first: 20) { totalCount nodes { number subject date stage total } }
    salesOrders(first: 20) { totalCount nodes { number date status total } }
    cases(first: 20) { totalCount nodes { caseNo title status priority } }
    activityLog(first: 20) { totalCount nodes { at actor action summary details } }
  }
}""", {"id": "%(account)s"}, counted=("account", "invoices")),
    Document("shape contact screen", """
query Screen($id: ID!) {
  contact(id: $id) {
    contactNo firstName lastName
    account { name }
    tabs { label count }
    purchaseOrders(first: 2) {
      totalCount
      edges { cursor node { number subject date status total vendor { name }
                            lines { position description quantity unitPrice tax total } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}""", {"id": "%(contact)s"}, counted=("contact", "purchaseOrders")),
    Document("shape BI page", """
{
  accounts(first: 30) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id name rfc taxRegime cfdiUse creditLimit
      invoices(first: 10) { totalCount nodes { folio date status total balance } }
      contacts(first: 10) { nodes { firstName lastName cases(first: 10) { totalCount nodes { caseNo title status } } } }
      quotes(first: 10) { nodes { number total } }
    }
  }
}""", counted=("accounts",)),
    Document("shape deep nesting", """
{
  accounts(first: 10) {
    nodes {
      name
      contacts(first: 10) {
        nodes {
          lastName
          purchaseOrders(first: 5) {
            totalCount
            nodes { number total lines { position quantity net product { name sku price } service { name } } }
          }
        }
      }
    }
  }
}"""),
]

SHAPES_OF_CLIENTS = [
    Document("back links", """
query($id: ID!) {
  invoices(first: 5) { totalCount nodes { folio account { name contacts(first: 1) { nodes { account { accountNo } } } }
                               contact { firstName account { name } } } }
  purchaseOrders(first: 5) { nodes { number vendor { name rfc } contact { lastName account { name } }
                                     lines { position purchaseOrder { number } } } }
  contact(id: $id) { account { name parentAccount { name } assignedUser { name } priceList { name } }
                     reportsTo { lastName } assignedUser { email } }
  accountRelations(first: 5) { nodes { kind account { name } relatedAccount { name } } }
}""", {"id": "%(contact)s"}, counted=("invoices",)),
    Document("aliases of one field with other arguments", """
query($id: ID!, $other: ID!) {
  first: account(id: $id) {
    recent: invoices(first: 2) { totalCount nodes { folio date } }
    biggest: invoices(first: 2, orderBy: [{field: TOTAL, direction: DESC}]) { nodes { folio total } }
    paid: invoices(filter: {status: {eq: PAID}}) { totalCount }
    label: name
    name
  }
  second: account(id: $other) { name label: accountNo }
}""", {"id": "%(account)s", "other": "%(Account.contacts)s"}, counted=("first", "recent")),
    Document("one field asked twice merges", """
query($id: ID!) {
  account(id: $id) {
    name name
    invoices(first: 3) { totalCount }
    invoices(first: 3) { nodes { folio } pageInfo { endCursor } }
    invoices(first: 3) { nodes { total account { name } } }
  }
}""", {"id": "%(account)s"}, counted=("account", "invoices")),
    Document("named fragments on Account, nested and repeated", """
query($id: ID!) {
  account(id: $id) { ...Header ...Header invoices(first: 3) { ...InvoicePage } }
  accounts(first: 3) { nodes { ...Header } }
}
fragment Header on Account { id accountNo name ...Fiscal }
fragment Fiscal on Account { rfc taxRegime cfdiUse paymentForm paymentMethod }
fragment InvoicePage on InvoiceConnection { totalCount edges { cursor node { ...Row } } }
fragment Row on Invoice { folio total status }
""", {"id": "%(account)s"}, counted=("account", "invoices")),
    Document("inline fragments on Node", """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on Account { name invoices(first: 2) { totalCount } }
    ... on Contact { firstName lastName account { name } }
    ... on Invoice { folio total }
    ... { id }
  }
}""", {"ids": ["%(account)s", "%(contact)s", "%(invoice)s", "%(purchase_order)s"]}),
    Document("fragments on the Node interface", """
query($id: ID!) {
  node(id: $id) { ...Identity ... on Account { ...Identity name } }
  other: node(id: $id) { ... on Contact { lastName } }
}
fragment Identity on Node { id __typename }
""", {"id": "%(account)s"}),
    Document("directives with literals", """
query($id: ID!) {
  account(id: $id) {
    name @include(if: true)
    rfc @include(if: false)
    email @skip(if: true)
    accountNo @skip(if: false)
    invoices(first: 2) @skip(if: true) { totalCount }
    quotes(first: 2) @include(if: true) { totalCount nodes { number lines @skip(if: false) { position } } }
    ... on Account @include(if: false) { phone }
    ...Tail @include(if: true)
  }
}
fragment Tail on Account { creditDays }
""", {"id": "%(Account.quotes)s"}, counted=("account", "quotes")),
    Document("directives with variables and defaults", """
query($id: ID!, $withLines: Boolean!, $skipVendor: Boolean!, $withTotal: Boolean = true) {
  contact(id: $id) {
    purchaseOrders(first: 3) {
      totalCount @include(if: $withTotal)
      nodes {
        number
        lines @include(if: $withLines) { position total }
        vendor @skip(if: $skipVendor) { name }
        ... on PurchaseOrder @skip(if: $withLines) { subject }
      }
    }
  }
}""", {"id": "%(contact)s", "withLines": True, "skipVendor": True}, counted=("contact", "purchaseOrders")),
    Document("a field both skipped and included", """
query($id: ID!, $yes: Boolean!) {
  account(id: $id) { name @skip(if: $yes) @include(if: $yes) rfc @skip(if: false) @include(if: $yes) }
}""", {"id": "%(account)s", "yes": True}),
    Document("every argument a variable", """
query Page($id: ID!, $first: Int!, $after: String, $filter: InvoiceFilter, $orderBy: [InvoiceOrder!]) {
  account(id: $id) {
    invoices(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount nodes { folio status total balance } pageInfo { hasNextPage endCursor }
    }
  }
}""", {"id": "%(account)s", "first": 4, "after": None,
       "filter": {"status": {"in": ["PAID", "PARTIALLY_PAID", "ISSUED", "OVERDUE"]}},
       "orderBy": [{"field": "BALANCE", "direction": "DESC"}, {"field": "FOLIO"}]}, counted=("account", "invoices")),
    Document("variables with defaults, enums and a list of one", """
query($first: Int! = 3, $status: [PurchaseOrderStatus!] = [CREATED, RECEIVED], $ids: [ID!]!) {
  purchaseOrders(first: $first, filter: {status: {in: $status}}) { totalCount nodes { number status } }
  nodes(ids: $ids) { id }
}""", {"ids": "%(account)s"}, counted=("purchaseOrders",)),
    Document("operation chosen by name", """
query Unused { accounts(first: 1) { totalCount } }
query Chosen($id: ID!) { account(id: $id) { name } }
""", {"id": "%(account)s"}, operation_name="Chosen"),
    Document("the README's BI filter", """
{
  invoices(
    first: 3
    filter: { status: { in: [ISSUED, OVERDUE, PARTIALLY_PAID] }, total: { gt: "1000" },
              account: { addresses: { state: { eq: "%(state)s" } } } }
    orderBy: [{ field: DATE, direction: DESC }]
  ) {
    totalCount
    aggregate { sum { total balance } }
    nodes { folio date status total balance account { name } }
    pageInfo { hasNextPage endCursor }
  }
}""", counted=("invoices",)),
    Document("filters with and, or, not", """
{
  accounts(filter: {or: [{name: {startsWith: "a"}}, {rfc: {contains: "0"}}, {creditLimit: {gte: "100000"}}],
                    not: {accountType: {eq: PROSPECT}}, and: [{creditDays: {gt: 0}}, {email: {isNull: false}}]}) {
    totalCount nodes { name rfc creditLimit creditDays }
  }
}""", counted=("accounts",)),
    Document("filters on a foreign key's row and on a tab's rows", """
{
  byInvoices: accounts(filter: {invoices: {balance: {gt: "0"}}}) { totalCount nodes { name } }
  byAccount: contacts(filter: {account: {taxRegime: {ne: "601"}}}, first: 5) { totalCount nodes { lastName account { taxRegime } } }
  byVendor: purchaseOrders(filter: {vendor: {name: {contains: "a"}}}, first: 3) { totalCount nodes { vendor { name } } }
}""", counted=("byInvoices",)),
    Document("filters on a tab, with ids, dates and text", """
query($id: ID!, $contact: ID!) {
  account(id: $id) {
    invoices(filter: {date: {gte: "2025-01-01", lt: "2027-01-01"}, dueDate: {isNull: false}}) { totalCount }
    contacts(filter: {id: {in: [$contact]}}) { totalCount nodes { id } }
    others: contacts(filter: {id: {ne: $contact}}) { totalCount }
    emails(filter: {subject: {contains: "e"}}) { totalCount nodes { subject } }
  }
}""", {"id": "%(Account.contacts)s", "contact": "%(contact)s"}, counted=("account", "invoices")),
    Document("text filters ignore case and accents", """
query($text: String!) {
  upper: contacts(filter: {lastName: {contains: "%(search_upper)s"}}) { totalCount nodes { lastName } }
  lower: contacts(filter: {lastName: {startsWith: $text}}) { totalCount }
  literal: accounts(filter: {name: {contains: "%%_"}}) { totalCount }
}""", {"text": "%(search)s"}, counted=("upper",)),
    Document("order by several keys, NULLs last", """
{
  accounts(first: 10, orderBy: [{field: CREDIT_LIMIT, direction: DESC}, {field: NAME}]) {
    nodes { creditLimit name } pageInfo { endCursor }
  }
  contacts(first: 10, orderBy: [{field: TITLE}, {field: FIRST_NAME, direction: DESC}]) { nodes { title firstName } }
  invoices(first: 10, orderBy: [{field: DUE_DATE, direction: DESC}]) { edges { cursor node { dueDate } } }
}"""),
    Document("the next page of a tab", """
query($id: ID!, $after: String!) {
  account(id: $id) { invoices(first: 3, after: $after) { totalCount edges { cursor node { folio date } } %s } }
}""" % PAGE_INFO, {"id": "%(account)s", "after": "%(invoices_cursor)s"}, counted=("account", "invoices")),
    Document("the next page of a root list", """
query($after: String) {
  accounts(first: 5, after: $after) { totalCount nodes { name } %s }
}""" % PAGE_INFO, {"after": "%(accounts_cursor)s"}, counted=("accounts",)),
    Document("the last page of a root list", """
query($after: String) { accounts(first: 100, after: $after) { %s nodes { name } } }
""" % PAGE_INFO, {"after": "%(accounts_cursor)s"}),
    Document("the next page in another order", """
query($id: ID!, $after: String!) {
  account(id: $id) {
    invoices(first: 3, after: $after, orderBy: [{field: TOTAL, direction: DESC}]) { edges { cursor node { total } } }
  }
}""", {"id": "%(account)s", "after": "%(invoices_total_cursor)s"}),
    Document("an empty page", """
query($id: ID!) {
  account(id: $id) {
    invoices(filter: {total: {lt: "0"}}) { totalCount edges { cursor } nodes { id } %s
                                            aggregate { count sum { total } avg { total } min { total } max { total } } }
  }
}""" % PAGE_INFO, {"id": "%(account)s"}),
    Document("aggregates of a tab, a root list and aliases", """
query($id: ID!) {
  account(id: $id) { invoices { aggregate { count sum { total balance } avg { total } min { balance } max { total } } } }
  purchaseOrders(filter: {status: {ne: RECEIVED}}) { aggregate { count sum { subtotal total } avg { total } } }
  open: invoices(filter: {balance: {gt: "0"}}) { aggregate { count sum { balance } } }
  paid: invoices(filter: {balance: {eq: "0"}}) { aggregate { count } totalCount }
  accounts(first: 3) { aggregate { count avg { creditLimit } } nodes { opportunities { aggregate { sum { amount } } } } }
}""", {"id": "%(account)s"}),
    Document("tabs of one account", """
query($id: ID!) { account(id: $id) { tabs { kind field label description count } } }
""", {"id": "%(account)s"}),
    Document("tabs of many accounts and contacts", """
{
  accounts(first: 10) { nodes { name tabs { field count } contacts(first: 3) { nodes { tabs { label count } } } } }
}"""),
    Document("tax breakdowns", """
query($po: ID!, $quote: ID!) {
  node(id: $po) { ... on PurchaseOrder { number taxBreakdown { tax rate base amount } } }
  quote: node(id: $quote) { ... on Quote { taxBreakdown { tax base amount } lines { tax taxRate net taxAmount } } }
  salesOrders(first: 5) { nodes { number taxBreakdown { tax rate base amount } } }
  quotes(first: 5) { nodes { taxBreakdown { __typename tax } } }
}""", {"po": "%(purchase_order)s", "quote": "%(quote)s"}),
    Document("node by id, missing and of each type", """
query($account: ID!, $missing: ID!, $invoice: ID!, $product: ID!, $vendor: ID!) {
  account: node(id: $account) { id __typename }
  missing: node(id: $missing) { id __typename }
  invoice: node(id: $invoice) { ... on Invoice { folio account { name } } }
  product: node(id: $product) { ... on Product { name price } }
  vendor: node(id: $vendor) { ... on Vendor { name } }
  asAccount: account(id: $missing) { name }
}""", {"account": "%(account)s", "missing": "%(missing_account)s", "invoice": "%(invoice)s",
       "product": "%(product)s", "vendor": "%(vendor)s"}),
    Document("nodes with missing ids, duplicates and ids of other types", """
query($ids: [ID!]!) { nodes(ids: $ids) { id __typename ... on Account { name } ... on Contact { lastName } } }
""", {"ids": ["%(account)s", "%(missing_account)s", "%(contact)s", "%(account)s", "%(missing_contact)s",
              "%(invoice)s"]}),
    Document("search", """
query($text: String!) {
  search(text: $text, first: 3) { __typename accounts { name rfc } contacts { __typename firstName lastName account { name } } }
  nothing: search(text: "zzzzqqqq") { accounts { id } contacts { id } }
}""", {"text": "%(search)s"}),
    Document("every root list in one document", "{ %s }" % " ".join(
        f"{name}(first: 2) {{ totalCount nodes {{ id }} }}" for name in ROOT_LISTS), counted=("accounts",)),
    Document("__typename at every level", """
query($id: ID!) {
  __typename
  account(id: $id) {
    __typename
    tabs { __typename kind field }
    invoices(first: 2) {
      __typename
      pageInfo { __typename hasNextPage }
      edges { __typename node { __typename folio } }
      nodes { __typename }
      aggregate { __typename sum { __typename total } }
    }
    campaigns(first: 2) { edges { __typename status node { __typename } } }
  }
  nodes(ids: [$id]) { __typename }
}""", {"id": "%(account)s"}),
    Document("only __typename", "{ __typename }"),
    Document("introspection beside data", """
{
  __type(name: "Invoice") { name fields { name type { name kind ofType { name } } } }
  __schema { queryType { name } mutationType { name } }
  accounts(first: 1) { totalCount }
}"""),
    Document("introspection", get_introspection_query(descriptions=True, specified_by_url=True)),
    Document("scalars of every kind", """
{
  activityLogs(first: 5) { nodes { at details actor } }
  accounts(first: 5) { nodes { shippingMethods createdAt creditLimit doNotEmail creditDays paymentMethod } }
  purchaseOrderLines(first: 5) { nodes { quantity discountPercent discountAmount tax taxRate } }
}"""),
    # A root field the planner does not plan: the operation goes to the stock executor, alone or not.
    Document("SAT catalogues", """
{ satCatalogs { taxRegimes { code description appliesTo } cfdiUses { code description taxRegimes }
                paymentForms { code description } paymentMethods { code description } currencies { code description } } }"""),
    Document("SAT catalogues beside a root list", """
{ accounts(first: 2) { totalCount nodes { name taxRegime } } satCatalogs { taxRegimes { code appliesTo } } }""",
             counted=("accounts",)),
]
