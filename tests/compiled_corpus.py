"""The documents tests/test_compiled.py sends to both executors: every tab of both screens, every root
list, and the shapes, arguments and errors a client can write.

A document's text and variables may hold `%(pick)s` placeholders: ids and cursors of the seeded
database, known only once it is seeded (see `_picks` in test_compiled.py). A document either must
answer without errors or must answer with some (`errors`), so a typo in the corpus cannot pass as
"both executors agree on this validation error".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLObjectType, get_introspection_query, get_named_type, is_leaf_type

from models.relations import ACCOUNT_TABS, CONTACT_TABS, Relation
from service.schema import schema

TYPES = schema._schema.type_map
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


@dataclass(frozen=True)
class Document:
    name: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None
    #: the stock executor answers with errors (True) or with none (False)
    errors: bool = False
    #: a path of fields to a `totalCount` that must be positive: the document reads rows, not an empty page
    counted: tuple[str, ...] = ()
    #: ask for application/graphql-response+json (a document that fails validation is then a 400)
    graphql_response: bool = False

    def filled(self, picks: dict[str, str]) -> tuple[str, dict[str, Any]]:
        """The query and variables with the picks of the seeded database in place of their placeholders."""
        return self.query % picks, _fill(self.variables, picks)


def _fill(value: Any, picks: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value % picks
    if isinstance(value, list):
        return [_fill(item, picks) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, picks) for key, item in value.items()}
    return value


def leaves(type_name: str) -> str:
    """Every scalar and enum field of a type that takes no argument: what a grid of its rows shows."""
    fields = TYPES[type_name].fields
    return " ".join(name for name, f in fields.items() if not f.args and is_leaf_type(get_named_type(f.type)))


def connection_selection(connection_name: str) -> str:
    """totalCount, pageInfo, edges with every scalar of edge and node, nodes, and the aggregate if any."""
    connection = TYPES[connection_name]
    edge = get_named_type(connection.fields["edges"].type).name
    node = get_named_type(connection.fields["nodes"].type).name
    parts = ["totalCount", PAGE_INFO, f"edges {{ {leaves(edge)} node {{ __typename {leaves(node)} }} }}", "nodes { id }"]
    if "aggregate" in connection.fields:
        parts.append(f"aggregate {{ {_aggregate_selection(get_named_type(connection.fields['aggregate'].type))} }}")
    return " ".join(parts)


def _aggregate_selection(aggregate: GraphQLObjectType) -> str:
    parts = []
    for name, f in aggregate.fields.items():
        values = get_named_type(f.type)
        parts.append(name if is_leaf_type(values) else f"{name} {{ {leaves(values.name)} }}")
    return " ".join(parts)


def _tab(relation: Relation) -> Document:
    parent = relation.parent.__name__
    connection = get_named_type(TYPES[parent].fields[relation.field].type).name
    root = parent[0].lower() + parent[1:]
    return Document(
        name=f"tab {relation.key}",
        query=f"query Tab($id: ID!) {{ {root}(id: $id) {{ id {relation.field} {{ {connection_selection(connection)} }} }} }}",
        variables={"id": f"%({relation.key})s"},
        counted=(root, relation.field),
    )


def _root_list(field_name: str) -> Document:
    connection = get_named_type(TYPES["Query"].fields[field_name].type).name
    return Document(
        name=f"root {field_name}",
        query=f"{{ {field_name}(first: 7) {{ {connection_selection(connection)} }} }}",
        counted=(field_name,),
    )


ROOT_LISTS = [name for name, f in TYPES["Query"].fields.items() if get_named_type(f.type).name.endswith("Connection")]

TABS = [_tab(relation) for relation in ACCOUNT_TABS + CONTACT_TABS]
ROOTS = [_root_list(name) for name in ROOT_LISTS]

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

ERRORS = [
    Document("first: 0 on a tab", """
query($id: ID!) { account(id: $id) { name invoices(first: 0) { totalCount } } other: accounts(first: 1) { totalCount } }
""", {"id": "%(account)s"}, errors=True),
    Document("first: 101 on a root list", "{ accounts(first: 101) { totalCount } users(first: 1) { totalCount } }",
             errors=True),
    Document("negative first through a variable", """
query($first: Int!) { invoices(first: $first) { totalCount } }""", {"first": -1}, errors=True),
    Document("a bad cursor", """
query($id: ID!) { account(id: $id) { invoices(after: "not-a-cursor") { totalCount } } }
""", {"id": "%(account)s"}, errors=True),
    Document("a cursor of another order", """
query($id: ID!, $after: String!) { account(id: $id) { invoices(first: 3, after: $after) { nodes { folio } } } }
""", {"id": "%(account)s", "after": "%(invoices_total_cursor)s"}, errors=True),
    Document("a cursor of another list", """
query($after: String!) { accounts(first: 3, after: $after) { nodes { name } } }
""", {"after": "%(invoices_cursor)s"}, errors=True),
    Document("an invalid id", '{ account(id: "not an id") { name } contact(id: "Q29udGFjdDowMQ==") { lastName } }',
             errors=True),
    Document("an id of another type", """
query($id: ID!) { account(id: $id) { name } accounts(first: 1) { totalCount } }""", {"id": "%(contact)s"},
             errors=True),
    Document("an invalid id among nodes", """
query($ids: [ID!]!) { nodes(ids: $ids) { id } }""", {"ids": ["%(account)s", "bad"]}, errors=True),
    Document("an id of another type in a filter", """
query($id: ID!) { invoices(filter: {id: {eq: $id}}) { totalCount } contacts(first: 1) { totalCount } }
""", {"id": "%(contact)s"}, errors=True),
    Document("a value that is no Decimal", '{ invoices(filter: {total: {gt: "abc"}}) { totalCount } }', errors=True),
    Document("a value that is no Decimal, in a variable", """
query($f: InvoiceFilter) { invoices(filter: $f) { totalCount } }""", {"f": {"total": {"gt": "abc"}, "date": {"eq": "2026-13-45"}}},
             errors=True),
    Document("an unknown enum value", "{ invoices(filter: {status: {eq: LOST}}) { totalCount } }", errors=True),
    Document("nulls propagate to the root through nodes of a root list", """
{ accounts(first: 3) { totalCount nodes { name invoices(first: 0) { totalCount } } } }""", errors=True),
    Document("nulls propagate to a nullable parent and stop", """
query($id: ID!) {
  account(id: $id) { name contacts(first: 2) { nodes { lastName cases(after: "x") { totalCount } } } }
  contact(id: $id) { lastName }
  accounts(first: 1) { totalCount }
}""", {"id": "%(account)s"}, errors=True),
    Document("errors at several paths", """
query($id: ID!) {
  a: account(id: "bad") { name }
  b: contact(id: "worse") { lastName }
  c: account(id: $id) { invoices(first: 0) { totalCount } quotes(first: 200) { totalCount } }
  d: nodes(ids: ["bad"]) { id }
}""", {"id": "%(account)s"}, errors=True),
    Document("an orderBy of too many keys", """
{ invoices(orderBy: [{field: DATE}, {field: TOTAL}, {field: FOLIO}, {field: SERIE}, {field: BALANCE}, {field: UUID}]) {
  totalCount } }""", errors=True),
    Document("a variable missing", "query($id: ID!) { account(id: $id) { name } }", errors=True),
    Document("a variable of the wrong type", 'query($first: Int!) { accounts(first: $first) { totalCount } }',
             {"first": "ten"}, errors=True),
    Document("an unknown field", "{ accounts { totalCount nope } }", errors=True),
    Document("an unknown field, as application/graphql-response+json", "{ accounts { nope } }", errors=True,
             graphql_response=True),
    Document("a missing argument", "{ account { name } }", errors=True),
    Document("a syntax error", "{ accounts(first: 2) { nodes { name }", errors=True),
    Document("a selection missing on an object", "{ accounts }", errors=True),
    Document("an operation name that is not in the document", "query A { accounts { totalCount } }",
             operation_name="B", errors=True),
    # GraphQL says this is an error; Strawberry runs the first operation. Either way both executors must agree.
    Document("several operations and no name: none runs",
             "query A { accounts(first: 1) { totalCount } } query B { __typename }", errors=True),
    Document("too deep", "{ accounts(first: 1) { nodes { %s name %s } } }" % (
        "contacts(first: 1) { nodes { account { " * 3, "} } } " * 3), errors=True),
    Document("too many aliases", "{ %s }" % " ".join(f"a{i}: accounts(first: 1) {{ totalCount }}" for i in range(31)),
             errors=True),
    Document("over the node budget", """
{ accounts(first: 100) { nodes { contacts(first: 100) { nodes { purchaseOrders(first: 100) { totalCount } } } } } }""",
             errors=True),
    Document("over the node budget through a variable default", """
query($n: Int! = 100) { accounts(first: $n) { nodes { invoices(first: $n) { nodes { contact { cases(first: $n) {
  totalCount } } } } } } }""", errors=True),
    Document("too many tokens", "{ accounts(first: 1) { nodes { %s } } }" % " ".join(["name"] * 5001), errors=True),
]

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

CORPUS: list[Document] = TABS + ROOTS + SHAPES + SHAPES_OF_CLIENTS + DOCUMENTS + ERRORS
assert len({d.name for d in CORPUS}) == len(CORPUS), "two corpus documents share a name"
