"""The compiled executor of read-only queries: a document is planned once, and each request runs
its plan, one statement per relation and level, building the answer as plain dicts and lists.

See `executor.py` for where it takes over from graphql-core, `plan.py` for the planner, and the
modules it names for the parts of a plan and how they run.
"""

from schema.compiled.executor import compiled_execution_context

__all__ = ["compiled_execution_context"]
