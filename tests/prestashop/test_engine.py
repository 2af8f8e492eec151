"""The engine with the PrestaShop connector both ways, offline."""

from __future__ import annotations

from collections import Counter

import attrs

from cartmigrate import MemoryCart, MemoryStateStore, SyncEngine
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.models import Customer, Order, Product
from cartmigrate.testing import generate_store
from cartmigrate.testing.prestashop import PrestaShopSimulator


def test_the_demo_shop_migrates_out_whole(cart: PrestaShopCart) -> None:
    target = MemoryCart()
    report = SyncEngine(cart, target).full_migrate()
    assert report.failures == []
    assert {k: v["created"] for k, v in report.summary().items() if v["created"]} == {
        "category": 4,
        "manufacturer": 2,
        "product": 4,
        "customer": 2,
        "order": 2,
        "variant": sum(len(p.variants) for p in target.list(Product)),  # counted beside them
    }
    shipped = [o for o in target.list(Order) if o.status == "shipped"]
    assert [s.tracking_number for s in shipped[0].shipments] == ["1Z999AA10123456784"]


def test_a_store_migrates_in_keeps_in_step_and_migrates_again(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    source = MemoryCart(
        generate_store(seed=3, products=6, customers=5, orders=4, categories=4, reviews=0)
    )
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    report = engine.full_migrate()
    # An order naming one item on two lines at two prices cannot be one cart:
    # it fails alone, saying so; the others are written.
    twice = [f for f in report.failures if f.entity == "order"]
    assert all(f.field == "lines" for f in twice)
    assert report.failures == twice
    assert report.summary()["order"]["created"] == 4 - len(twice)
    # The generated orders are in EUR, a currency the shop has not: said per order.
    assert any(w.field == "currency" for w in report.warnings)

    product = source.list(Product)[2]
    source.add(
        attrs.evolve(
            product,
            variants=[attrs.evolve(product.variants[0], quantity=33), *product.variants[1:]],
        )
    )
    report = engine.smart_update()
    assert report.failures == []
    assert report.summary()["variant"]["updated"] == 1
    report = engine.smart_update()
    assert all(v["updated"] == 0 and v["created"] == 0 for v in report.summary().values())

    engine.remigrate(confirm=True)
    references = Counter(r["reference"] for r in sim.shop.tables["products"].values())
    assert all(references[str(p.sku)] == 1 for p in source.list(Product))
    emails = Counter(r["email"] for r in sim.shop.tables["customers"].values())
    assert all(emails[c.email] == 1 for c in source.list(Customer))
    notes = Counter(r["note"] for r in sim.shop.tables["orders"].values() if r["note"])
    assert sum(notes.values()) == 4 - len(twice) and set(notes.values()) == {1}
    assert sim.mails == []


def test_the_state_knows_which_prestashop_it_belongs_to() -> None:
    sim = PrestaShopSimulator()
    cart = PrestaShopCart("https://user:pw@shop.example", "K" * 32, transport=sim.transport)
    assert cart.store_identity == "prestashop:https://shop.example"
    other = PrestaShopCart("https://other.example", "K" * 32, transport=sim.transport)
    assert other.store_identity != cart.store_identity
