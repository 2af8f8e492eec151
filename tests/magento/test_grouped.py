"""Grouped products on Magento: written with their children's links, read back
with their children, and read from Magento as a source (scenario in ``_grouped``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cartmigrate import (
    EntityRejected,
    MemoryCart,
    MemoryStateStore,
    Product,
    ProductType,
    SyncEngine,
)
from cartmigrate.testing.magento import MagentoSimulator

from ._grouped import grouped_round_trip


def _raw(sim: MagentoSimulator) -> Any:
    client = httpx.Client(
        base_url=sim.url + "/rest/V1/",
        headers={"Authorization": f"Bearer {sim.token}"},
        transport=sim.transport,
    )
    return lambda sku: client.get(f"products/{sku}").raise_for_status().json()


def test_a_grouped_product_is_written_with_its_children_and_read_back(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    grouped_round_trip(make_cart(sim), _raw(sim))


def test_a_grouped_product_read_from_magento_keeps_its_children(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    grouped_round_trip(make_cart(sim), _raw(sim))  # the store now holds one
    memory = MemoryCart()
    report = SyncEngine(make_cart(sim), memory, state=MemoryStateStore()).full_migrate(
        entities=[Product]
    )
    assert report.ok, report.summary()
    by_sku = {p.sku: p for p in memory.read(Product)}
    group = by_sku["GRP-SET"]
    assert group.product_type is ProductType.GROUPED
    assert [memory.get(Product, c).sku for c in group.grouped_product_ids] == [  # type: ignore[union-attr]
        "GRP-CHILD-1",
        "GRP-CHILD-3",
    ]


def test_a_group_whose_child_is_gone_fails_alone_naming_the_field(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    cart = make_cart(sim)
    child = cart.create(Product(name="Child", sku="GONE-1", price="1"))
    cart.delete(Product, child.id)
    group = Product(name="G", sku="G-1", product_type="grouped", grouped_product_ids=[child.id])
    with pytest.raises(EntityRejected) as refused:
        cart.create(group)
    assert refused.value.field == "grouped_product_ids"
    assert cart.find(Product, "G-1") is None


def test_children_are_not_set_on_a_product_that_is_not_grouped_there(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    cart = make_cart(sim)
    child = cart.create(Product(name="Child", sku="KID-1", price="1"))
    simple = cart.create(Product(name="Plain", sku="PLAIN-1", price="2"))
    with pytest.raises(EntityRejected) as refused:
        cart.update(Product, simple.id, {"grouped_product_ids": [child.id]})
    assert refused.value.field == "grouped_product_ids"
    raw = _raw(sim)("PLAIN-1")
    assert raw["type_id"] == "simple" and not raw.get("product_links")
