"""The documents tests/test_compiled.py sends to both executors: every tab of both screens, every root
list, and the shapes, arguments and errors a client can write.

A document's text and variables may hold `%(pick)s` placeholders: ids and cursors of the seeded
database, known only once it is seeded (see `_picks` in test_compiled.py). A document either must
answer without errors or must answer with some (`errors`), so a typo in the corpus cannot pass as
"both executors agree on this validation error".

The tabs and root lists are made here from the schema; the written documents are in
compiled_corpus_shapes.py, compiled_corpus_screens.py and compiled_corpus_errors.py.
"""

from __future__ import annotations

from graphql import get_named_type

from models.relations import ACCOUNT_TABS, CONTACT_TABS, Relation
from tests.compiled_corpus_document import ROOT_LISTS, TYPES, Document, connection_selection
from tests.compiled_corpus_errors import ERRORS
from tests.compiled_corpus_screens import DOCUMENTS
from tests.compiled_corpus_shapes import SHAPES, SHAPES_OF_CLIENTS

__all__ = ["CORPUS", "DOCUMENTS", "ERRORS", "ROOTS", "SHAPES", "SHAPES_OF_CLIENTS", "TABS", "Document"]


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


TABS = [_tab(relation) for relation in ACCOUNT_TABS + CONTACT_TABS]
ROOTS = [_root_list(name) for name in ROOT_LISTS]

CORPUS: list[Document] = TABS + ROOTS + SHAPES + SHAPES_OF_CLIENTS + DOCUMENTS + ERRORS
assert len({d.name for d in CORPUS}) == len(CORPUS), "two corpus documents share a name"
