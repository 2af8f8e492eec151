"""What one API version refuses beyond what its schema says.

A schema file is one version's (2025-01, 2026-01); the versions after it
differ in ways its text announces. Two such announcements are enforced, so
an offline run fails where a real store of that version would:

- a deprecation reason saying "will be removed in 2026-04" makes the element
  unknown from 2026-04 on (``InventorySetQuantitiesInput.ignoreCompareQuantity``,
  ``InventoryQuantityInput.compareQuantity``), written in the document or
  passed in its variables;
- a mutation whose description says "As of 2026-04, the idempotency key is
  required" is refused from 2026-04 on without ``@idempotent(key:)``
  (``inventorySetQuantities``, ``refundCreate``, ...).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import graphql

from ._deprecations import deprecated_uses, removed_in

__all__ = ["idempotency_keys", "version_problems"]

_REQUIRED = re.compile(
    r"As of (?:version )?`?(\d{4}-\d{2})`?, the idempotency key is required", re.IGNORECASE
)


@functools.lru_cache(maxsize=8)
def _key_required_since(schema: graphql.GraphQLSchema) -> dict[str, str]:
    """Mutation field -> the version from which ``@idempotent`` is required."""
    root = schema.mutation_type
    found: dict[str, str] = {}
    for name, field in (root.fields if root is not None else {}).items():
        match = _REQUIRED.search(field.description or "")
        if match:
            found[name] = match.group(1)
    return found


@functools.lru_cache(maxsize=8)
def _earliest_removal(schema: graphql.GraphQLSchema) -> str | None:
    """The first version any deprecation reason of ``schema`` says removes something."""
    found: set[str] = set()
    for named in schema.type_map.values():
        members: list[Any] = []
        if isinstance(named, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType):
            for field in named.fields.values():
                members.append(field)
                members.extend(field.args.values())
        elif isinstance(named, graphql.GraphQLInputObjectType):
            members.extend(named.fields.values())
        elif isinstance(named, graphql.GraphQLEnumType):
            members.extend(named.values.values())
        for member in members:
            gone = removed_in(getattr(member, "deprecation_reason", None))
            if gone is not None:
                found.add(gone)
    return min(found) if found else None


def _error(message: str, code: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code}}


def idempotency_keys(
    operation: graphql.OperationDefinitionNode, variables: Mapping[str, Any]
) -> dict[str, str]:
    """Top-level mutation field (by response key) -> its ``@idempotent`` key."""
    keys: dict[str, str] = {}
    for selection in operation.selection_set.selections:
        if not isinstance(selection, graphql.FieldNode):
            continue
        for directive in selection.directives or ():
            if directive.name.value != "idempotent":
                continue
            for argument in directive.arguments or ():
                if argument.name.value == "key":
                    value = graphql.value_from_ast_untyped(argument.value, dict(variables))
                    response_key = (selection.alias or selection.name).value
                    keys[response_key] = str(value)
    return keys


def version_problems(
    schema: graphql.GraphQLSchema,
    document: graphql.DocumentNode,
    operation: graphql.OperationDefinitionNode,
    variables: Mapping[str, Any],
    version: str,
) -> list[dict[str, Any]]:
    """GraphQL errors for what ``version`` refuses although ``schema`` has it."""
    problems: list[dict[str, Any]] = []
    if operation.operation == graphql.OperationType.MUTATION:
        required = _key_required_since(schema)
        keys = idempotency_keys(operation, variables)
        for selection in operation.selection_set.selections:
            if not isinstance(selection, graphql.FieldNode):
                continue
            since = required.get(selection.name.value)
            response_key = (selection.alias or selection.name).value
            if since is not None and version >= since and not keys.get(response_key, "").strip():
                problems.append(
                    _error(
                        f"{selection.name.value} requires an idempotency key as of {since}:"
                        " add @idempotent(key: ...)",
                        "IDEMPOTENCY_KEY_REQUIRED",
                    )
                )
    earliest = _earliest_removal(schema)
    if earliest is None or version < earliest:
        return problems  # nothing this schema announces is gone yet
    name = operation.name.value if operation.name else None
    for use in deprecated_uses(schema, document, variables, name):
        gone = use.removed_in
        if gone is not None and version >= gone:
            problems.append(
                _error(f"{use.where} does not exist in {version} (removed in {gone})", "undefined")
            )
    return problems
