"""The queries of bench/run.py: the tab page, the BI pull, the tab bar, and the query that picks the
account of the tab page."""

PAGE = 100  # accounts per request of the BI pull and of the tabs scenario (the API's maximum)
TAB_PAGE_TABS = ("invoices", "contacts", "quotes", "cases", "addresses")
PICK_SCAN = 500  # accounts scanned to pick the one for the tab page

TAB_PAGE_QUERY = """
query TabPage($id: ID!) {
  account(id: $id) {
    id accountNo name rfc
    invoices(first: 20) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id serie folio date status total balance currency } }
    }
    contacts(first: 20) { totalCount nodes { id firstName lastName title email phone } }
    quotes(first: 20) { totalCount nodes { id number subject date stage total } }
    cases(first: 20) { totalCount nodes { id caseNo title status priority openedAt } }
    addresses(first: 20) { totalCount nodes { id kind street city state postalCode } }
  }
}"""

BI_PULL_QUERY = """
query BiPull($first: Int!, $after: String) {
  accounts(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id accountNo name rfc
      invoices(first: 10) { nodes { id folio date status total balance } }
      contacts(first: 10) { nodes { id firstName lastName email } }
      cases(first: 10) { nodes { id caseNo title status } }
    }
  }
}"""

TABS_QUERY = """
query Tabs($first: Int!) {
  accounts(first: $first) { nodes { id name tabs { field label count } } }
}"""

PICK_QUERY = """
query Pick($after: String) {
  accounts(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id tabs { field count } }
  }
}"""
