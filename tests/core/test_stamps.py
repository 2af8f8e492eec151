"""How a smart update decides "unchanged" from a record's stamp (issue #14).

A digest of the selected fields decides; the whole entity's digest only
where no selected part matches. These tests pin what that must never cost:
a change the selection covers is always written, a change it does not cover
costs no target request, and states written by older versions still decide
without asking the target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from cartmigrate import (
    Customer,
    MemoryCart,
    Order,
    OrderStatus,
    Product,
    Shipment,
    SQLiteStateStore,
    StatusChange,
    StockStatus,
    SyncEngine,
    Variant,
)
from cartmigrate.engine._records import selected_digest
from cartmigrate.state import MemoryStateStore, StateStore, SyncRecord
from cartmigrate.testing import FakeClock

PRODUCT = ("quantity", "stock_status")
ORDER = ("status", "status_history", "shipments")
AT = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def _product() -> Product:
    return Product(
        id="p1",
        sku="TEE",
        name="Tee",
        price="10.00",
        quantity=5,
        variants=[
            Variant(id="v1", sku="TEE-S", quantity=2, price="10.00"),
            Variant(id="v2", sku="TEE-M", quantity=3),
        ],
    )


def _order() -> Order:
    return Order(
        id="o1",
        number="1001",
        status=OrderStatus.PROCESSING,
        status_history=[StatusChange(status=OrderStatus.PENDING, at=AT)],
        total="10.00",
    )


class CountingState(MemoryStateStore):
    """A memory state that counts the records written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.written = 0

    def put(self, records: Iterable[SyncRecord]) -> None:
        batch = list(records)
        self.written += len(batch)
        super().put(batch)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(tick=dt.timedelta(seconds=1))


def _engine(clock: FakeClock, state: StateStore | None = None) -> tuple[SyncEngine, MemoryCart]:
    source = MemoryCart(
        [_product(), _order(), Customer(id="u1", email="ann@example.com")],
        name="old",
        clock=clock.now,
    )
    target = MemoryCart(name="new", clock=clock.now)
    engine = SyncEngine(source, target, state=state, clock=clock.now)
    assert engine.full_migrate().ok
    return engine, source


# -- the digest of the selected fields ------------------------------------------
@pytest.mark.parametrize(
    "change",
    [
        {"quantity": 6},
        {"stock_status": StockStatus.OUT_OF_STOCK},
        {"variants": [Variant(id="v1", sku="TEE-S", quantity=9), Variant(id="v2", sku="TEE-M")]},
        {"variants": [Variant(id="v1", sku="TEE-S", quantity=2)]},  # a variant removed
    ],
)
def test_the_product_digest_sees_every_selected_field(change: dict[str, object]) -> None:
    product = _product()
    changed = attrs.evolve(product, **change)  # type: ignore[arg-type]
    assert selected_digest(changed, PRODUCT, PRODUCT) != selected_digest(product, PRODUCT, PRODUCT)


@pytest.mark.parametrize(
    "change",
    [
        {"status": OrderStatus.COMPLETED},
        {"status_history": [StatusChange(status=OrderStatus.PENDING, at=AT + dt.timedelta(1))]},
        {"status_history": [StatusChange(status=OrderStatus.PENDING, at=AT, comment="called")]},
        {"shipments": [Shipment(tracking_number="1Z9")]},
    ],
)
def test_the_order_digest_sees_every_selected_field(change: dict[str, object]) -> None:
    order = _order()
    changed = attrs.evolve(order, **change)  # type: ignore[arg-type]
    assert selected_digest(changed, ORDER, ()) != selected_digest(order, ORDER, ())


def test_the_digest_ignores_fields_not_selected() -> None:
    product = _product()
    renamed = attrs.evolve(product, name="Tee (new)", price=Decimal("12.50"))
    assert selected_digest(renamed, PRODUCT, PRODUCT) == selected_digest(product, PRODUCT, PRODUCT)
    # ... and depends on the selection, not on the order it is given in.
    assert selected_digest(product, PRODUCT, PRODUCT) == selected_digest(
        product, PRODUCT[::-1], PRODUCT
    )
    assert selected_digest(product, ("name",), ()) != selected_digest(renamed, ("name",), ())


# -- what a smart update asks the target ------------------------------------------
def test_a_change_outside_the_selection_costs_no_target_request(clock: FakeClock) -> None:
    engine, source = _engine(clock)
    target = engine.target
    assert isinstance(target, MemoryCart)
    clock.advance(dt.timedelta(hours=1))
    source.add(attrs.evolve(_product(), name="Tee (renamed)", description="new text"))
    before = target.calls.copy()
    report = engine.smart_update()
    assert report.ok
    assert target.calls["get"] == before["get"]  # decided from the stamp
    assert report.summary()["product"]["unchanged"] == 1


def test_a_change_inside_the_selection_is_written(clock: FakeClock) -> None:
    engine, source = _engine(clock)
    clock.advance(dt.timedelta(hours=1))
    product = _product()
    source.add(attrs.evolve(product, variants=[attrs.evolve(product.variants[0], quantity=0)]))
    report = engine.smart_update()
    assert report.summary()["variant"]["updated"] == 1
    target = engine.target
    assert isinstance(target, MemoryCart)
    (on_target,) = target.list(Product)
    assert isinstance(on_target, Product)
    assert sorted(v.quantity or 0 for v in on_target.variants) == [0, 3]
    # Stamped for the selection compared: the next call asks nothing.
    before = target.calls.copy()
    clock.advance(dt.timedelta(hours=1))
    assert engine.smart_update(verify=False).total("updated") == 0
    assert target.calls["get"] == before["get"]


def test_a_change_inside_the_selection_takes_no_whole_digest(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record holds this selection's part, of other content: changed,
    decided without the whole entity's digest (the costly one), and written."""
    import cartmigrate.engine._records as records

    engine, source = _engine(clock)
    clock.advance(dt.timedelta(hours=1))
    product = _product()
    source.add(attrs.evolve(product, variants=[attrs.evolve(product.variants[0], quantity=0)]))
    source.add(attrs.evolve(_order(), status=OrderStatus.COMPLETED))
    taken: list[object] = []
    whole = records.fingerprint

    def counted(value: object) -> str:
        taken.append(value)
        return whole(value)

    monkeypatch.setattr(records, "fingerprint", counted)
    product_record = engine.state.get("product", ["p1"])["p1"]
    order_record = engine.state.get("order", ["o1"])["o1"]
    decisions = [
        records.decide(product_record.fingerprint, source.get(Product, "p1"), PRODUCT, PRODUCT),
        records.decide(order_record.fingerprint, source.get(Order, "o1"), ORDER, ()),
    ]
    assert [d.in_step for d in decisions] == [False, False]
    assert taken == []
    report = engine.smart_update()
    assert report.summary()["variant"]["updated"] == 1
    assert report.summary()["order"]["updated"] == 1
    assert taken == []


def test_a_state_of_an_older_version_is_restamped_once(tmp_path: Path, clock: FakeClock) -> None:
    """Records stamped only with the whole entity's digest (as before the
    selected digest) decide without the target, and gain the selected part."""
    with SQLiteStateStore(tmp_path / "state.db") as state:
        engine, _ = _engine(clock, state)
        old = [
            attrs.evolve(r, fingerprint=r.fingerprint.split(";")[0])
            for kind in ("product", "order")
            for r in state.records(kind)
            if r.fingerprint is not None
        ]
        assert len(old) == 2 and all(";" not in (r.fingerprint or "") for r in old)
        state.put(old)
        target = engine.target
        assert isinstance(target, MemoryCart)
        before = target.calls.copy()
        clock.advance(dt.timedelta(hours=1))
        assert engine.smart_update(verify=False).total("updated") == 0
        assert target.calls["get"] == before["get"]
        stamps = [r.fingerprint or "" for k in ("product", "order") for r in state.records(k)]
        assert all("/*;" in stamp and "=" in stamp for stamp in stamps), stamps


def test_verify_writes_no_record_of_an_entity_in_step(clock: FakeClock) -> None:
    state = CountingState()
    engine, _ = _engine(clock, state)
    clock.advance(dt.timedelta(hours=1))
    # Migrated within the overlap: the first call after it gives the records
    # their change tokens (test_change_tokens.py); the next one writes nothing.
    assert engine.smart_update().total("updated") == 0
    state.written = 0
    report = engine.smart_update(verify=True)
    assert report.ok and report.total("updated") == 0
    assert state.written == 0


def test_verify_still_restores_a_field_edited_on_the_target(clock: FakeClock) -> None:
    engine, _ = _engine(clock)
    target = engine.target
    assert isinstance(target, MemoryCart)
    (on_target,) = target.list(Product)
    assert on_target.id is not None
    target.update(Product, on_target.id, {"quantity": 99})
    clock.advance(dt.timedelta(hours=1))
    assert engine.smart_update().total("updated") == 0  # the source did not change
    report = engine.smart_update(verify=True)
    assert report.summary()["product"]["updated"] == 1
    (restored,) = target.list(Product)
    assert isinstance(restored, Product) and restored.quantity == 5


# -- the state's light answers ----------------------------------------------------------
@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_stamps_and_source_ids_agree_with_whole_records(tmp_path: Path, store: str) -> None:
    state: StateStore = (
        MemoryStateStore() if store == "memory" else SQLiteStateStore(tmp_path / "s.db")
    )
    with state:
        state.put(
            [
                SyncRecord(kind="product", source_id="1", target_id="a", status="synced"),
                SyncRecord(kind="product", source_id="2", status="pending"),
                SyncRecord(
                    kind="product",
                    source_id="3",
                    target_id="c",
                    status="synced",
                    fingerprint="f/*",
                    dropped=("category_ids",),
                ),
                SyncRecord(kind="order", source_id="1", target_id="o", status="synced"),
            ]
        )
        assert state._stamps("product", ["1", "2", "3", "9"]) == {
            "1": ("synced", None, False),
            "2": ("pending", None, False),
            "3": ("synced", "f/*", True),
        }
        assert sorted(state._source_ids("product", status="synced")) == ["1", "3"]
        assert sorted(state._source_ids("product")) == ["1", "2", "3"]
        # Synced with every reference written: only "1" of these.
        assert state._clean_synced("product", ["1", "2", "3", "9"]) == 1
        assert state._clean_synced("product", ["1"]) == 1
        assert state._clean_synced("order", ["1", "2"]) == 1
        assert state._clean_synced("order", []) == 0
