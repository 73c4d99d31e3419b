"""The answer of a connection field, built from the pages of rows its statements read: its nodes,
edges (cursors, link fields), `pageInfo`, `totalCount` and `aggregate`, in the document's order."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from schema.compiled.run import FieldState, Run
from schema.compiled.values import decimal_text
from schema.cursor import row_cursor

if TYPE_CHECKING:  # connections.py builds its answers here
    from schema.compiled.connections import ConnectionShape


async def connection_answers(
    run: Run,
    shape: ConnectionShape,
    pages: list[tuple[int, list[Any], bool]],
    state: FieldState,
    link_start: int,
    counts: dict[int, int],
    aggregates: Callable[[int], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The connection object of each parent, from its page of rows."""
    every_row = [row for _pk, page, _more in pages for row in page]
    built = [await selection.resolve(run, every_row) for selection in shape.selections]
    order = state.order
    assert order is not None or not shape.needs_cursors  # a run of a connection field sets its order
    answers = []
    offset = 0
    for pk, page, has_next in pages:
        size = len(page)
        cursors = [row_cursor(order, row) for row in page] if order is not None and shape.needs_cursors else None
        answer: dict[str, Any] = {}
        for entry in shape.entries:
            kind, key = entry[0], entry[1]
            if kind == "count":
                answer[key] = counts.get(pk, 0)
            elif kind == "nodes":
                answer[key] = built[entry[2]][offset : offset + size]
            elif kind == "edges":
                answer[key] = _edges(entry[2], page, cursors, built, offset, link_start, shape.link_fields)
            elif kind == "pageInfo":
                answer[key] = _page_info(entry[2], has_next, state.after, cursors)
            elif kind == "aggregate":
                answer[key] = _aggregate(entry[2], entry[3], aggregates(pk))
            else:  # const
                answer[key] = entry[2]
        answers.append(answer)
        offset += size
    return answers


def _edges(
    entries: list[tuple[Any, ...]],
    page: list[Any],
    cursors: list[str] | None,
    built: list[list[dict[str, Any]]],
    offset: int,
    link_start: int,
    link_fields: tuple[str, ...],
) -> list[dict[str, Any]]:
    edges = []
    for i, row in enumerate(page):
        edge: dict[str, Any] = {}
        for entry in entries:
            kind, key = entry[0], entry[1]
            if kind == "cursor":
                edge[key] = cursors[i]  # type: ignore[index]
            elif kind == "node":
                edge[key] = built[entry[2]][offset + i]
            elif kind == "link":
                value = row[link_start + link_fields.index(entry[2])]
                edge[key] = value if value is None or entry[3] is None else entry[3](value)
            else:
                edge[key] = entry[2]
        edges.append(edge)
    return edges


def _page_info(entries: list[tuple[Any, ...]], has_next: bool, after: bool, cursors: list[str] | None) -> dict[str, Any]:
    info: dict[str, Any] = {}
    for kind, key, *rest in entries:
        if kind == "hasNextPage":
            info[key] = has_next
        elif kind == "hasPreviousPage":
            info[key] = after
        elif kind == "startCursor":
            info[key] = cursors[0] if cursors else None
        elif kind == "endCursor":
            info[key] = cursors[-1] if cursors else None
        else:
            info[key] = rest[0]
    return info


def _aggregate(aggregate: Any, entries: list[tuple[Any, ...]], values: dict[str, Any]) -> dict[str, Any]:
    figures = aggregate.figures(values)
    answer: dict[str, Any] = {}
    for entry in entries:
        kind, key = entry[0], entry[1]
        if kind == "count":
            answer[key] = figures["count"]
        elif kind == "part":
            answer[key] = {
                k: (entry[3] if c is None else decimal_text(figures[entry[2]][c])) for k, c in entry[4]
            }
        else:
            answer[key] = entry[2]
    return answer
