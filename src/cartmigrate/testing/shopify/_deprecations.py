"""Finding deprecated (and removed) schema elements in a document and its variables.

graphql-core's ``NoDeprecatedCustomRule`` sees what a document spells out:
fields, arguments, and input fields and enum values written as literals. A
connector passes most input through variables, where that rule cannot look,
so the variables are walked here against their declared types as well: a
deprecated input field inside ``$input`` is as deprecated as one written in
the document.

Shopify says in each deprecation reason when the element goes away ("will be
removed in 2026-04"); ``removed_in`` reads that, so the simulator can refuse
in version 2026-04 what the 2026-01 schema only marks deprecated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
import graphql
from graphql.validation import NoDeprecatedCustomRule

__all__ = ["Deprecation", "deprecated_uses", "removed_in"]

_REMOVED = re.compile(r"removed in `?(\d{4}-\d{2})`?", re.IGNORECASE)


@attrs.define(frozen=True)
class Deprecation:
    """One use of a deprecated element: ``where`` names it, ``reason`` is Shopify's."""

    where: str
    reason: str

    @property
    def removed_in(self) -> str | None:
        return removed_in(self.reason)

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def removed_in(reason: str | None) -> str | None:
    """The API version a deprecation reason says the element is removed in, if it says."""
    found = _REMOVED.search(reason or "")
    return found.group(1) if found else None


_MESSAGE = re.compile(
    r"The (?:field|argument|input field|enum value) (.+?) is deprecated\. (.*)", re.S
)


def _reason_of(message: str) -> tuple[str, str]:
    """(element, reason) from NoDeprecatedCustomRule's message."""
    found = _MESSAGE.match(message)
    if found is None:
        return message, message
    return found.group(1).strip("'"), found.group(2)


def _walk(value: Any, type_: graphql.GraphQLInputType, path: str, found: list[Deprecation]) -> None:
    named = graphql.get_nullable_type(type_)
    if isinstance(named, graphql.GraphQLList):
        if isinstance(value, list):
            for position, item in enumerate(value):
                _walk(item, named.of_type, f"{path}[{position}]", found)
        else:
            _walk(value, named.of_type, path, found)
        return
    if value is None:
        return
    if isinstance(named, graphql.GraphQLInputObjectType) and isinstance(value, Mapping):
        for key, item in value.items():
            field = named.fields.get(key)
            if field is None:
                continue  # validation's business, not ours
            if field.deprecation_reason is not None:
                found.append(
                    Deprecation(f"{named.name}.{key} (at {path}.{key})", field.deprecation_reason)
                )
            _walk(item, field.type, f"{path}.{key}", found)
    elif isinstance(named, graphql.GraphQLEnumType) and isinstance(value, str):
        enum_value = named.values.get(value)
        if enum_value is not None and enum_value.deprecation_reason is not None:
            found.append(
                Deprecation(f"{named.name}.{value} (at {path})", enum_value.deprecation_reason)
            )


def deprecated_uses(
    schema: graphql.GraphQLSchema,
    document: str | graphql.DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> list[Deprecation]:
    """Every deprecated field, argument, input field and enum value ``document`` uses,
    written in it or passed in ``variables``."""
    node = graphql.parse(document) if isinstance(document, str) else document
    found = [
        Deprecation(*_reason_of(error.message))
        for error in graphql.validate(schema, node, [NoDeprecatedCustomRule])
    ]
    operation = graphql.get_operation_ast(node, operation_name)
    if operation is None:
        return found
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in (variables or {}):
            continue
        type_ = graphql.type_from_ast(schema, definition.type)
        if type_ is not None and graphql.is_input_type(type_):
            _walk((variables or {})[name], type_, f"${name}", found)
    return found
