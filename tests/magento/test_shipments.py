"""Shipments written as Magento shipment documents, with no stock moved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from cartmigrate import DuplicateEntity, EntityRejected, Order, OrderLine, Shipment, ShipmentLine
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.connectors.magento._orders import SHIPMENT_MARK
from cartmigrate.testing.magento import MagentoSimulator

_PLACED = dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC)
_SHIPPED = dt.datetime(2024, 3, 2, 9, 30, tzinfo=dt.UTC)
_SKUS = ("RM-SIMPLE-1", "RM-CONF-1-BLUE")


def _shipment(number: str = "1Z1", **changes: Any) -> Shipment:
    values: dict[str, Any] = {
        "carrier": "UPS",
        "tracking_number": number,
        "shipped_at": _SHIPPED,
        "lines": [ShipmentLine(sku="RM-SIMPLE-1", quantity=2), ShipmentLine(sku=_SKUS[1])],
    }
    values.update(changes)
    return Shipment(**values)


def _order(*shipments: Shipment, number: str = "H-1") -> Order:
    """Seeded products: RM-SIMPLE-1 (1) and the configurable RM-CONF-1 (5), blue child 4."""
    return Order(
        number=number,
        email="buyer@example.com",
        status="completed",
        currency="USD",
        lines=[
            OrderLine(product_id="1", sku="RM-SIMPLE-1", name="Simple", quantity=2, price="10"),
            OrderLine(
                product_id="5", variant_id="4", sku=_SKUS[1], name="Blue", quantity=1, price="30"
            ),
        ],
        shipments=shipments,
        created_at=_PLACED,
    )


def _levels(sim: MagentoSimulator) -> dict[str, tuple[float, float]]:
    """Source quantity and open reservations of the two SKUs the orders sell."""
    store = sim.store
    return {s: (store.stock[s]["quantity"], store.reservations.get(s, 0)) for s in _SKUS}


def _linked(sim: MagentoSimulator, order_id: str) -> list[tuple[Any, Any]]:
    items = sim.store.orders[int(order_id)]["items"]
    return [(i.get("product_id"), i.get("additional_data")) for i in items]


def test_a_shipment_is_a_document_and_moves_no_stock(sim: MagentoSimulator, make_cart: Any) -> None:
    cart: MagentoCart = make_cart(sim)
    before = _levels(sim)
    created = cart.create(_order(_shipment()))
    assert _levels(sim) == before  # no deduction, no reservation
    [document] = [s for s in sim.store.shipments.values() if s["order_id"] == int(created.id)]
    assert document["created_at"] == "2024-03-02 09:30:00"  # the shipment's own date
    assert [(t["track_number"], t["title"], t["carrier_code"]) for t in document["tracks"]] == [
        ("1Z1", "UPS", "ups")
    ]
    assert _linked(sim, created.id) == [(1, None), (5, None), (4, None)]  # linked again
    back = cart.get(Order, created.id)
    assert back is not None
    assert back.shipments == (_shipment(),)
    assert [(ln.product_id, ln.variant_id) for ln in back.lines] == [("1", None), ("5", "4")]
    comments = sim.store.orders[int(created.id)]["status_histories"]
    assert not [c for c in comments if str(c.get("comment")).startswith(SHIPMENT_MARK)]


def test_a_new_shipment_on_a_recorded_order_moves_no_stock(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    cart: MagentoCart = make_cart(sim)
    created = cart.create(_order())
    before = _levels(sim)
    cart.update(Order, created.id, {"shipments": (_shipment("JD1"),)})
    assert _levels(sim) == before
    assert _linked(sim, created.id) == [(1, None), (5, None), (4, None)]
    back = cart.get(Order, created.id)
    assert back is not None and back.shipments == (_shipment("JD1"),)


def test_what_a_document_cannot_hold_stays_a_comment(sim: MagentoSimulator, make_cart: Any) -> None:
    cart: MagentoCart = make_cart(sim)
    with_url = _shipment(tracking_url="https://track.example/1Z1")
    created = cart.create(_order(with_url, _shipment("1Z2", lines=())))
    assert not [s for s in sim.store.shipments.values() if s["order_id"] == int(created.id)]
    back = cart.get(Order, created.id)
    assert back is not None and back.shipments == (with_url, _shipment("1Z2", lines=()))


def test_a_lost_answer_to_a_shipment_is_looked_up(sim: MagentoSimulator, make_cart: Any) -> None:
    cart: MagentoCart = make_cart(sim)
    before = _levels(sim)
    sim.lose_answers(2)  # the order's first save, then its shipment: lost
    created = cart.create(_order(_shipment()))
    documents = [s for s in sim.store.shipments.values() if s["order_id"] == int(created.id)]
    assert len(documents) == 1 and _levels(sim) == before


class _Killed(BaseException):
    """A killed process: nothing catches it."""


class _KillAfterShipment(httpx.BaseTransport):
    """Carries out the first shipment save, then the run dies before its answer."""

    def __init__(self, sim: MagentoSimulator) -> None:
        self._inner = sim.transport
        self.killed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if not self.killed and request.method == "POST" and request.url.path.endswith("/shipment"):
            self.killed = True
            raise _Killed
        return response


def test_a_run_killed_between_the_steps_is_finished_by_the_next(sim: MagentoSimulator) -> None:
    before = _levels(sim)
    dying = MagentoCart(sim.url, sim.token, transport=_KillAfterShipment(sim))
    with pytest.raises(_Killed):
        dying.create(_order(_shipment()))
    dying.close()
    [order_id] = [str(k) for k, o in sim.store.orders.items() if o["increment_id"] == "H-1"]
    assert all(product is None for product, _ in _linked(sim, order_id))  # left unlinked
    with MagentoCart(sim.url, sim.token, transport=sim.transport) as cart:
        with pytest.raises(DuplicateEntity) as caught:
            cart.create(_order(_shipment()))
        assert caught.value.existing_id == order_id  # the engine adopts it, finished
        back = cart.get(Order, order_id)
    assert back is not None and back.shipments == (_shipment(),)
    assert [(ln.product_id, ln.variant_id) for ln in back.lines] == [("1", None), ("5", "4")]
    assert len([s for s in sim.store.shipments.values() if s["order_id"] == int(order_id)]) == 1
    assert _levels(sim) == before


def test_a_sku_sold_on_two_lines_ships_as_two_items(sim: MagentoSimulator, make_cart: Any) -> None:
    cart: MagentoCart = make_cart(sim)
    order = _order()
    order = Order(
        number="H-2",
        lines=[
            *order.lines,
            OrderLine(product_id="1", sku="RM-SIMPLE-1", name="Simple", quantity=3, price="9"),
        ],
        shipments=[_shipment(lines=[ShipmentLine(sku="RM-SIMPLE-1", quantity=q) for q in (2, 3)])],
    )
    created = cart.create(order)
    back = cart.get(Order, created.id)
    assert back is not None and back.shipments == order.shipments  # not one line of 5


def test_an_update_killed_between_the_steps_is_finished_by_the_next(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    cart: MagentoCart = make_cart(sim)
    created = cart.create(_order())
    before = _levels(sim)
    dying = MagentoCart(sim.url, sim.token, transport=_KillAfterShipment(sim))
    with pytest.raises(_Killed):
        dying.update(Order, created.id, {"shipments": (_shipment(),)})
    dying.close()
    assert all(product is None for product, _ in _linked(sim, created.id)[:2])
    cart.update(Order, created.id, {"shipments": (_shipment(),)})  # the engine's retry
    assert _linked(sim, created.id) == [(1, None), (5, None), (4, None)]
    assert len([s for s in sim.store.shipments.values() if s["order_id"] == int(created.id)]) == 1
    back = cart.get(Order, created.id)
    assert back is not None and back.shipments == (_shipment(),)
    assert _levels(sim) == before


def test_two_shipments_sharing_a_tracking_number_are_both_kept(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    # Documents are told apart by their numbers: two sharing one stay order
    # comments, which keep everything (the second used to be dropped).
    cart: MagentoCart = make_cart(sim)
    first = _shipment(lines=[ShipmentLine(sku="RM-SIMPLE-1", quantity=2)])
    second = _shipment(
        shipped_at=_SHIPPED + dt.timedelta(days=1), lines=[ShipmentLine(sku=_SKUS[1])]
    )
    created = cart.create(_order(first, second))
    back = cart.get(Order, created.id)
    assert back is not None and back.shipments == (first, second)
    assert not [s for s in sim.store.shipments.values() if s["order_id"] == int(created.id)]


def test_a_changed_recorded_shipment_fails_naming_shipments_and_the_rest_is_written(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    # It used to be skipped for its tracking number, and the update said nothing.
    cart: MagentoCart = make_cart(sim)
    created = cart.create(_order(_shipment()))
    with pytest.raises(EntityRejected, match="1Z1") as caught:
        cart.update(
            Order,
            created.id,
            {"status": "refunded", "shipments": (_shipment(carrier="DHL"), _shipment("1Z2"))},
        )
    assert caught.value.field == "shipments"
    back = cart.get(Order, created.id)
    assert back is not None and back.shipments == (_shipment(),)
    assert back.status == "refunded"


def test_a_later_shipment_only_a_comment_holds_reads_back_in_its_place(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    cart: MagentoCart = make_cart(sim)
    created = cart.create(_order(_shipment()))
    later = _shipment("1Z2", tracking_url="https://track.example/1Z2")
    cart.update(Order, created.id, {"shipments": (_shipment(), later)})
    back = cart.get(Order, created.id)
    assert back is not None and back.shipments == (_shipment(), later)


def test_a_new_shipment_sharing_a_recorded_number_is_kept_on_update(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    # It used to be skipped for its number, without a word.
    cart: MagentoCart = make_cart(sim)
    first = _shipment(lines=[ShipmentLine(sku="RM-SIMPLE-1", quantity=2)])
    created = cart.create(_order(first))
    second = _shipment(
        shipped_at=_SHIPPED + dt.timedelta(days=1), lines=[ShipmentLine(sku=_SKUS[1])]
    )
    cart.update(Order, created.id, {"shipments": (first, second)})
    back = cart.get(Order, created.id)
    assert back is not None and back.shipments == (first, second)
