"""Shopify's calculated query cost and its leaky bucket.

Cost rules, as Shopify documents them: scalars and enums cost 0, an object
costs 1, a connection costs 2 plus ``first`` (or ``last``) times the cost of
one node, and a mutation's top-level field costs 10. A request whose
requested cost exceeds the single-query maximum (1,000) is refused outright.
The bucket holds ``capacity`` points (1,000 on standard plans, 2,000 on
Advanced, more on Plus) and restores ``restore_rate`` points per second
(50, 100, ...). The requested cost is taken up front; what was not spent is
given back, which this simulator simplifies by charging the requested cost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import graphql
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from ...connectors._http import CostBucket

__all__ = ["SimBucket", "query_cost"]

MUTATION_COST = 10


def _argument(node: FieldNode, name: str, variables: Mapping[str, Any]) -> Any:
    for argument in node.arguments or ():
        if argument.name.value == name:
            return graphql.value_from_ast_untyped(argument.value, dict(variables))
    return None


def _selection_cost(
    selection_set: SelectionSetNode | None,
    parent: GraphQLNamedType,
    schema: graphql.GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(selection, parent, schema, fragments, variables)
        elif isinstance(selection, InlineFragmentNode):
            named = parent
            if selection.type_condition is not None:
                named = schema.type_map[selection.type_condition.name.value]
            total += _selection_cost(selection.selection_set, named, schema, fragments, variables)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            named = schema.type_map[fragment.type_condition.name.value]
            total += _selection_cost(fragment.selection_set, named, schema, fragments, variables)
    return total


def _field_cost(
    node: FieldNode,
    parent: GraphQLNamedType,
    schema: graphql.GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> int:
    if node.name.value.startswith("__") or not isinstance(
        parent, GraphQLObjectType | graphql.GraphQLInterfaceType
    ):
        return 0
    field = parent.fields.get(node.name.value)
    if field is None:
        return 0
    named = graphql.get_named_type(field.type)
    if not isinstance(
        named, GraphQLObjectType | graphql.GraphQLInterfaceType | graphql.GraphQLUnionType
    ):
        return 0  # scalars and enums are free
    inner = _selection_cost(node.selection_set, named, schema, fragments, variables)
    if named.name.endswith("Connection"):
        size = _argument(node, "first", variables) or _argument(node, "last", variables) or 0
        return 2 + int(size) * max(inner, 1)
    return 1 + inner


def query_cost(
    schema: graphql.GraphQLSchema,
    document: graphql.DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> int:
    """The requested cost of ``operation``, computed the way Shopify documents it."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if operation.operation == graphql.OperationType.MUTATION:
        root = schema.mutation_type
        assert root is not None
        cost = 0
        for selection in operation.selection_set.selections:
            if isinstance(selection, FieldNode):
                cost += MUTATION_COST
        return cost
    root_query = schema.query_type
    assert root_query is not None
    return _selection_cost(operation.selection_set, root_query, schema, fragments, variables)


class SimBucket:
    """The server side of the leaky bucket; ``lowest`` records how low it ever went.

    The arithmetic is the client's ``CostBucket``; the server only refuses
    instead of waiting.
    """

    def __init__(self, capacity: float, restore_rate: float, clock: Callable[[], float]) -> None:
        self._bucket = CostBucket(capacity, restore_rate, clock=clock)
        self.lowest = capacity
        self.throttled = 0

    @property
    def capacity(self) -> float:
        return self._bucket.capacity

    @property
    def restore_rate(self) -> float:
        return self._bucket.restore_rate

    @property
    def available(self) -> float:
        return self._bucket.available

    def take(self, cost: float) -> bool:
        """Charge ``cost`` if the bucket holds it; False (throttled) otherwise."""
        if not self._bucket.try_acquire(cost):
            self.throttled += 1
            return False
        self.lowest = min(self.lowest, self._bucket.available)
        return True

    def refund(self, cost: float) -> None:
        """Give back what a request was charged but did not use."""
        if cost > 0:
            self._bucket.refund(cost)

    def drain(self) -> None:
        """Empty the bucket, as another app sharing it would."""
        self._bucket.observe(available=0.0)

    def status(self) -> dict[str, float]:
        return {
            "maximumAvailable": float(self.capacity),
            "currentlyAvailable": float(int(self.available + 1e-6)),
            "restoreRate": float(self.restore_rate),
        }
