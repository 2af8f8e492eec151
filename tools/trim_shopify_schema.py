"""Make the trimmed Shopify Admin schema the package ships for its simulator.

    python tools/trim_shopify_schema.py [path/to/admin_schema_2026-01_public.graphql.gz]

Keeps, from Shopify's public 2026-01 schema (MIT, Shopify Inc.; the notice is
shipped beside the file), only what the connector's documents use: the
fields they select (with all their arguments and deprecation reasons), the
input types their arguments and variables take (whole, so any input the
connector builds validates), the types those fields return, every enum and
scalar reached, and the directives. Descriptions of what is kept stay: the
simulator reads "As of 2026-04, the idempotency key is required" from them.

The result validates every document the connector sends exactly as the full
schema does; a test holds it to that (``tests/shopify/test_shipped_schema.py``).
Run it again when a document changes; the test says when it is needed.
"""

from __future__ import annotations

import gzip
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import graphql
from graphql import language as ast

from cartmigrate.connectors.shopify import _graphql as docs
from cartmigrate.testing.shopify._schema import SHIPPED_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = (
    ROOT.parent / "shared" / "specs" / "shopify" / "admin_schema_2026-01_public.graphql.gz"
)


def documents() -> list[str]:
    """Every document of ``_graphql``: its upper-case strings, and those in its dicts."""
    found: list[str] = []
    for name, value in vars(docs).items():
        if not name.isupper():
            continue
        values = list(value.values()) if isinstance(value, dict) else [value]
        found.extend(
            v for v in values if isinstance(v, str) and ("query " in v or "mutation " in v)
        )
    return found


def _named(type_: graphql.GraphQLType) -> graphql.GraphQLNamedType:
    return graphql.get_named_type(type_)


class Usage:
    """What the documents use, closed over what it needs to stay a valid schema."""

    def __init__(self, schema: graphql.GraphQLSchema) -> None:
        self.schema = schema
        self.fields: dict[str, set[str]] = {}
        self.types: set[str] = set()

    def keep_type(self, type_: graphql.GraphQLType) -> None:
        named = _named(type_)
        if named.name in self.types:
            return
        self.types.add(named.name)
        if isinstance(named, graphql.GraphQLInputObjectType):
            for field in named.fields.values():
                self.keep_type(field.type)
        if isinstance(named, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType):
            self.fields.setdefault(named.name, set())

    def keep_field(self, parent: graphql.GraphQLNamedType, name: str) -> None:
        if not isinstance(parent, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType):
            return
        field = parent.fields.get(name)
        if field is None:
            return
        self.keep_type(parent)
        self.fields.setdefault(parent.name, set()).add(name)
        self.keep_type(field.type)
        for argument in field.args.values():
            self.keep_type(argument.type)

    def read(self, document: str) -> None:
        parsed = graphql.parse(document)
        info = graphql.TypeInfo(self.schema)
        usage = self

        class Visitor(graphql.Visitor):
            def enter_field(self, node: ast.FieldNode, *_: Any) -> None:
                parent = info.get_parent_type()
                if parent is not None and not node.name.value.startswith("__"):
                    usage.keep_field(parent, node.name.value)

            def enter_inline_fragment(self, node: ast.InlineFragmentNode, *_: Any) -> None:
                if node.type_condition is not None:
                    usage.keep_type(self_type(node.type_condition.name.value))

            def enter_fragment_definition(self, node: ast.FragmentDefinitionNode, *_: Any) -> None:
                usage.keep_type(self_type(node.type_condition.name.value))

            def enter_variable_definition(self, node: ast.VariableDefinitionNode, *_: Any) -> None:
                type_ = graphql.type_from_ast(usage.schema, node.type)
                if type_ is not None:
                    usage.keep_type(type_)

        def self_type(name: str) -> graphql.GraphQLNamedType:
            return usage.schema.type_map[name]

        graphql.visit(parsed, graphql.TypeInfoVisitor(info, Visitor()))

    def close(self) -> None:
        """Add what a valid schema needs: roots, directives, interface fields."""
        for root in (self.schema.query_type, self.schema.mutation_type):
            if root is not None:
                self.keep_type(root)
        for directive in self.schema.directives:
            for argument in directive.args.values():
                self.keep_type(argument.type)
        changed = True
        while changed:
            changed = False
            for name in sorted(self.types):
                named = self.schema.type_map[name]
                if isinstance(named, graphql.GraphQLUnionType) and not any(
                    t.name in self.types for t in named.types
                ):
                    self.keep_type(named.types[0])
                    changed = True
                if not isinstance(named, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType):
                    continue
                kept = self.fields.setdefault(name, set())
                if not kept:  # a type with no field used still needs one
                    first = "id" if "id" in named.fields else next(iter(named.fields))
                    self.keep_field(named, first)
                    changed = True
                for interface in named.interfaces:
                    if interface.name not in self.types:
                        continue
                    for field in self.fields.get(interface.name, set()) - kept:
                        self.keep_field(named, field)
                        changed = True


def trim(text: str) -> str:
    schema = graphql.build_schema(text)
    usage = Usage(schema)
    for document in documents():
        usage.read(document)
    usage.close()
    kept: list[ast.DefinitionNode] = []
    for definition in graphql.parse(text).definitions:
        name = getattr(getattr(definition, "name", None), "value", None)
        if isinstance(definition, ast.SchemaDefinitionNode | ast.DirectiveDefinitionNode):
            kept.append(definition)
        elif name in usage.types:
            kept.append(_trimmed(definition, usage))
    return graphql.print_ast(ast.DocumentNode(definitions=tuple(kept))) + "\n"


def _trimmed(definition: ast.DefinitionNode, usage: Usage) -> ast.DefinitionNode:
    name = definition.name.value  # type: ignore[attr-defined]
    if isinstance(definition, ast.ObjectTypeDefinitionNode | ast.InterfaceTypeDefinitionNode):
        fields = tuple(f for f in definition.fields or () if f.name.value in usage.fields[name])
        interfaces = tuple(i for i in definition.interfaces or () if i.name.value in usage.types)
        return type(definition)(
            name=definition.name,
            description=definition.description,
            directives=definition.directives,
            interfaces=interfaces,
            fields=fields,
        )
    if isinstance(definition, ast.UnionTypeDefinitionNode):
        members = tuple(t for t in definition.types or () if t.name.value in usage.types)
        return ast.UnionTypeDefinitionNode(
            name=definition.name,
            description=definition.description,
            directives=definition.directives,
            types=members,
        )
    return definition


def main(arguments: Iterable[str]) -> None:
    given = list(arguments)
    source = Path(given[0]) if given else DEFAULT_SOURCE
    with gzip.open(source, "rt", encoding="utf-8") as stream:
        text = stream.read()
    trimmed = trim(text)
    graphql.build_schema(trimmed)  # still a schema
    # mtime=0: the same input gives the same bytes, so git sees no change.
    with (
        open(SHIPPED_SCHEMA, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as stream,
    ):
        stream.write(trimmed.encode("utf-8"))
    print(f"{SHIPPED_SCHEMA}: {len(trimmed):,} characters (from {len(text):,})")


if __name__ == "__main__":
    main(sys.argv[1:])
