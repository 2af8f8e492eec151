"""What the real WooCommerce 7.9 store revealed (issue #8), shown on the simulator
where it can show it (the real-store twins are in tests/realstore/woocommerce)."""

from __future__ import annotations

import decimal
from typing import Any

from cartmigrate import (
    EntityRejected,
    MappingRules,
    MemoryCart,
    MemoryStateStore,
    Order,
    Product,
    SyncEngine,
    WriteOutcomeUnknown,
)
from cartmigrate.connectors import ForwardingCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.connectors.woocommerce import _convert as wc
from cartmigrate.testing.woocommerce import WooCommerceSimulator


class _LostBeforeSending(ForwardingCart):
    """The first create of orders never reaches the store; its answer is unknown."""

    def __init__(self, inner: WooCommerceCart) -> None:
        super().__init__(inner)
        self.lost = False

    def create_many(self, entities: Any, *, source_refs: Any = None) -> list[Any]:
        if entities and isinstance(entities[0], Order) and not self.lost:
            self.lost = True
            return [WriteOutcomeUnknown("lost") for _ in entities]
        return self.inner.create_many(entities, source_refs=source_refs)


def test_a_lost_order_create_never_adopts_the_stores_own_order(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    own = sim.seed("orders", {"billing": {"email": "own@example.com"}})
    source = MemoryCart([Order(id="o1", number=str(own["number"]), email="src@example.com")])
    state = MemoryStateStore()
    SyncEngine(source, _LostBeforeSending(cart), state=state).full_migrate()
    report = SyncEngine(source, cart, state=state).full_migrate()
    assert report.summary()["order"]["created"] == 1
    assert state.get("order", ["o1"])["o1"].target_id != str(own["id"])
    assert len(sim.store.orders) == 2


def test_an_unregistered_status_is_refused_before_sending(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    [result] = cart.create_many([Order(number="1", email="a@example.com", status="shipped")])
    assert isinstance(result, EntityRejected) and result.field == "status"
    assert "'shipped'" in str(result) and "MappingRules(order_status=" in str(result)
    assert not sim.store.orders
    assert not sim.requests_to("POST", "wc/v3/orders")
    source = MemoryCart([Order(id="o1", number="1", email="a@example.com", status="shipped")])
    rules = MappingRules(order_status={"shipped": "completed"})
    assert SyncEngine(source, cart, rules=rules).full_migrate().summary()["order"]["created"] == 1


def test_the_simulators_batch_coerces_an_unknown_status_like_the_store(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    answer = cart._http.request(
        "POST", cart._route("orders/batch"), json={"create": [{"status": "bogus"}]}
    ).json()
    assert answer["create"][0]["status"] == "pending"


def test_a_custom_status_the_store_registered_is_sent(make_sim: Any, make_cart: Any) -> None:
    sim = make_sim(custom_statuses=("shipped",))
    cart = make_cart(sim)
    [result] = cart.create_many([Order(number="1", email="a@example.com", status="shipped")])
    assert not isinstance(result, Exception)
    assert sim.store.orders[int(result.id)]["status"] == "shipped"


def test_decimals_are_sent_in_fixed_point_form() -> None:
    product = Product(
        name="P", sku="P", price=decimal.Decimal("1E+2"), weight=decimal.Decimal("2.5E+1")
    )
    body = wc.product_to_wc(product)
    assert body["regular_price"] == "100"
    assert body["weight"] == "25"
    assert wc.money_text(decimal.Decimal("1.5E-3")) == "0.0015"
