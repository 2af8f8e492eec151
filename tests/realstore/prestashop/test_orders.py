"""Orders migrated into the real PrestaShop: kept in step, killed and resumed, migrated again.

What must hold each time, checked against the shop's own database: every
source order once (0 duplicates, 0 missing), the stock the source's (0 drift:
no order took any), no e-mail in the store's mail log, state 8's e-mail
switched back on, and 0 field mismatches on the fields the models cover.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from cartmigrate import MemoryCart, MemoryStateStore, SQLiteStateStore, StateStore, SyncEngine
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.models import (
    Address,
    Entity,
    Order,
    OrderLine,
    Product,
    Shipment,
    StatusChange,
    plain,
)
from cartmigrate.testing import generate_store

from .._stores import RealStore
from ._transports import Crash, LoseAnswers, RealTransport
from .conftest import API, Query

#: Order fields that differ by nature (ids of the target) or are the target's own.
_NOT_COMPARED = {"id", "extra", "customer_id", "updated_at", "lines"}


def _source(seed: int, orders: int = 4) -> MemoryCart:
    """A generated store whose orders PrestaShop can hold line for line (USD, one
    line per item, carriers it has)."""
    fixed: list[Entity] = []
    for entity in generate_store(
        seed=seed, products=4, customers=3, orders=orders, categories=2, manufacturers=1, reviews=0
    ):
        if isinstance(entity, Order):
            lines: dict[tuple[str | None, str | None], OrderLine] = {}
            for line in entity.lines:
                lines.setdefault((line.product_id, line.variant_id), line)
            subtotal = sum(line.price * line.quantity for line in lines.values())
            # The demo shop delivers to the United States only.
            address = attrs.evolve(entity.billing_address or Address(), country="US", region=None)
            entity = attrs.evolve(
                entity,
                billing_address=address,
                shipping_address=address,
                currency="USD",
                lines=list(lines.values()),
                subtotal=subtotal,
                total=subtotal + (entity.shipping_total or 0),
                shipments=[Shipment(carrier="My carrier", tracking_number=f"TRK-{entity.id}")],
                note=f"Leave at the door ({entity.id})",
            )
        fixed.append(entity)
    return MemoryCart(fixed)


def _numbers(shop_db: Query) -> Counter[str]:
    """Source numbers of the orders on the store (from the note cartmigrate writes)."""
    rows = shop_db("select note from ps_orders where note like '%cartmigrate: source order %'")
    return Counter(r[0].rsplit("source order ", 1)[1].split(",")[0] for r in rows)


def _stock(shop_db: Query) -> dict[str, int]:
    rows = shop_db(
        "select a.reference, s.quantity from ps_product_attribute a join ps_stock_available s"
        " on s.id_product_attribute = a.id_product_attribute where a.reference like 'SKU-%'"
    )
    return {reference: int(quantity) for reference, quantity in rows}


def _source_stock(source: MemoryCart) -> dict[str, int]:
    return {str(v.sku): v.quantity or 0 for p in source.list(Product) for v in p.variants}


def _state_8_sends(shop_db: Query) -> bool:
    return shop_db("select send_email from ps_order_state where id_order_state = 8") == [("1",)]


def _translated(order: Order, state: StateStore) -> Order:
    """The order with the target's product and combination ids, as the engine sends it."""
    products = {r.source_id: r.target_id for r in state.records("product")}
    variants = {r.source_id: r.target_id for r in state.records("variant")}
    lines = [
        attrs.evolve(
            line,
            product_id=products.get(str(line.product_id)),
            variant_id=variants.get(str(line.variant_id)) if line.variant_id else None,
        )
        for line in order.lines
    ]
    return attrs.evolve(order, lines=lines)


def _mismatches(source: MemoryCart, presta: PrestaShopCart, state: StateStore) -> Counter[str]:
    """Per field: how many migrated orders differ from their source (as the target
    stores them: lines in its order, history to the second)."""
    found: Counter[str] = Counter()
    on_target = {o.number: o for o in presta.read(Order)}
    for original in source.list(Order):
        order = presta.as_stored(_translated(original, state))
        copy = on_target.get(order.number)
        if copy is None:
            found["order.missing"] += 1
            continue
        for name in plain(order):
            if name not in _NOT_COMPARED and getattr(order, name) != getattr(copy, name):
                found[f"order.{name}"] += 1
        mine = [(line.sku, line.name, line.quantity, line.price) for line in order.lines]
        theirs = [(line.sku, line.name, line.quantity, line.price) for line in copy.lines]
        if mine != theirs:
            found["order.lines"] += 1
    return found


def test_orders_migrate_keep_in_step_and_migrate_again(
    real_prestashop: RealStore, make_presta: Callable[..., PrestaShopCart], shop_db: Query
) -> None:
    real_prestashop.reset()
    mails = real_prestashop.mails()
    source = _source(seed=31)
    presta = make_presta()
    state = MemoryStateStore()
    engine = SyncEngine(source, presta, state=state)

    report = engine.full_migrate()
    assert report.failures == []
    assert report.summary()["order"]["created"] == 4
    # "My carrier" costs 7.00 here, the source charged 4.90: measured, said per order.
    measured = [w for w in report.warnings if "PrestaShop computed shipping" in w.message]
    assert sorted((m.source_id, m.field) for m in measured) == sorted(
        (o.id, "shipping_total") for o in source.list(Order)
    ), [w.message for w in report.warnings]
    expected = Counter({o.number: 1 for o in source.list(Order)})
    assert _numbers(shop_db) == expected, "0 duplicates, 0 missing"
    assert _stock(shop_db) == _source_stock(source), "0 stock drift"
    assert _mismatches(source, presta, state) == Counter()
    assert real_prestashop.mails() == mails, "0 e-mails"
    assert _state_8_sends(shop_db)

    # The old shop cancels one order (putting its stock back) and ships another.
    orders = source.list(Order)
    cancelled = next(o for o in orders if o.status not in ("cancelled", "failed"))
    shipped = next(o for o in orders if o.id != cancelled.id and o.status != "cancelled")
    late = max(c.at for o in orders for c in o.status_history)
    source.add(
        attrs.evolve(
            cancelled,
            status="cancelled",
            status_history=[
                *cancelled.status_history,
                StatusChange(
                    status="cancelled", at=late.replace(microsecond=0) + dt.timedelta(hours=1)
                ),
            ],
        )
    )
    for line in cancelled.lines:
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
    source.add(
        attrs.evolve(
            shipped,
            status="completed",
            status_history=[
                *shipped.status_history,
                StatusChange(
                    status="completed", at=late.replace(microsecond=0) + dt.timedelta(hours=2)
                ),
            ],
            shipments=[*shipped.shipments, Shipment(carrier="My carrier", tracking_number="2ND")],
        )
    )
    report = engine.smart_update()
    assert report.failures == []
    assert report.summary()["order"]["updated"] == 2
    assert _stock(shop_db) == _source_stock(source), "the cancel put no stock back twice"
    assert _mismatches(source, presta, state) == Counter()
    report = engine.smart_update()
    for counts in report.summary().values():
        assert counts["created"] == 0 and counts["updated"] == 0, report.summary()

    report = engine.remigrate(confirm=True)
    assert report.failures == []
    assert _numbers(shop_db) == expected
    assert _stock(shop_db) == _source_stock(source)
    assert _mismatches(source, presta, state) == Counter()
    assert real_prestashop.mails() == mails, "0 e-mails"
    assert _state_8_sends(shop_db)


def test_orders_killed_mid_migration_then_resumed(
    real_prestashop: RealStore,
    make_presta: Callable[..., PrestaShopCart],
    shop_db: Query,
    tmp_path: Path,
) -> None:
    real_prestashop.reset()
    mails = real_prestashop.mails()
    source = _source(seed=32, orders=3)
    state_file = tmp_path / "migration.db"
    # Killed right after the store took: an order (born in state 8, nothing
    # else done), its first PATCH, a state change; then an answer lost.
    for plan in (
        {("POST", "orders"): {1: "crash"}},
        {("PATCH", "orders"): {1: "crash"}},
        {("POST", "order_histories"): {2: "crash"}},
        {("POST", "orders"): {1: "timeout"}},
    ):
        transport = RealTransport()
        losses = LoseAnswers(plan)
        transport.after = losses
        with SQLiteStateStore(state_file) as state:
            cart = make_presta(transport=transport, max_concurrency=1)
            engine = SyncEngine(source, cart, state=state)
            if "crash" in str(plan):
                with pytest.raises(Crash):
                    engine.full_migrate()
            else:
                engine.full_migrate()
        assert losses.lost, plan
    with SQLiteStateStore(state_file) as state:
        report = SyncEngine(source, make_presta(), state=state).full_migrate()
        assert report.failures == []
        again = SyncEngine(source, make_presta(), state=state).smart_update()
        for counts in again.summary().values():
            assert counts["created"] == 0 and counts["updated"] == 0, again.summary()
    assert _numbers(shop_db) == Counter({o.number: 1 for o in source.list(Order)})
    assert shop_db("select count(*) from ps_orders where gift_message like 'cartmigrate%'") == [
        ("0",)
    ], "every order finished"
    assert _stock(shop_db) == _source_stock(source), "0 stock drift"
    assert real_prestashop.mails() == mails, "0 e-mails"
    assert _state_8_sends(shop_db)


_KILLED_WHILE_MUTED = """
import os, signal, sys
from cartmigrate.connectors.prestashop import PrestaShopCart
cart = PrestaShopCart(sys.argv[1], sys.argv[2], mail_record_dir=sys.argv[3])
with cart._mails.off("8"):  # as around an order's birth
    os.kill(os.getpid(), signal.SIGKILL)  # no finally, no atexit: the e-mail stays off
"""


def test_an_e_mail_a_killed_process_left_off_is_switched_back_on(
    real_prestashop: RealStore,
    make_presta: Callable[..., PrestaShopCart],
    shop_db: Query,
    tmp_path: Path,
) -> None:
    real_prestashop.reset()
    records = tmp_path / "records"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            _KILLED_WHILE_MUTED,
            API,
            real_prestashop.credentials["PS_WS_KEY"],
            str(records),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not _state_8_sends(shop_db), "the killed process left the e-mail off"
    assert len(list(records.glob("*.json"))) == 1, "and its record"
    second = make_presta(mail_record_dir=records)
    second.check_access()  # the preflight of the next call
    assert _state_8_sends(shop_db)
    assert "switched back on" in " ".join(second.write_notes(Order))
    assert list(records.glob("*.json")) == []
