"""Every document the connector sends is current: valid against 2026-01, nothing
deprecated (also inside variables); 2025-01 twins for shops pinned to it; and
the simulator refuses what later versions removed.

The per-test check itself lives in conftest (``sent_documents``):
it watches every test of this folder. The tests here show that it looks
where it must (the example, a pinned version) and that it would catch a
deprecated use.
"""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest

from cartmigrate import Customer, Order, OrderLine, Product, SyncEngine, Variant
from cartmigrate.connectors.shopify import DEFAULT_API_VERSION, ShopifyCart
from cartmigrate.connectors.shopify import _graphql as docs
from cartmigrate.connectors.shopify import _legacy as legacy
from cartmigrate.testing import CartContract, FakeClock
from cartmigrate.testing.shopify import (
    RecordedRequest,
    ShopifySimulator,
    capture_requests,
    deprecated_uses,
)

from .conftest import TOKEN, document_problems, from_connector, make_cart

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _documents(module: Any) -> dict[str, str]:
    return {
        name: value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and ("query " in value or "mutation " in value)
    }


def test_the_default_version_is_the_one_the_tests_hold() -> None:
    assert DEFAULT_API_VERSION == "2026-01"
    assert ShopifyCart("s", "shpat_x").api_version == "2026-01"


def test_every_current_document_validates_and_uses_nothing_deprecated(
    schema: graphql.GraphQLSchema,
) -> None:
    found = _documents(docs)
    assert len(found) >= 30
    for name, document in found.items():
        assert not graphql.validate(schema, graphql.parse(document)), name
        assert deprecated_uses(schema, document) == [], name


def test_every_2025_01_twin_validates_there(schema_2025_01: graphql.GraphQLSchema) -> None:
    for name, document in _documents(legacy).items():
        assert not graphql.validate(schema_2025_01, graphql.parse(document)), name


def test_the_check_catches_what_the_issue_names(schema: graphql.GraphQLSchema) -> None:
    """Deprecated in the document and inside variables, both found."""
    in_document = [
        str(u) for d in (legacy.ORDER_CANCEL, legacy.CUSTOMERS) for u in deprecated_uses(schema, d)
    ]
    assert any("orderCancel(refund:)" in u for u in in_document)
    assert any("Customer.email" in u for u in in_document)
    images = "query P { products(first: 1) { nodes { images(first: 1) { nodes { url } } } } }"
    assert [u.where for u in deprecated_uses(schema, images)] == ["Product.images"]
    quantities = deprecated_uses(
        schema,
        legacy.SET_QUANTITIES,
        {
            "input": {
                "name": "available",
                "reason": "correction",
                "ignoreCompareQuantity": True,
                "quantities": [
                    {
                        "inventoryItemId": "gid://x/1",
                        "locationId": "gid://x/2",
                        "quantity": 1,
                        "compareQuantity": 3,
                    }
                ],
            }
        },
    )
    assert {u.removed_in for u in quantities} == {"2026-04"}
    assert len(quantities) == 2
    addresses = deprecated_uses(
        schema, legacy.CUSTOMER_CREATE, {"input": {"addresses": [{"city": "Lyon"}]}}
    )
    assert [u.where.split(" ")[0] for u in addresses] == ["CustomerInput.addresses"]


def test_the_example_sends_only_current_documents(
    shared_dir: Path,
    schemas: dict[str, graphql.GraphQLSchema],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("CARTMIGRATE_WC_URL", "CARTMIGRATE_SHOPIFY_SHOP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(
        "CARTMIGRATE_WC_SAMPLE",
        str(shared_dir / "data/woocommerce-sample-data/sample_products.csv"),
    )
    monkeypatch.setenv(
        "CARTMIGRATE_SHOPIFY_SCHEMA",
        str(shared_dir / "specs/shopify/admin_schema_2026-01_public.graphql.gz"),
    )
    with capture_requests() as sent:
        runpy.run_path(str(EXAMPLES / "woocommerce_to_shopify.py"), run_name="__main__")
    assert "failure(s)" not in capsys.readouterr().out
    mine = [r for r in sent if from_connector(r)]
    operations = {r.operation for r in mine}
    assert {"ProductSet", "CustomerSet", "OrderCreate", "OrderUpdate"} <= operations
    assert {r.api_version for r in mine} == {"2026-01"}
    assert {r.operation: p for r in mine if (p := document_problems(schemas, r))} == {}


class TestPinnedTo202501(CartContract):
    """The whole contract on a shop pinned to 2025-01: every document sent is
    held to the 2025-01 schema by the conftest check."""

    @pytest.fixture
    def cart(
        self, clock: FakeClock, schemas: dict[str, graphql.GraphQLSchema]
    ) -> Iterator[ShopifyCart]:
        sim = ShopifySimulator(
            schema=schemas["2026-01"], schemas=schemas, clock=clock, access_token=TOKEN
        )
        with make_cart(sim, clock, api_version="2025-01") as shop:
            yield shop  # type: ignore[misc]
        versions = {r.api_version for r in sim.requests}
        assert versions <= {"2025-01"}


def _post(sim: ShopifySimulator, version: str, query: str, variables: dict[str, Any]) -> Any:
    with httpx.Client(transport=sim.transport) as client:
        return client.post(
            f"https://example.myshopify.com/admin/api/{version}/graphql.json",
            json={"query": query, "variables": variables},
            headers={"X-Shopify-Access-Token": TOKEN},
        ).json()


def _stocked(sim: ShopifySimulator, clock: FakeClock) -> tuple[str, str]:
    cart = make_cart(sim, clock)
    created = cart.create(Product(name="P", sku="S", quantity=4), source_ref="t:product:1")
    product = cart.get(Product, created.id)
    assert product is not None
    [(variant, item)] = product.extra["variant_inventory_items"].items()
    return variant, item


@pytest.mark.parametrize(
    ("version", "refused"),
    [("2026-01", False), ("2026-04", True), ("2026-07", True)],
)
def test_what_2026_04_removed_is_refused_from_2026_04(
    sim: ShopifySimulator, clock: FakeClock, version: str, refused: bool
) -> None:
    _, item = _stocked(sim, clock)
    body = _post(
        sim,
        version,
        legacy.SET_QUANTITIES,
        {
            "input": {
                "name": "available",
                "reason": "correction",
                "ignoreCompareQuantity": True,
                "quantities": [
                    {"inventoryItemId": item, "locationId": sim.location_gid, "quantity": 9}
                ],
            }
        },
    )
    if refused:
        messages = " ".join(e["message"] for e in body["errors"])
        assert "ignoreCompareQuantity" in messages and "removed in 2026-04" in messages
        assert "idempotency key" in messages  # and the key is required from then on
        assert "data" not in body
    else:
        assert body["data"]["inventorySetQuantities"]["userErrors"] == []


def test_the_connector_writes_stock_on_2026_04(sim: ShopifySimulator, clock: FakeClock) -> None:
    """With changeFromQuantity and @idempotent it is what 2026-04 demands."""
    cart = make_cart(sim, clock, api_version="2026-04")
    created = cart.create(Product(name="P", sku="S", quantity=4), source_ref="t:product:1")
    assert cart.get(Product, created.id) is not None
    cart.update(Product, created.id, {"quantity": 6})
    after = cart.get(Product, created.id)
    assert after is not None and after.quantity == 6
    sent = [r for r in sim.requests if r.operation == "SetQuantities"]
    assert [r.status for r in sent] == [200]
    assert "@idempotent" in sent[0].query
    assert sent[0].variables["input"]["quantities"][0]["changeFromQuantity"] == 4


def test_a_full_migration_sends_nothing_deprecated(
    sim: ShopifySimulator,
    clock: FakeClock,
    schemas: dict[str, graphql.GraphQLSchema],
    sent_documents: list[RecordedRequest],
) -> None:
    """The connector's writes of every kind, checked here as well as in teardown."""
    from cartmigrate import MemoryCart

    source = MemoryCart(
        [
            Product(
                id="p1",
                name="Tee",
                variants=[Variant(id="v1", sku="T-S", quantity=2, options={"Size": "S"})],
            ),
            Customer(id="c1", email="a@example.com", addresses=[]),
            Order(
                id="o1",
                number="#1",
                customer_id="c1",
                lines=[OrderLine(name="Tee", sku="T-S", quantity=1, price="5")],
            ),
        ]
    )
    SyncEngine(source, make_cart(sim, clock), clock=clock.now).full_migrate()
    mine = [r for r in sent_documents if from_connector(r)]
    assert {"ProductSet", "CustomerSet", "OrderCreate", "SourceRefDefinition"} <= {
        r.operation for r in mine
    }
    assert [p for r in mine if (p := document_problems(schemas, r))] == []
