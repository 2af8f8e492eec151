"""Loading Shopify's official Admin GraphQL schemas.

Two forms are read: an introspection result (``.json`` / ``.json.gz``, as
Shopify published 2025-01) and SDL (``.graphql`` / ``.graphql.gz``, as
Shopify publishes 2026-01, with every deprecation reason).

``load_schema()`` with no path loads the trimmed 2026-01 schema shipped in
the package (``data/``: only the types the connector's documents use, made
by ``tools/trim_shopify_schema.py`` from Shopify's public schema, MIT
licensed; the notice is beside it), so the simulator works after ``pip
install`` without any other file. Pass the full schema's path for documents
of your own. Loading the full 2026-01 takes about a second, so it is cached
per path and a test session pays for it once.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

import graphql

__all__ = ["SHIPPED_SCHEMA", "load_schema"]

#: The trimmed Admin API 2026-01 schema shipped with the package.
SHIPPED_SCHEMA = Path(__file__).with_name("data") / "admin_schema_2026-01_trimmed.graphql.gz"


def load_schema(path: str | Path | None = None) -> graphql.GraphQLSchema:
    """The schema in ``path`` (introspection JSON or SDL, optionally gzipped);
    without one, the trimmed 2026-01 schema shipped in the package."""
    return _load(Path(path) if path is not None else SHIPPED_SCHEMA)


@functools.lru_cache(maxsize=4)
def _load(file: Path) -> graphql.GraphQLSchema:
    """The schema in ``file``.

    graphql-core's schema validator rejects Shopify's published schemas for one
    rule only: some implementations of an interface field are deprecated while
    the interface field is not (``Customer.hasTimelineComment``). That is a
    quirk of Shopify's deprecation bookkeeping, not a type error, so those
    findings alone are waived; any other schema error still raises.
    """
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rt", encoding="utf-8") as stream:
        text = stream.read()
    if file.name.removesuffix(".gz").endswith(".graphql"):
        schema = graphql.build_schema(text)
    else:
        document = json.loads(text)
        schema = graphql.build_client_schema(document.get("data", document))
    errors = graphql.validate_schema(schema)
    serious = [e for e in errors if "must not be deprecated" not in e.message]
    if serious:
        raise TypeError("\n".join(e.message for e in serious))
    schema._validation_errors = []  # waive only the deprecation quirk above
    return schema
