"""Documents of the compiled executor's corpus that must answer with errors: bad arguments, ids and
cursors, values of the wrong type, nulls that propagate, requests that fail validation or the limits.
Placeholders are filled as tests/compiled_corpus.py says."""

from __future__ import annotations

from tests.compiled_corpus_document import Document

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
