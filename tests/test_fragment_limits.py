"""The limits checked before a query runs (depth, aliases, node budget) cost time linear in the
document, however its fragments spread one another, and still count what fragments really carry."""

from __future__ import annotations

import time
import uuid

import pytest
from strawberry.extensions.validation_cache import DEFAULT_MAXSIZE, _get_validate_cache

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


async def _timed(gql, query: str):
    started = time.perf_counter()
    response = await gql(query, scope="read")
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


async def test_a_document_is_validated_once_however_often_it_is_sent(gql) -> None:
    # The limit rules are classes made once per schema: the validation cache keys on them.
    query = doubling(3) + f" # {uuid.uuid4()}"
    cache = _get_validate_cache(DEFAULT_MAXSIZE)
    await gql(query, scope="read")
    before = cache.cache_info()
    await gql(query, scope="read")
    after = cache.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses
