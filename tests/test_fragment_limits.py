"""The limits checked before a query runs (depth, aliases, node budget) cost time linear in the
document, however its fragments spread one another, and still count what fragments really carry."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from graphql import build_schema, get_named_type, is_leaf_type
from strawberry.schema.schema import validate_document

import schema.validation
from models import Account


def doubling(levels: int, leaf: str = "id name") -> str:
    """`L0` holds `leaf`; each next fragment spreads the one below twice: 2**levels spreads expanded."""
    fragments = [f"fragment L0 on Account {{ {leaf} }}"]
    fragments += [f"fragment L{i} on Account {{ ...L{i - 1} ...L{i - 1} }}" for i in range(1, levels + 1)]
    return "\n".join(fragments) + f"\n{{ accounts(first: 1) {{ nodes {{ ...L{levels} }} }} }}"


def deep(contact_hops: int, leaf: str = "id") -> str:
    """Fields nested 2 + 3 * contact_hops levels below the operation (plus the leaf's), one fragment per hop."""
    fragments = [f"fragment C0 on Account {{ {leaf} }}"]
    fragments += [f"fragment C{i} on Account {{ contacts(first: 1) {{ nodes {{ account {{ ...C{i - 1} }} }} }} }}"
                  for i in range(1, contact_hops + 1)]
    return "\n".join(fragments) + f"\nquery Deep {{ accounts(first: 1) {{ nodes {{ ...C{contact_hops} }} }} }}"


async def _timed(gql, query: str, variables: dict | None = None):
    started = time.perf_counter()
    response = await gql(query, variables, scope="read")
    return response, time.perf_counter() - started


@pytest.mark.parametrize("levels", [20, 40])
async def test_fragments_spreading_each_other_twice_are_answered_at_once(gql, factory, levels) -> None:
    await factory.insert(Account)
    expected = (await gql("{ accounts(first: 1) { nodes { id name } } }", scope="read")).data
    response, elapsed = await _timed(gql, doubling(levels))
    assert elapsed < 1.0, f"{levels} levels took {elapsed:.2f} s"  # a bound: it took 12 s at 20 levels
    assert response.data == expected and expected["accounts"]["nodes"]
    assert response.body["extensions"]["cost"]["requestedNodes"] == 1


async def test_an_aliased_fragment_spread_twice_in_one_selection_set_counts_its_aliases_once(gql) -> None:
    aliased = " ".join(f"a{i}: id" for i in range(16))
    response, elapsed = await _timed(gql, doubling(20, leaf=aliased))  # 16 aliases as executed, not 16 * 2**20
    assert elapsed < 1.0 and "errors" not in response.body


async def test_fragments_that_really_carry_too_many_aliases_are_refused(gql) -> None:
    aliased = "fragment Many on Account { " + " ".join(f"a{i}: id" for i in range(16)) + " }"
    twice = aliased + " { accounts(first: 1) { nodes { ...Many } } contacts(first: 1) { nodes { account { ...Many } } } }"
    response = await gql(twice, scope="read")
    assert [e["message"] for e in response.errors] == ["32 aliases found. Allowed: 30"] and response.statements == []
    once = aliased + " { accounts(first: 1) { nodes { ...Many } } }"
    assert "errors" not in (await gql(once, scope="read")).body


async def test_the_depth_limit_counts_the_levels_fragments_nest(gql) -> None:
    ten = await gql(deep(2, leaf="contacts(first: 1) { nodes { id } }"), scope="read")  # 2 + 6 + 2 levels
    assert "errors" not in ten.body
    wide_and_deep = doubling(20).replace("...L20", "...L20 ...C3") + "\n" + deep(3).split("\nquery")[0]
    response, elapsed = await _timed(gql, wide_and_deep.replace("{ accounts", "query Deep { accounts"))
    assert elapsed < 1.0
    (error,) = response.errors
    assert error["message"] == "'Deep' exceeds maximum operation depth of 10" and response.statements == []
    assert "extensions" not in error and error["locations"]


async def test_the_node_budget_multiplies_a_connection_in_a_fragment_by_the_firsts_above_it(gql) -> None:
    fragments = ("fragment Cases on Contact { cases(first: 3) { totalCount } } "
                 "fragment Contacts on Account { contacts(first: 7) { nodes { ...Cases } } } ")
    # 5 accounts + 5 * 7 contacts + 5 * 7 * 3 cases; and the same Cases under 2 contacts: 2 + 2 * 3.
    query = fragments + "{ accounts(first: 5) { nodes { ...Contacts } } contacts(first: 2) { nodes { ...Cases } } }"
    response = await gql(query, scope="read")
    assert response.body["extensions"]["cost"]["requestedNodes"] == 145 + 8
    costly = ("fragment Cases on Contact { cases(first: 10) { totalCount } } "
              "fragment Contacts on Account { contacts(first: 100) { nodes { ...Cases } } } "
              "{ accounts(first: 100) { nodes { ...Contacts } } }")
    refused = await gql(costly, scope="read")
    (error,) = refused.errors
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 110_100, "budget": 50_000}
    assert refused.statements == []


async def test_a_fragment_spread_twice_in_one_selection_set_is_budgeted_once(gql) -> None:
    fragment = "fragment Contacts on Account { contacts(first: 7) { totalCount } } "
    twice = await gql(fragment + "{ accounts(first: 5) { nodes { ...Contacts ...Contacts } } }", scope="read")
    assert twice.body["extensions"]["cost"]["requestedNodes"] == 5 + 5 * 7
    # Spread under two different fields, it is read twice, and counted twice.
    apart = await gql(fragment + "{ a: accounts(first: 5) { nodes { ...Contacts } } b: accounts(first: 5) { nodes { ...Contacts } } }",
                      scope="read")
    assert apart.body["extensions"]["cost"]["requestedNodes"] == 2 * (5 + 5 * 7)


async def test_a_spread_of_an_unknown_or_cyclic_fragment_is_a_validation_error(gql) -> None:
    unknown = await gql("{ accounts(first: 1) { nodes { ...Nope } } }", scope="read")
    assert [e["message"] for e in unknown.errors] == ["Unknown fragment 'Nope'."]
    cyclic = await gql("fragment A on Account { id ...B } fragment B on Account { ...A } { accounts(first: 1) { nodes { ...A } } }",
                       scope="read")
    assert cyclic.errors[0]["message"].startswith("Cannot spread fragment 'A' within itself")
    assert unknown.statements == [] and cyclic.statements == []


#: The documents graphql-core validated during this module's tests (see _count_validations).
VALIDATED: list = []


@pytest.fixture(autouse=True)
def _count_validations(monkeypatch) -> None:
    def counting(schema, document, rules):  # noqa: ANN001, ANN202
        VALIDATED.append(document)
        return validate_document(schema, document, rules)

    monkeypatch.setattr(schema.validation, "validate_document", counting)


async def test_a_document_is_validated_once_however_often_it_is_sent(gql) -> None:
    # The limit rules are classes made once per schema: the validation cache keys on them and on
    # the parsed document, which the parser cache hands out again for the same text.
    query = doubling(3) + f" # {uuid.uuid4()}"
    before = len(VALIDATED)
    for _ in range(3):
        assert "data" in (await gql(query, scope="read")).body
    assert len(VALIDATED) == before + 1


# Documents whose validation would be quadratic (graphql-core compares every pair of fields sharing a
# response key, and every pair of fragments spread side by side): refused before it, by schema.complexity.

SCHEMA = build_schema((Path(__file__).parent.parent / "schema.graphql").read_text())
ACCOUNT = SCHEMA.type_map["Account"]


def _leaves(type_name: str) -> list[str]:
    fields = SCHEMA.type_map[type_name].fields
    return [name for name, field in fields.items() if is_leaf_type(get_named_type(field.type)) and not field.args]


def _row_type(tab: str) -> str:
    return get_named_type(get_named_type(ACCOUNT.fields[tab].type).fields["nodes"].type).name


def _tab(name: str, rows: str | None = None) -> str:
    """A tab of Account as a page shows it: its count, its paging and its rows (every plain field)."""
    rows = rows or " ".join(_leaves(_row_type(name)))
    return f"{name}(first: 10) {{ totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {rows} }} }}"


TABS = [name for name, field in ACCOUNT.fields.items() if "first" in field.args]


def _in_accounts(selections: str) -> str:
    return "{ accounts(first: 1) { nodes { " + selections + " } } }"


async def _refused_before_validation(gql, query: str):
    """The response to `query`, its time, and its single error; graphql-core's validation never ran."""
    before = len(VALIDATED)
    response, elapsed = await _timed(gql, query + f" # {uuid.uuid4()}")
    assert len(VALIDATED) == before, "the document reached validation"
    (error,) = response.errors
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX" and error["locations"]
    assert response.statements == [] and "data" not in response.body  # a request error: no data at all
    return response, elapsed, error


@pytest.mark.parametrize("copies", [137, 274, 548])
async def test_a_field_selected_hundreds_of_times_in_one_selection_set_is_refused_at_once(gql, copies) -> None:
    # 548 copies took 1.5 s of graphql-core's validation, then "Validation aborted.".
    query = _in_accounts(" ".join(["contacts(first: 1) { totalCount }"] * copies))
    _, elapsed, error = await _refused_before_validation(gql, query)
    assert elapsed < 0.5, f"{copies} copies took {elapsed:.2f} s"
    assert error["message"].startswith(f"the selection set of field `nodes` holds {copies} selections; the limit is 100")
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "found": copies, "limit": 100}


@pytest.mark.parametrize("fragments", [150, 300, 540])
async def test_fragments_spread_side_by_side_by_the_hundred_are_refused_at_once(gql, fragments) -> None:
    definitions = "\n".join(f"fragment F{i} on Account {{ id }}" for i in range(fragments))
    query = definitions + "\n" + _in_accounts(" ".join(f"...F{i}" for i in range(fragments)))
    _, elapsed, error = await _refused_before_validation(gql, query)
    assert elapsed < 0.5 and f"holds {fragments} selections; the limit is 100" in error["message"]


async def test_inline_fragments_count_in_the_selection_set_they_merge_into(gql) -> None:
    group = "... on Account { " + " ".join(["contacts(first: 1) { totalCount }"] * 10) + " }"
    _, elapsed, error = await _refused_before_validation(gql, _in_accounts(" ".join([group] * 30)))
    assert elapsed < 0.5 and "holds 330 selections; the limit is 100" in error["message"]


async def test_a_field_repeated_a_thousand_times_is_refused_with_its_count_not_validation_aborted(gql) -> None:
    _, elapsed, error = await _refused_before_validation(gql, _in_accounts(" ".join(["id"] * 1200)))
    assert elapsed < 0.5 and "holds 1200 selections; the limit is 100" in error["message"]


def chain(length: int) -> str:
    """`length` fragments, each spreading the next; the last selects `id`; spread once in the operation."""
    fragments = [f"fragment F{i} on Account {{ ...F{i + 1} }}" for i in range(length - 1)]
    return "\n".join([*fragments, f"fragment F{length - 1} on Account {{ id }}", _in_accounts("...F0")])


async def test_a_long_chain_of_fragments_is_refused_with_its_length(gql) -> None:
    _, elapsed, error = await _refused_before_validation(gql, chain(600))  # it was "Validation aborted."
    assert elapsed < 0.5
    assert error["message"] == "fragment `F0` starts a chain of 600 fragments spreading one another; the limit is 50"
    assert "errors" not in (await gql(chain(50), scope="read")).body


async def test_nested_fields_sharing_response_keys_are_refused_when_comparing_them_costs_too_much(gql) -> None:
    # No selection set holds more than 20, but the 20 `contacts` merge, and so do their 400 `cases`:
    # graphql-core compares 400 * 399 / 2 pairs (1.2 s). Its work is bounded, and the refusal says so.
    query = _in_accounts(" ".join(["contacts(first: 1) { nodes { " + " ".join(["cases(first: 1) { totalCount }"] * 20) + " } }"] * 20))
    response, elapsed = await _timed(gql, query + f" # {uuid.uuid4()}")
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    (error,) = response.errors
    assert error["message"].startswith("checking that the fields this document selects more than once can be merged "
                                       "takes more than 30000 comparisons, the limit")
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": 30000}
    assert response.statements == []


async def test_every_field_and_tab_of_an_account_in_one_selection_set_is_accepted(gql, factory) -> None:
    await factory.insert(Account)
    objects = [name for name, field in ACCOUNT.fields.items()
               if not is_leaf_type(get_named_type(field.type)) and name not in TABS]
    everything = _leaves("Account") + [f"{name} {{ __typename }}" for name in objects] + [_tab(name) for name in TABS]
    response = await gql(_in_accounts(" ".join(everything)), scope="read")
    (account,) = response.data["accounts"]["nodes"]
    assert len(everything) == len(ACCOUNT.fields) and set(account) == set(ACCOUNT.fields)


def relay_page(fragments: int) -> str:
    """A page written as Relay writes one: a fragment per component, each selecting overlapping fields
    of Account and three tabs, spread side by side; the rows of a tab through a fragment of their type.
    Forty fragments select every field of Account between them."""
    leaves = _leaves("Account")
    definitions, rows = [], {}
    for i in range(fragments):
        tabs = [TABS[(i + 7 * j) % len(TABS)] for j in range(3)]
        for node in map(_row_type, tabs):
            rows[node] = f"fragment {node}Row on {node} {{ {' '.join(_leaves(node)[:8])} }}"
        selected = ["id", "__typename", *dict.fromkeys(leaves[(3 * i + j) % len(leaves)] for j in range(8))]
        selected += [_tab(tab, f"id ...{_row_type(tab)}Row") for tab in tabs]
        definitions.append(f"fragment Account{i} on Account {{ {' '.join(selected)} }}")
    spreads = " ".join(f"...Account{i}" for i in range(fragments))
    operation = ("query AccountPage($first: Int!) { accounts(first: $first) { totalCount pageInfo { hasNextPage endCursor } "
                 f"edges {{ cursor node {{ id {spreads} }} }} }} }}")
    return "\n".join([operation, *definitions, *rows.values()])


async def test_a_large_relay_style_page_of_overlapping_fragments_is_accepted(gql, factory) -> None:
    await factory.insert(Account)
    # 3,500 tokens; graphql-core's overlap check spends 24,000 of its 30,000 comparisons on it.
    response = await gql(relay_page(40), {"first": 1}, scope="read")
    (edge,) = response.data["accounts"]["edges"]
    assert set(edge["node"]) == {"__typename", *_leaves("Account"), *TABS}
