"""Orders written to PrestaShop, offline: no stock moved, no e-mail, nothing twice."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import attrs
import httpx
import pytest

from cartmigrate import MemoryCart, MemoryStateStore, SyncEngine
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.models import (
    Entity,
    Order,
    OrderLine,
    Product,
    Shipment,
    ShipmentLine,
    StatusChange,
)
from cartmigrate.testing import generate_store
from cartmigrate.testing.prestashop import PrestaShopSimulator

from .conftest import utc

MakeCart = Callable[..., PrestaShopCart]


def store(seed: int = 5, orders: int = 6) -> list[Entity]:
    """A generated store whose orders PrestaShop can hold line for line (USD,
    one line per item) and carry a tracking number."""
    entities = generate_store(
        seed=seed, products=5, customers=4, orders=orders, categories=3, reviews=0
    )
    fixed: list[Entity] = []
    for entity in entities:
        if isinstance(entity, Order):
            lines: dict[tuple[str | None, str | None], OrderLine] = {}
            for line in entity.lines:
                lines.setdefault((line.product_id, line.variant_id), line)
            entity = attrs.evolve(
                entity,
                currency="USD",
                lines=list(lines.values()),
                subtotal=sum(line.price * line.quantity for line in lines.values()),
                total=sum(line.price * line.quantity for line in lines.values())
                + (entity.shipping_total or 0),
                shipments=[Shipment(carrier="My carrier", tracking_number=f"TRK{entity.id}")],
            )
        fixed.append(entity)
    return fixed


def stock(sim: PrestaShopSimulator) -> dict[int, str]:
    return {i: r["quantity"] for i, r in sim.shop.tables["stock_availables"].items()}


def test_orders_migrate_whole_without_stock_moving_or_e_mails(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    source = MemoryCart(store())
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    assert report.summary()["order"]["created"] == 6
    # The simulated carrier costs 7.00, the source charged 4.90: said per order.
    measured = [w for w in report.warnings if "PrestaShop computed shipping" in w.message]
    assert sorted(m.message.split(": ")[1] for m in measured) == sorted(
        f"order {o.number}" for o in source.list(Order)
    )
    # Each names the order's source id and the field, not only its number.
    assert sorted((m.entity, m.source_id, m.field) for m in measured) == sorted(
        ("order", o.id, "shipping_total") for o in source.list(Order)
    )
    assert sim.mails == []
    assert sim.shop.tables["order_states"][8]["send_email"] == "1"  # switched back on
    migrated = {o.number: o for o in cart.read(Order)}
    for order in source.list(Order):
        got = migrated[order.number]
        assert got.status == order.status
        assert [(c.status, c.at) for c in got.status_history] == [
            (c.status, c.at) for c in order.status_history
        ]
        assert (got.subtotal, got.shipping_total, got.total) == (
            order.subtotal,
            order.shipping_total,
            order.total,
        )
        # In PrestaShop's order (by product and combination id).
        assert sorted((line.name, line.quantity, line.price) for line in got.lines) == sorted(
            (line.name, line.quantity, line.price) for line in order.lines
        )
        ids = [(int(str(line.product_id)), int(line.variant_id or 0)) for line in got.lines]
        assert ids == sorted(ids)
        assert got.created_at == order.created_at
        assert [s.tracking_number for s in got.shipments] == [f"TRK{order.id}"]
        assert got.email == order.email
    # The quantities are the source's: no order took any.
    for product in source.list(Product):
        found = cart.find(Product, str(product.sku))
        assert found is not None
        assert [v.quantity for v in found.variants] == [v.quantity for v in product.variants]
    # The cart-bound prices are gone, the orders are finished.
    assert not [s for s in sim.shop.tables["specific_prices"].values() if s["id_cart"] != "0"]
    assert all(not o["gift_message"] for o in sim.shop.tables["orders"].values())
    report = engine.smart_update()
    assert all(v["updated"] == 0 and v["created"] == 0 for v in report.summary().values())


def test_a_cancel_on_the_source_does_not_put_stock_back_twice(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    source = MemoryCart(store())
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    engine.full_migrate()
    live = next(o for o in source.list(Order) if o.status in ("processing", "completed"))
    # The old shop cancels it and puts its stock back, as a shop does.
    when = utc(2030, 1, 1, 12)
    source.add(
        attrs.evolve(
            live,
            status="cancelled",
            status_history=[*live.status_history, StatusChange(status="cancelled", at=when)],
        )
    )
    for line in live.lines:
        product = next(p for p in source.list(Product) if p.id == line.product_id)
        source.add(
            attrs.evolve(
                product,
                variants=[
                    attrs.evolve(v, quantity=(v.quantity or 0) + line.quantity)
                    if v.id == line.variant_id
                    else v
                    for v in product.variants
                ],
            )
        )
    report = engine.smart_update()
    assert report.failures == []
    assert report.summary()["order"]["updated"] == 1
    got = cart.find(Order, live.number)
    assert got is not None and got.status == "cancelled"
    assert got.status_history[-1].at == when
    for product in source.list(Product):
        found = cart.find(Product, str(product.sku))
        assert found is not None
        assert [v.quantity for v in found.variants] == [v.quantity for v in product.variants]
    assert sim.mails == []
    report = engine.smart_update()
    assert all(v["updated"] == 0 and v["created"] == 0 for v in report.summary().values())


@pytest.mark.parametrize(
    ("method", "resource", "after"),
    [
        ("POST", "carts", 0),
        ("POST", "specific_prices", 0),
        ("POST", "orders", 0),
        ("PATCH", "orders", 0),
        ("POST", "order_histories", 0),
        ("PATCH", "order_histories", 1),
        ("PATCH", "orders", 1),
    ],
)
def test_a_lost_answer_anywhere_makes_one_order(
    sim: PrestaShopSimulator, cart: PrestaShopCart, method: str, resource: str, after: int
) -> None:
    source = MemoryCart(store(orders=2))
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    sim.fail_next(method, resource, timeout=True, after=after)
    engine.full_migrate()
    assert sim._faults == [], "the lost answer happened"
    engine.full_migrate()  # what the first left unknown or half-made is settled
    numbers = Counter(
        str(o["note"]).rsplit("source order ", 1)[-1].split(",")[0]
        for o in sim.shop.tables["orders"].values()
        if o["id"] > 2
    )
    assert sorted(numbers) == sorted(o.number for o in source.list(Order))
    assert set(numbers.values()) == {1}
    assert all(not o["gift_message"] for o in sim.shop.tables["orders"].values())
    assert sim.mails == []
    for product in source.list(Product):
        found = cart.find(Product, str(product.sku))
        assert found is not None
        assert [v.quantity for v in found.variants] == [v.quantity for v in product.variants]


def test_an_e_mail_left_off_by_a_dead_process_is_switched_back_on(
    sim: PrestaShopSimulator, make_cart: MakeCart, tmp_path: Path
) -> None:
    records = tmp_path / "records"
    first = make_cart(sim, mail_record_dir=records)
    sim.fail_next("POST", "orders", timeout=True)
    # A process dies with state 8's e-mail off: a child that switches it off
    # and is killed before switching it back.
    sim.shop.tables["order_states"][8]["send_email"] = "0"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    name = next(iter(first._mails._record.path.parent.glob("*")), None)  # none yet
    assert name is None
    prefix = first._mails._record.path.name.rsplit("-", 2)[0]
    records.mkdir(parents=True, exist_ok=True)
    (records / f"{prefix}-{pid}-0.json").write_text(json.dumps({"pid": pid, "states": ["8"]}))
    second = make_cart(sim, mail_record_dir=records)
    second.check_access()
    assert sim.shop.tables["order_states"][8]["send_email"] == "1"
    assert "switched back on" in " ".join(second.write_notes(Order))
    assert list(records.glob("*.json")) == []
    assert os.getpid() != pid


def test_e_mails_stay_on_when_the_shop_had_them_off(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    sim.shop.tables["order_states"][8]["send_email"] = "0"
    SyncEngine(MemoryCart(store(orders=1)), cart, state=MemoryStateStore()).full_migrate()
    assert sim.shop.tables["order_states"][8]["send_email"] == "0"
    assert not sim.requests_to("PATCH", "order_states")


def test_a_status_no_state_stands_for_fails_that_order_alone(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    entities = store(orders=2)
    orders = [e for e in entities if isinstance(e, Order)]
    odd = attrs.evolve(orders[0], status="awaiting-the-moon", status_history=[])
    source = MemoryCart([*[e for e in entities if e is not orders[0]], odd])
    report = SyncEngine(source, cart, state=MemoryStateStore()).full_migrate()
    assert [(f.source_id, f.field) for f in report.failures] == [(odd.id, "status")]
    assert report.summary()["order"]["created"] == 1


def test_a_deleted_order_leaves_no_lines_carriers_or_history_behind(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    source = MemoryCart(store(orders=1))
    SyncEngine(source, cart, state=MemoryStateStore()).full_migrate()
    order = cart.find(Order, source.list(Order)[0].number)
    assert order is not None and order.id is not None
    assert [r for r in sim.shop.tables["order_histories"].values() if r["id_order"] == order.id]
    cart.delete(Order, order.id)
    assert cart.get(Order, order.id) is None
    for table in ("order_histories", "order_carriers"):
        assert not [r for r in sim.shop.tables[table].values() if r["id_order"] == order.id]


def test_an_order_to_a_country_the_shop_does_not_deliver_to_fails_alone(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    entities = store(orders=2)
    orders = [e for e in entities if isinstance(e, Order)]
    countries = {str(o.shipping_address.country) for o in orders if o.shipping_address}
    off = str(orders[0].shipping_address.country if orders[0].shipping_address else "")
    for row in sim.shop.tables["countries"].values():
        if row["iso_code"] == off:
            row["active"] = "0"
    report = SyncEngine(MemoryCart(entities), cart, state=MemoryStateStore()).full_migrate()
    failed = [(f.source_id, f.field) for f in report.failures]
    assert (orders[0].id, "shipping_address") in failed
    assert len(failed) == (2 if countries == {off} else 1)
    assert sim.mails == []


def test_guest_orders_side_by_side_share_one_guest_account(
    sim: PrestaShopSimulator, make_cart: MakeCart
) -> None:
    entities = store(orders=6)
    guest = "same.guest@example.com"
    fixed = [
        attrs.evolve(e, customer_id=None, email=guest) if isinstance(e, Order) else e
        for e in entities
    ]
    # Two look-ups of the guest's e-mail meet here before either goes on: without
    # one plan at a time, both would find no account and both make one.
    meet = threading.Barrier(2, timeout=1)

    def handle(request: httpx.Request) -> httpx.Response:
        looks_up = request.method == "GET" and request.url.path.endswith("/customers")
        if looks_up and request.url.params.get("filter[email]") == f"[{guest}]":
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait()
        return sim.handle(request)

    cart = make_cart(sim, max_concurrency=4, transport=httpx.MockTransport(handle))
    report = SyncEngine(MemoryCart(fixed), cart, state=MemoryStateStore()).full_migrate()
    assert report.failures == []
    accounts = [c for c in sim.shop.tables["customers"].values() if c["email"] == guest]
    assert len(accounts) == 1 and accounts[0]["is_guest"] == "1"


def test_an_order_waits_for_its_customer_rather_than_becoming_a_guests(
    sim: PrestaShopSimulator, make_cart: MakeCart
) -> None:
    entities = store(orders=4)
    source = MemoryCart(entities)
    owned = [o for o in source.list(Order) if o.customer_id]
    assert owned
    # Every customer create times out before the shop made it: unknown, for now.
    cart = make_cart(sim, max_concurrency=1)
    for _ in range(len([e for e in entities if e.kind == "customer"])):
        sim.fail_next("POST", "customers", timeout=True, applied=False)
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    engine.full_migrate()
    # No order was made as a guest's in the meantime.
    assert not [
        c
        for c in sim.shop.tables["customers"].values()
        if c["is_guest"] == "1" and c["email"] in {o.email for o in owned}
    ]
    engine.full_migrate()
    for order in owned:
        found = cart.find(Order, order.number)
        assert found is not None and found.customer_id is not None
        customer = sim.shop.tables["customers"][int(found.customer_id)]
        assert customer["is_guest"] == "0" and customer["email"] == order.email


def test_an_order_without_history_gets_its_state_since_it_was_placed(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    entities = store(orders=1)
    (order,) = [e for e in entities if isinstance(e, Order)]
    bare = attrs.evolve(order, status_history=[])
    source = MemoryCart([*[e for e in entities if e is not order], bare])
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    assert engine.full_migrate().failures == []
    found = cart.find(Order, order.number)
    assert found is not None and found.id is not None
    assert [(c.status, c.at) for c in found.status_history] == [(order.status, order.created_at)]
    rows = [r for r in sim.shop.tables["order_histories"].values() if r["id_order"] == found.id]
    assert len(rows) == 1
    report = engine.smart_update()
    assert all(v["updated"] == 0 and v["created"] == 0 for v in report.summary().values())


def test_what_an_order_carrier_cannot_hold_is_reported_per_order(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    # An order carrier keeps a carrier and a tracking number; a history entry
    # has no comment. Each of the rest is a warning naming the order and field.
    entities = store(orders=2)
    orders = [e for e in entities if isinstance(e, Order)]
    rich, plain = orders[0], orders[1]
    line = rich.lines[0]
    rich_shipments = [
        Shipment(
            carrier="My carrier",
            tracking_number="TRK-RICH",
            tracking_url="https://track.example/TRK-RICH",
            shipped_at=utc(2024, 1, 2),
            lines=[ShipmentLine(sku=line.sku, quantity=line.quantity)],
        ),
        Shipment(carrier="My carrier"),
    ]
    history = [
        StatusChange(status=c.status, at=c.at, comment="paid by wire, ref 42")
        for c in rich.status_history[:1]
    ] + list(rich.status_history[1:])
    entities = [
        attrs.evolve(e, shipments=rich_shipments, status_history=history) if e is rich else e
        for e in entities
    ]
    engine = SyncEngine(MemoryCart(entities), cart, state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    named = {(w.source_id, w.field): w.message for w in report.warnings if w.entity == "order"}
    shipments = named[(rich.id, "shipments")]
    assert "1 without a tracking number" in shipments
    assert "date, lines, tracking URL not carried" in shipments
    assert "1 comment(s) not carried" in named[(rich.id, "status_history")]
    assert (plain.id, "shipments") not in named and (plain.id, "status_history") not in named
    again = engine.smart_update(verify=True)
    assert again.failures == [] and again.total("updated") == 0
