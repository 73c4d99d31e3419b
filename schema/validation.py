"""Validation remembered per parsed document.

Strawberry's ParserCache hands out the same DocumentNode for the same query text. Its
ValidationCache then keys an lru_cache on that document, and hashing a document walks every node
of it on every request. This cache keys on the document's identity instead, checked against the
object it keeps, so a document sent again costs a dict lookup.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from loaders.caches import IdentityCache

#: Documents whose validation is kept per worker (their errors too: a refused document stays refused).
VALIDATED_DOCUMENTS = 512


_VALIDATED = IdentityCache(VALIDATED_DOCUMENTS)


class ValidatedDocuments(SchemaExtension):
    """Validation once per (schema, document, rules): the errors by rule set, per document. With
    `hide_suggestions` (introspection off) no error suggests a name ("Did you mean ...?"): that
    would tell the schema to whoever guesses."""

    def __init__(self, hide_suggestions: bool = False) -> None:
        super().__init__()
        self.hide_suggestions = hide_suggestions

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema, document, rules = context.schema._schema, context.graphql_document, tuple(context.validation_rules)
        found, by_rules = _VALIDATED.get(schema, document)
        if not found:
            by_rules = _VALIDATED.put({}, schema, document)
        errors = by_rules.get(rules)
        if errors is None:
            errors = by_rules[rules] = self._validate(schema, document, rules)
        context.pre_execution_errors = errors
        yield

    def _validate(self, schema: Any, document: Any, rules: tuple[Any, ...]) -> list[Any]:
        if not self.hide_suggestions:
            return validate_document(schema, document, rules)
        # Strawberry's validate_document with graphql-core's hide_suggestions: the same rules.
        every_rule = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
        return validate(schema, document, every_rule, hide_suggestions=True)
