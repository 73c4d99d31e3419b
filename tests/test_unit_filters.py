"""loaders/filters.py on its own: folding and LIKE escaping, and the SQL a small filter spec compiles
to on SQLite and PostgreSQL, with every value bound as a parameter, never spliced into the text."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from loaders.filters import (
    SQLITE_FOLD,
    All,
    AnyOf,
    Compare,
    Not,
    Op,
    Ref,
    Some,
    combine,
    condition,
    fold_like,
    fold_text,
    sqlite_fold,
)
from models import Account

ACCOUNT = Account.__table__
DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}


def _where(spec: tuple[Any, ...], dialect: str) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (one line, PostgreSQL casts dropped) and parameters of a filtered account select:
    compiled inside a select so that a subquery correlates with `account` as it does in a real statement."""
    compiled = sa.select(ACCOUNT.c.id).where(condition(ACCOUNT, spec, dialect)).compile(dialect=DIALECTS[dialect])
    text = " ".join(str(compiled).split())
    text = re.sub(r"::[A-Z]+", "", text)
    return text.split(" WHERE ", 1)[1], compiled.params


# --- folding and escaping ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Pérez", "perez"), ("PEREZ", "perez"), ("Ñuñoa", "nunoa"), ("ÁÉÍÓÚ Ü", "aeiou u"), ("ﬁ", "fi"), ("", "")],
)
def test_fold_text_drops_case_and_accents(text: str, folded: str) -> None:
    assert fold_text(text) == folded


def test_sqlite_fold_is_fold_text_and_keeps_null() -> None:
    assert sqlite_fold("Pérez") == "perez"
    assert sqlite_fold(None) is None


@pytest.mark.parametrize(
    ("text", "pattern"),
    [("50%", "50\\%"), ("a_b", "a\\_b"), ("C:\\Tmp", "c:\\\\tmp"), ("Ó%_\\", "o\\%\\_\\\\"), ("plain", "plain")],
)
def test_fold_like_escapes_the_like_wildcards_and_the_escape_character(text: str, pattern: str) -> None:
    assert fold_like(text) == pattern


# --- comparisons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "value", "sql", "params"),
    [
        ("eq", "Acme", "account.name = {p}", {"name_1": "Acme"}),
        ("gt", "M", "account.name > {p}", {"name_1": "M"}),
        ("gte", "M", "account.name >= {p}", {"name_1": "M"}),
        ("lt", "M", "account.name < {p}", {"name_1": "M"}),
        ("lte", "M", "account.name <= {p}", {"name_1": "M"}),
        ("ne", "Acme", "account.name != {p}", {"name_1": "Acme"}),  # NOT NULL column: no IS NULL arm
    ],
)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_comparison_binds_its_value(dialect: str, op: str, value: str, sql: str, params: dict[str, Any]) -> None:
    placeholder = "?" if dialect == "sqlite" else "%(name_1)s"
    assert _where(Compare("name", Op(op), value), dialect) == (sql.format(p=placeholder), params)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_not_equal_on_a_nullable_column_counts_null_as_different(dialect: str) -> None:
    where, params = _where(Compare("trade_name", Op.NE, "x"), dialect)
    assert where.endswith("OR account.trade_name IS NULL")
    assert params == {"trade_name_1": "x"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_is_null_and_in(dialect: str) -> None:
    assert _where(Compare("trade_name", Op.IS_NULL, True), dialect) == ("account.trade_name IS NULL", {})
    assert _where(Compare("trade_name", Op.IS_NULL, False), dialect) == ("account.trade_name IS NOT NULL", {})
    where, params = _where(Compare("id", Op.IN, (3, 1, 2)), dialect)
    assert where == "account.id IN (__[POSTCOMPILE_id_1])"
    assert params == {"id_1": [3, 1, 2]}


def test_contains_folds_with_the_registered_function_on_sqlite() -> None:
    where, params = _where(Compare("name", Op.CONTAINS, "50%_Pé"), "sqlite")
    assert where == f"{SQLITE_FOLD}(account.name) LIKE ? ESCAPE '\\'"
    assert params == {f"{SQLITE_FOLD}_1": "%50\\%\\_pe%"}


def test_contains_folds_with_lower_and_translate_on_postgresql() -> None:
    where, params = _where(Compare("name", Op.STARTS_WITH, "Pé"), "postgresql")
    assert where == "lower(translate(account.name, %(translate_1)s, %(translate_2)s)) LIKE %(lower_1)s ESCAPE '\\'"
    assert params["lower_1"] == "pe%"
    # Every accented letter maps to one plain one, so translate() keeps the text's length.
    assert len(params["translate_1"]) == len(params["translate_2"])
    assert all(fold_text(a) == fold_text(b) for a, b in zip(params["translate_1"], params["translate_2"], strict=True))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_hostile_value_stays_a_parameter(dialect: str) -> None:
    hostile = "x' OR 1=1; DROP TABLE account; --"
    for op in ("eq", "contains", "startsWith"):
        where, params = _where(Compare("name", Op(op), hostile), dialect)
        assert "DROP" not in where and "'x'" not in where
        assert any("drop table" in str(v).lower() for v in params.values())


# --- and / or / not ---------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_empty_and_is_true_and_empty_or_is_false(dialect: str) -> None:
    # SQLite has no boolean literals: a bare WHERE constant is written as a comparison.
    true, false = ("1 = 1", "0 = 1") if dialect == "sqlite" else ("true", "false")
    assert _where(All(()), dialect) == (true, {})
    assert _where(AnyOf(()), dialect) == (false, {})


def test_and_or_nest_with_their_parentheses() -> None:
    spec = All((Compare("name", Op.EQ, "a"), AnyOf((Compare("rfc", Op.EQ, "r"), Compare("email", Op.EQ, "e")))))
    where, params = _where(spec, "sqlite")
    assert where == "account.name = ? AND (account.rfc = ? OR account.email = ?)"
    assert params == {"name_1": "a", "rfc_1": "r", "email_1": "e"}


def test_not_is_null_safe_on_both_dialects() -> None:
    # A row whose comparison is NULL (unknown) must pass `not`, as it passes `ne`.
    assert _where(Not(Compare("name", Op.EQ, "a")), "sqlite") == ("coalesce(account.name = ?, 0) = 0", {"name_1": "a"})
    assert _where(Not(Compare("name", Op.EQ, "a")), "postgresql") == (
        "NOT coalesce(account.name = %(name_1)s, false)",
        {"name_1": "a"},
    )


def test_a_long_list_becomes_a_balanced_tree_of_groups() -> None:
    # SQLite refuses expressions 1,000 deep: nine or more terms split into parenthesized halves.
    spec = AnyOf(tuple(Compare("name", Op.EQ, f"n{i}") for i in range(10)))
    where, params = _where(spec, "sqlite")
    half = " OR ".join(["account.name = ?"] * 5)
    assert where == f"({half}) OR ({half})"
    assert len(params) == 10
    eight = _where(AnyOf(tuple(Compare("name", Op.EQ, f"n{i}") for i in range(8))), "sqlite")[0]
    assert "(" not in eight


# --- related rows -----------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_some_is_a_correlated_exists_over_the_tab(dialect: str) -> None:
    where, params = _where(Some("Account.contacts", Compare("last_name", Op.EQ, "Pérez")), dialect)
    p = "?" if dialect == "sqlite" else "%({})s"
    assert where == (
        f"EXISTS (SELECT {p.format('param_1')} AS anon_1 FROM contact "
        f"WHERE contact.account_id = account.id AND contact.last_name = {p.format('last_name_1')})"
    )
    assert params == {"param_1": 1, "last_name_1": "Pérez"}


def test_some_through_a_link_table_joins_it() -> None:
    where, _ = _where(Some("Account.campaigns", Compare("name", Op.EQ, "c")), "sqlite")
    assert where == (
        "EXISTS (SELECT ? AS anon_1 FROM campaign JOIN account_campaign ON account_campaign.campaign_id = campaign.id "
        "WHERE account_campaign.account_id = account.id AND campaign.name = ?)"
    )


@pytest.mark.parametrize("dialect", DIALECTS)
def test_ref_by_id_uses_the_foreign_key_itself(dialect: str) -> None:
    where, params = _where(Ref("parent_account_id", "account", Compare("id", Op.EQ, 3)), dialect)
    assert where == ("account.parent_account_id = " + ("?" if dialect == "sqlite" else "%(parent_account_id_1)s"))
    assert params == {"parent_account_id_1": 3}


def test_ref_by_another_field_is_a_subquery_of_the_target() -> None:
    where, params = _where(Ref("parent_account_id", "account", Compare("name", Op.EQ, "p")), "sqlite")
    assert where == "account.parent_account_id IN (SELECT account.id FROM account WHERE account.name = ?)"
    assert params == {"name_1": "p"}


# --- mistakes and combine ---------------------------------------------------------------------


def test_an_unknown_kind_or_operator_is_an_error_not_a_silent_match() -> None:
    with pytest.raises(TypeError, match="not a filter spec: \\('xor', \\(\\)\\)"):
        condition(ACCOUNT, ("xor", ()), "sqlite")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown operator 'like'"):
        condition(ACCOUNT, Compare("name", "like", "%"), "sqlite")  # type: ignore[arg-type]


def test_combine() -> None:
    a, b = Compare("name", Op.EQ, "a"), Compare("rfc", Op.EQ, "r")
    assert combine() is None
    assert combine(None, None) is None
    assert combine(a, None) == a
    assert combine(None, a, b) == All((a, b))
