"""The queries of bench/load.py: the look-up of existing rows, one and two purchase orders per
request, the cheap request and the expensive one of scenario 3."""

LOOKUP_QUERY = """
query Lookup {
  accounts(first: 20) { nodes { id } }
  contacts(first: 50) { nodes { id } }
  vendors(first: 20) { nodes { id } }
  products(first: 20) { nodes { id } }
}"""

ORDER_FIELDS = "errors { field code message } purchaseOrder { id subject total }"
ONE_ORDER = f"""
mutation One($input: AddPurchaseOrderInput!) {{
  addPurchaseOrder(input: $input) {{ {ORDER_FIELDS} }}
}}"""
TWO_ORDERS = f"""
mutation Two($a: AddPurchaseOrderInput!, $b: AddPurchaseOrderInput!) {{
  a: addPurchaseOrder(input: $a) {{ {ORDER_FIELDS} }}
  b: addPurchaseOrder(input: $b) {{ {ORDER_FIELDS} }}
}}"""

CHEAP_QUERY = "query Cheap($id: ID!) { account(id: $id) { name } }"
# 100 accounts x 5 tabs of up to 50 rows, each tab counted and filtered with `contains` (no index
# helps), and a search: about 25,000 rows asked for, half the node budget.
EXPENSIVE_QUERY = """
query Expensive($text: String!) {
  accounts(first: 100, filter: {name: {contains: $text}}) {
    totalCount
    nodes {
      id name
      invoices(first: 50, filter: {serie: {contains: "a"}}) { totalCount nodes { id folio total balance } }
      contacts(first: 50, filter: {email: {contains: $text}}) { totalCount nodes { id email } }
      quotes(first: 50) { totalCount nodes { id total } }
      cases(first: 50) { totalCount nodes { id title } }
      activityLog(first: 50) { totalCount nodes { id } }
    }
  }
  search(text: $text, first: 100) { accounts { id } contacts { id } }
}"""
EXPENSIVE_TEXTS = ("ar", "de", "er", "an", "la", "or", "es", "on")
