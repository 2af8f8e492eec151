"""A state belongs to its stores: reused elsewhere, or with a target that lost
what it says, it is refused with a clear error, never reported as ``[ok]``."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartmigrate import (
    ConfirmationRequired,
    MemoryCart,
    MemoryStateStore,
    Product,
    SQLiteStateStore,
    StateMismatch,
    SyncEngine,
)
from cartmigrate.engine._binding import SAMPLE

from .test_engine import demo_store


def _migrated(path: Path) -> MemoryCart:
    source = MemoryCart(demo_store(), name="old-shop")
    with SQLiteStateStore(path) as state:
        assert SyncEngine(source, MemoryCart(name="new-shop"), state=state).full_migrate().ok
    return source


def test_a_stale_state_with_an_empty_target_is_refused_and_says_what_to_do(
    tmp_path: Path,
) -> None:
    source = _migrated(tmp_path / "m.db")
    empty = MemoryCart(name="new-shop")  # same store, emptied since
    with SQLiteStateStore(tmp_path / "m.db") as state:
        for call in ("full_migrate", "smart_update"):
            engine = SyncEngine(source, empty, state=state)
            with pytest.raises(StateMismatch) as caught:
                getattr(engine, call)()
            assert "remigrate" in str(caught.value)
            assert "no longer holds" in str(caught.value)
            with pytest.raises(StateMismatch):
                getattr(engine, call)(dry_run=True)
        assert empty.list(Product) == []  # refused before any write
        report = SyncEngine(source, empty, state=state).remigrate(confirm=True)
        assert report.ok, report
        assert len(empty.list(Product)) == 2


def test_a_state_of_other_stores_is_refused_until_rebound(tmp_path: Path) -> None:
    _migrated(tmp_path / "m.db")
    with SQLiteStateStore(tmp_path / "m.db") as state:
        elsewhere = SyncEngine(
            MemoryCart(demo_store(), name="another-shop"), MemoryCart(), state=state
        )
        with pytest.raises(StateMismatch) as caught:
            elsewhere.full_migrate()
        assert "'old-shop'" in str(caught.value) and "rebind" in str(caught.value)
        with pytest.raises(StateMismatch):
            elsewhere.remigrate(confirm=True)  # would delete ids of another store
        with pytest.raises(ConfirmationRequired):
            elsewhere.rebind()
        with pytest.raises(StateMismatch):
            elsewhere.smart_update()


def test_rebind_makes_the_state_belong_to_a_store_at_a_new_address(tmp_path: Path) -> None:
    source = _migrated(tmp_path / "m.db")
    with SQLiteStateStore(tmp_path / "m.db") as state:
        target = MemoryCart(name="new-shop")
        SyncEngine(source, target, state=state).remigrate(confirm=True)
        moved = MemoryCart(name="new-shop-new-domain")
        for entity in target.list(Product):  # pretend it is the same store, moved
            moved.add(entity)
        engine = SyncEngine(source, moved, state=state)
        with pytest.raises(StateMismatch):
            engine.smart_update(entities=[Product])
        engine.rebind(confirm=True)
        assert engine.smart_update(entities=[Product]).ok
    with SQLiteStateStore(tmp_path / "m.db") as state:
        assert state.get_meta("binding.target") == "new-shop-new-domain"


def test_a_target_count_below_the_id_map_is_never_ok() -> None:
    source = MemoryCart(demo_store(), name="old-shop")
    target = MemoryCart(name="new-shop")
    state = MemoryStateStore()
    SyncEngine(source, target, state=state).full_migrate()
    target.remove(Product, target.list(Product)[0].id or "")  # one of two lost
    report = SyncEngine(source, target, state=state).full_migrate()
    product = report.reconciliation["product"]
    assert (product.migrated, product.target) == (2, 1)
    assert not product.ok and not report.ok
    line = next(x for x in str(report).splitlines() if x.startswith("product "))
    assert line.split()[-3:] == ["TARGET", "HAS", "FEWER"]
    assert line.split()[-6:-3] == ["2", "2", "1"]  # on source, migrated, on target
    assert str(report).splitlines()[0].endswith("NOT OK") or "NOT OK" in str(report)


def test_a_state_store_without_metadata_still_has_its_target_confirmed() -> None:
    class NoMeta(MemoryStateStore):
        def get_meta(self, key: str) -> str | None:
            raise NotImplementedError

        def set_meta(self, key: str, value: str) -> None:
            raise NotImplementedError

    source, state = MemoryCart(demo_store()), NoMeta()
    first = SyncEngine(source, MemoryCart(), state=state).full_migrate()
    assert any("keeps no metadata" in w.message for w in first.warnings)
    with pytest.raises(StateMismatch):
        SyncEngine(source, MemoryCart(), state=state).smart_update()


def test_a_store_identity_never_holds_credentials() -> None:
    from cartmigrate.connectors.woocommerce import WooCommerceCart
    from cartmigrate.testing.woocommerce import WooCommerceSimulator

    sim = WooCommerceSimulator()
    cart = WooCommerceCart(
        "https://admin:hunter2@shop.example/?consumer_key=ck_leak",
        "ck_simulator",
        "cs_simulator",
        transport=sim.transport,
    )
    assert cart.store_identity == "woocommerce:https://shop.example"


def test_a_few_entities_deleted_by_hand_on_the_target_are_no_stale_state(
    tmp_path: Path,
) -> None:
    # The sample asks for the first migrated ids: if those few were deleted on
    # the target by hand, the target still holds the rest. Refusing every later
    # call (and advising remigrate) would be wrong; each is reported instead.
    products = [Product(id=f"p{n:02}", name=f"P{n}", sku=f"SKU{n}") for n in range(20)]
    source, target = MemoryCart(products), MemoryCart()
    with SQLiteStateStore(tmp_path / "m.db") as state:
        assert SyncEngine(source, target, state=state).full_migrate().ok
        synced = [r.target_id or "" for r in state.records("product", status="synced")]
        for target_id in synced[:SAMPLE]:  # every id the sample asks for
            target.remove(Product, target_id)
        report = SyncEngine(source, target, state=state).smart_update(verify=True)
        gone = [w.source_id for w in report.warnings if "deleted on the target" in w.message]
        assert len(gone) == SAMPLE
        for target_id in [r.target_id or "" for r in state.records("product")]:
            if target.get(Product, target_id) is not None:
                target.remove(Product, target_id)  # now the whole type is gone
        with pytest.raises(StateMismatch):
            SyncEngine(source, target, state=state).smart_update()


def test_a_shop_named_in_another_case_is_the_same_store() -> None:
    from cartmigrate.connectors.shopify import ShopifyCart

    # Shop domains are case-insensitive: a state bound with one spelling must
    # not be refused (StateMismatch) the night the other is used.
    spellings = ["MyStore", "mystore.myshopify.com", "https://MyStore.myshopify.com/"]
    identities = {ShopifyCart(shop, "shpat_x").store_identity for shop in spellings}
    assert identities == {"shopify:mystore.myshopify.com"}


def test_a_wiped_type_on_a_target_that_held_products_before_is_still_stale() -> None:
    # The target's count cannot tell: it also counts what was there before.
    before = [Product(id=f"t{n}", name=f"Theirs {n}", sku=f"T{n}") for n in range(30)]
    target = MemoryCart(before)
    source = MemoryCart([Product(id=f"p{n:02}", name=f"P{n}", sku=f"S{n}") for n in range(12)])
    state = MemoryStateStore()
    assert SyncEngine(source, target, state=state).full_migrate().ok
    for record in state.records("product"):
        target.remove(Product, record.target_id or "")
    with pytest.raises(StateMismatch):
        SyncEngine(source, target, state=state).smart_update()
