"""The GraphQL types of crmgraph: node types and connections generated from the relation registry,
global ids, scalars, filter inputs, limits and the compiled executor. The Schema object that puts them
together with the root types of `resolvers/` is built in `service/schema.py`."""
