"""How complex a document may be, so that validating it stays cheap: a `QUERY_TOO_COMPLEX` refusal.

graphql-core's OverlappingFieldsCanBeMerged rule compares every pair of fields that share a
response key in a selection set, and every pair of fragments spread side by side: quadratic in one
selection set, and worse where such fields nest (their sub-selections are compared pair by pair).
Under the token limit that blocked a worker for seconds (548 `contacts` fields in one selection set:
1.5 s), and some documents ended in a bare "Validation aborted.". So:

- before validation, one walk of the document refuses a selection set of more than
  `MAX_SELECTIONS` selections, and fragments that spread one another more than
  `MAX_FRAGMENT_NESTING` deep (graphql-core recurses along such a chain);
- during validation, graphql-core's rule gets `OVERLAP_COMPARISONS` units of work instead of its
  500,000 (about 2 s), and running out of them is refused with a message that says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeAlias

from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    VisitorAction,
)
from graphql.validation import OverlappingFieldsCanBeMergedRule
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension

from loaders.caches import IdentityCache
from loaders.errors import RequestErrorCode
from schema.limits import per_fragment, spread_names

#: Selections in one selection set: its fields, fragment spreads and inline fragments, with those
#: of its inline fragments (they merge into the same object). Account has 58 fields.
MAX_SELECTIONS = 100
#: Fragments in a chain of spreads (`A` spreads `B`, which spreads `C`...).
MAX_FRAGMENT_NESTING = 50
#: graphql-core's units of work for checking that fields sharing a response key can be merged:
#: a unit cost 2-5 µs on a busy two-core machine, so this is 60-150 ms. A page of 40 fragments
#: side by side, each with ten fields and three tabs of Account, takes 24,000.
OVERLAP_COMPARISONS = 30_000

#: What holds a selection set that is an object of the response.
_Owner: TypeAlias = OperationDefinitionNode | FragmentDefinitionNode | FieldNode


def too_complex(message: str, limit: int, found: int | None = None, node: Node | None = None) -> GraphQLError:
    """The refusal, with the limit and (when it was counted) the figure found in `extensions`."""
    extensions: dict[str, Any] = {"code": RequestErrorCode.QUERY_TOO_COMPLEX, "limit": limit}
    if found is not None:
        extensions["found"] = found
    return GraphQLError(message, node, extensions=extensions)


def _selection_sets(document: DocumentNode) -> Iterator[tuple[_Owner, int]]:
    """Each selection set that is an object of the response (an operation's, a fragment's, a
    field's), with its owner and its number of selections, inline fragments' included."""
    pending: list[tuple[_Owner, SelectionSetNode]] = [
        (definition, definition.selection_set) for definition in document.definitions
        if isinstance(definition, (OperationDefinitionNode, FragmentDefinitionNode))
    ]
    while pending:
        owner, selection_set = pending.pop()
        count, merged = 0, [selection_set]
        while merged:
            for selection in merged.pop().selections:
                count += 1
                if isinstance(selection, InlineFragmentNode):
                    merged.append(selection.selection_set)
                elif isinstance(selection, FieldNode) and selection.selection_set is not None:
                    pending.append((selection, selection.selection_set))
        yield owner, count


def _owner_name(owner: _Owner) -> str:
    if isinstance(owner, FieldNode):
        return f"field `{(owner.alias or owner.name).value}`"
    if isinstance(owner, FragmentDefinitionNode):
        return f"fragment `{owner.name.value}`"
    return f"operation `{owner.name.value}`" if owner.name else "the operation"


def _fragment_nesting(fragment: FragmentDefinitionNode, nesting: dict[str, int]) -> int:
    """How many fragments the longest chain of spreads starting at `fragment` holds."""
    return 1 + max((nesting.get(name, 0) for name in spread_names(fragment.selection_set)), default=0)


def document_too_complex(document: DocumentNode) -> GraphQLError | None:
    """The refusal of a document whose validation could be costly, found in time linear in it."""
    for owner, count in _selection_sets(document):
        if count > MAX_SELECTIONS:
            return too_complex(
                f"the selection set of {_owner_name(owner)} holds {count} selections; the limit is "
                f"{MAX_SELECTIONS} (fields, fragment spreads and inline fragments, with those inside its "
                "inline fragments): select each field once, or split the query",
                MAX_SELECTIONS, count, owner,
            )
    nesting = per_fragment(document, _fragment_nesting)
    deepest = max(nesting, key=nesting.__getitem__, default=None)
    if deepest is not None and nesting[deepest] > MAX_FRAGMENT_NESTING:
        fragment = next(d for d in document.definitions
                        if isinstance(d, FragmentDefinitionNode) and d.name.value == deepest)
        return too_complex(
            f"fragment `{deepest}` starts a chain of {nesting[deepest]} fragments spreading one another; "
            f"the limit is {MAX_FRAGMENT_NESTING}",
            MAX_FRAGMENT_NESTING, nesting[deepest], fragment,
        )
    return None


class BoundedOverlappingFields(OverlappingFieldsCanBeMergedRule):
    """graphql-core's OverlappingFieldsCanBeMerged with a budget of `OVERLAP_COMPARISONS`; running
    out of it is a `QUERY_TOO_COMPLEX` error, and the rule stops there."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        # A graphql-core without this budget has no such attribute: there the rule runs unbounded, and
        # only the limits checked before validation hold.
        if hasattr(getattr(self, "rule_context", None), "remaining_complexity_budget"):
            self.rule_context.remaining_complexity_budget = OVERLAP_COMPARISONS

    # graphql-core types this method `-> None`, but a visitor's method may return BREAK: the rule stops.
    def enter_selection_set(  # type: ignore[override]
        self, selection_set: SelectionSetNode, key: Any, parent: Any, *args: Any
    ) -> VisitorAction:
        try:
            super().enter_selection_set(selection_set, key, parent, *args)
        except ValidationAbortedError:
            if self.rule_context.remaining_complexity_budget >= 0:
                raise  # another of graphql-core's limits (its error count): not this budget
            self.report_error(too_complex(
                f"checking that the fields this document selects more than once can be merged takes more "
                f"than {OVERLAP_COMPARISONS} comparisons, the limit: select a field once per selection set, "
                "and spread fewer fragments side by side or in fields that share a response key",
                OVERLAP_COMPARISONS,
            ))
            return BREAK
        return None


#: Documents whose complexity was judged, by identity (the parser cache hands out the same one again).
_JUDGED = IdentityCache(512)


class DocumentComplexity(SchemaExtension):
    """Refuses a too complex document as soon as it is parsed, before graphql-core validates it,
    and bounds the one validation rule whose cost is not linear in the document."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        # The same class each time: ValidatedDocuments keys on the rules, so its hits are kept.
        context.validation_rules = tuple(
            BoundedOverlappingFields if rule is OverlappingFieldsCanBeMergedRule else rule
            for rule in context.validation_rules
        )
        yield

    def on_parse(self) -> Iterator[None]:
        yield
        document = self.execution_context.graphql_document
        if document is not None and self.execution_context._provided_operation_name is None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:  # GraphQL over HTTP: an error, and nothing runs (not the first one)
                raise GraphQLError(
                    f"the document holds {len(operations)} operations: name the one to run in `operationName`",
                    operations, extensions={"code": RequestErrorCode.BAD_REQUEST},
                )
        if document is not None:  # None: it did not parse, and that error is the answer
            found, error = _JUDGED.get(document)
            if not found:
                error = _JUDGED.put(document_too_complex(document), document)
            if error is not None:
                # Raised, it ends the request before validation, as a syntax error does; set as a
                # pre-execution error, ValidatedDocuments would still validate.
                raise error
