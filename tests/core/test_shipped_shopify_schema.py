"""The simulator works after ``pip install``: a trimmed 2026-01 schema ships in
the package, with Shopify's licence notice, and ``load_schema()`` loads it.

Every document the connector can send validates against the trimmed schema
exactly as against the full one (the full one only where ../shared exists).
Here, not in tests/shopify, whose every test needs ../shared: these show the
package works without it.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import graphql
import pytest

from cartmigrate import MemoryCart, SyncEngine
from cartmigrate.connectors.shopify import _graphql as docs
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator, load_schema
from cartmigrate.testing.shopify._schema import SHIPPED_SCHEMA

from ..shopify.conftest import SCHEMA_2026_01, TOKEN, make_cart
from .test_engine import demo_store


def _documents() -> dict[str, str]:
    """Every document of ``_graphql``, those in its dicts (``COUNTS``) too."""
    found: dict[str, str] = {}
    for name, value in vars(docs).items():
        items = value.items() if isinstance(value, dict) else [("", value)]
        for key, text in items:
            sendable = isinstance(text, str) and ("query " in text or "mutation " in text)
            if name.isupper() and sendable:
                found[f"{name}{'.' + key if key else ''}"] = text
    return found


def test_the_trimmed_schema_ships_with_its_licence_notice() -> None:
    assert SHIPPED_SCHEMA.is_file()
    assert SHIPPED_SCHEMA.parent.joinpath("NOTICE.md").is_file()
    notice = SHIPPED_SCHEMA.parent.joinpath("NOTICE.md").read_text(encoding="utf-8")
    assert "MIT License" in notice and "Copyright (c) 2023-present, Shopify Inc." in notice
    with gzip.open(SHIPPED_SCHEMA, "rt", encoding="utf-8") as stream:
        assert "type QueryRoot" in stream.read()


def test_pyproject_ships_the_data_as_package_data() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    assert "src/cartmigrate/testing/shopify/data/*" in pyproject.read_text(encoding="utf-8")


def test_a_simulator_needs_no_schema_and_every_sent_document_validates() -> None:
    clock = FakeClock()
    sim = ShopifySimulator(clock=clock, access_token=TOKEN)
    assert sim.schema is load_schema()
    with make_cart(sim, clock) as target:
        engine = SyncEngine(MemoryCart(demo_store()), target)
        assert engine.check().ok
        report = engine.full_migrate()
    assert not report.failures, str(report)
    trimmed = load_schema()
    assert len(sim.requests) > 10
    for request in sim.requests:
        assert not graphql.validate(trimmed, graphql.parse(request.query)), request.operation


def test_every_connector_document_validates_against_the_trimmed_schema() -> None:
    trimmed = load_schema()
    found = _documents()
    assert len(found) >= 40
    for name, document in found.items():
        assert not graphql.validate(trimmed, graphql.parse(document)), name


def test_the_trimmed_schema_agrees_with_the_full_one(shared_dir: Path) -> None:
    full = load_schema(shared_dir / "specs" / "shopify" / SCHEMA_2026_01)
    trimmed = load_schema()
    for name, document in _documents().items():
        parsed = graphql.parse(document)
        assert not graphql.validate(full, parsed), name
        assert not graphql.validate(trimmed, parsed), name
    # What it keeps is the full schema's, field for field (deprecations included).
    for type_name in ("ProductSetInput", "InventorySetQuantitiesInput", "UrlRedirectInput"):
        kept, original = trimmed.type_map[type_name], full.type_map[type_name]
        assert isinstance(kept, graphql.GraphQLInputObjectType)
        assert isinstance(original, graphql.GraphQLInputObjectType)
        assert {n: f.deprecation_reason for n, f in kept.fields.items()} == {
            n: f.deprecation_reason for n, f in original.fields.items()
        }


def test_the_trimmed_schema_is_what_the_script_makes_of_the_full_one(shared_dir: Path) -> None:
    """A document changed without running tools/trim_shopify_schema.py fails here."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    try:
        import trim_shopify_schema
    finally:
        sys.path.pop(0)
    with gzip.open(shared_dir / "specs" / "shopify" / SCHEMA_2026_01, "rt", encoding="utf-8") as s:
        made = trim_shopify_schema.trim(s.read())
    with gzip.open(SHIPPED_SCHEMA, "rt", encoding="utf-8") as stream:
        assert stream.read() == made, "run: python tools/trim_shopify_schema.py"


@pytest.mark.parametrize("path", [None, SHIPPED_SCHEMA, str(SHIPPED_SCHEMA)])
def test_load_schema_is_cached_by_file(path: Path | str | None) -> None:
    assert load_schema(path) is load_schema()
