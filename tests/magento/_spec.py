"""Magento's official 2.4.8 admin REST schema (Swagger 2.0, YAML), as far as tests need it.

No YAML library is a dependency, and the schema uses only block mappings,
block sequences and plain or quoted scalars (multi-line scalars continue on
deeper-indented lines), so a small indentation reader is enough. ``Schema``
then answers: which path and method a request is, and which body fields
the operation knows, following ``$ref`` into the definitions.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_KEY = re.compile(r"""^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'][^:]*?):(?:\s+(.*))?$""")


def _scalar(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def load_yaml(text: str) -> Any:
    lines = [
        (len(raw) - len(raw.lstrip(" ")), raw.strip())
        for raw in text.splitlines()
        if raw.strip() and raw.strip() != "---" and not raw.lstrip().startswith("#")
    ]

    def block(i: int, indent: int) -> tuple[Any, int]:
        if i < len(lines) and (lines[i][1].startswith("- ") or lines[i][1] == "-"):
            items: list[Any] = []
            while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("-"):
                rest = lines[i][1][1:].strip()
                if not rest:
                    value, i = (
                        block(i + 1, lines[i + 1][0]) if i + 1 < len(lines) else (None, i + 1)
                    )
                    items.append(value)
                    continue
                if _KEY.match(rest):
                    # "- key: value" opens a mapping at indent + 2
                    lines[i] = (indent + 2, rest)
                    value, i = block(i, indent + 2)
                    items.append(value)
                else:
                    items.append(_scalar(rest))
                    i += 1
                    while i < len(lines) and lines[i][0] > indent:
                        i += 1
            return items, i
        mapping: dict[str, Any] = {}
        while i < len(lines) and lines[i][0] == indent:
            match = _KEY.match(lines[i][1])
            if match is None:
                i += 1
                continue
            key, value = _scalar(match[1]), match[2]
            i += 1
            if value is None or value == "":
                if i < len(lines) and (
                    lines[i][0] > indent or (lines[i][0] == indent and lines[i][1].startswith("-"))
                ):
                    mapping[key], i = block(i, lines[i][0])
                else:
                    mapping[key] = None
            else:
                mapping[key] = _scalar(value)
                while i < len(lines) and lines[i][0] > indent:
                    i += 1  # a multi-line scalar's continuation
        return mapping, i

    value, _ = block(0, lines[0][0])
    return value


class Schema:
    def __init__(self, path: Path) -> None:
        raw = path.read_bytes()
        text = gzip.decompress(raw).decode() if path.suffix == ".gz" else raw.decode()
        document = load_yaml(text)
        self.definitions: Mapping[str, Any] = document["definitions"]
        self.paths: Mapping[str, Any] = document["paths"]
        self._patterns = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(p)) + "$"), p)
            for p in self.paths
        ]

    def operation(self, method: str, path: str) -> tuple[str, Mapping[str, Any]] | None:
        """The schema's path template and operation for ``/V1/...``, or None."""
        candidates = [template for pattern, template in self._patterns if pattern.match(path)]
        # The most literal template wins ("/V1/products/attributes" over "/V1/products/{sku}").
        candidates.sort(key=lambda t: (t.count("{"), -len(t)))
        for template in candidates:
            operation = self.paths[template].get(method.lower())
            if operation is not None:
                return template, operation
        return None

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            schema = self.definitions[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def unknown_fields(self, schema: Mapping[str, Any], value: Any, where: str = "") -> list[str]:
        """Body fields the schema does not know, as dotted paths."""
        schema = self.resolve(schema)
        if isinstance(value, Mapping):
            properties = schema.get("properties")
            if not isinstance(properties, Mapping):
                return []  # a free-form object ("mixed")
            problems = []
            for key, item in value.items():
                if key not in properties:
                    problems.append(f"{where}{key}")
                else:
                    problems += self.unknown_fields(properties[key], item, f"{where}{key}.")
            return problems
        if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
            problems = []
            for item in value:
                problems += self.unknown_fields(schema["items"], item, f"{where}[].")
            return problems
        return []

    def body_schema(self, operation: Mapping[str, Any]) -> Mapping[str, Any] | None:
        for parameter in operation.get("parameters") or ():
            if parameter.get("in") == "body":
                schema: Mapping[str, Any] = parameter.get("schema") or {}
                return schema
        return None
