"""What Shopify will refuse is said before writing: products above 2,048
variants, the 1,000-new-variants-a-day rule past 50,000 variants, and the
development store's 5 orders a minute."""

from __future__ import annotations

from cartmigrate import MemoryCart, Order, OrderLine, Product, SyncEngine, Variant
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import make_cart


def _huge(n: int) -> Product:
    return Product(
        id="big",
        name="Big",
        variants=[
            Variant(id=f"v{i}", sku=f"B-{i}", price="1", options={"Size": f"S{i}"})
            for i in range(n)
        ],
    )


def _seed_variants(sim: ShopifySimulator, n: int) -> None:
    """A store that already holds ``n`` variants (only their count matters here)."""
    for number in range(10**7, 10**7 + n):
        sim.store.variants[number] = {"id": number, "product": 0, "sku": None}


def test_a_product_above_2048_variants_is_refused_before_sending(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    [result] = cart.create_many([_huge(2049)], source_refs=["s:product:big"])
    assert isinstance(result, Exception)
    assert "at most 2048 variants" in str(result) and "2049" in str(result)
    assert getattr(result, "field", None) == "variants"
    assert "ProductSet" not in sim.operations()


def test_the_daily_variant_limit_is_said_up_front(sim: ShopifySimulator, clock: FakeClock) -> None:
    _seed_variants(sim, 49_990)
    source = MemoryCart(
        [
            Product(
                id=f"p{n}",
                name=f"P{n}",
                variants=[
                    Variant(id=f"p{n}-{s}", sku=f"P{n}-{s}", options={"Size": s})
                    for s in ("S", "M", "L")
                ],
            )
            for n in range(5)
        ]
    )
    target = make_cart(sim, clock)
    report = SyncEngine(source, target, clock=clock.now).full_migrate()
    notes = [w.message for w in report.warnings if w.entity == "product"]
    [limit] = [n for n in notes if "variants a day" in n]
    assert "the store has 49990 variants" in limit and "1000 new variants a day" in limit
    counts = [r for r in sim.requests if r.operation == "VariantsCount"]
    first_write = next(i for i, r in enumerate(sim.requests) if r.operation == "ProductSet")
    assert len(counts) == 1 and sim.requests.index(counts[0]) < first_write  # before writing


def test_a_small_store_hears_nothing_about_it(sim: ShopifySimulator, clock: FakeClock) -> None:
    source = MemoryCart([Product(id="p1", name="P", sku="P1")])
    report = SyncEngine(source, make_cart(sim, clock), clock=clock.now).full_migrate()
    assert not [w for w in report.warnings if "variants a day" in w.message]


def test_a_development_store_is_told_its_order_rate(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    source = MemoryCart(
        [
            Order(id=f"o{n}", number=f"#{n}", lines=[OrderLine(name="x", quantity=1, price="1")])
            for n in range(3)
        ]
    )
    target = make_cart(sim, clock, development_store=True)
    report = SyncEngine(source, target, clock=clock.now).full_migrate()
    assert any("5 orders a minute" in w.message for w in report.warnings if w.entity == "order")
    plain = make_cart(sim, clock)
    assert not plain.write_notes(Order)[1:]
