"""Loading Shopify's official Admin GraphQL schemas.

Two forms are read: an introspection result (``.json`` / ``.json.gz``, as
Shopify published 2025-01) and SDL (``.graphql`` / ``.graphql.gz``, as
Shopify publishes 2026-01, with every deprecation reason). The files are
Shopify's own, so they are not shipped in the package: tests point at a copy.
Loading 2026-01 takes about a second, so it is cached per path and a test
session pays for it once.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

import graphql

__all__ = ["load_schema"]


@functools.lru_cache(maxsize=4)
def load_schema(path: str | Path) -> graphql.GraphQLSchema:
    """The schema in ``path`` (introspection JSON or SDL, optionally gzipped).

    graphql-core's schema validator rejects Shopify's published schemas for one
    rule only: some implementations of an interface field are deprecated while
    the interface field is not (``Customer.hasTimelineComment``). That is a
    quirk of Shopify's deprecation bookkeeping, not a type error, so those
    findings alone are waived; any other schema error still raises.
    """
    file = Path(path)
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
