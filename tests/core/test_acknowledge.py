"""A deletion on the target the merchant meant: acknowledged, recorded in the
state, shown in reports, and no longer a NOT OK every night."""

from __future__ import annotations

import json

import attrs
import pytest

from cartmigrate import ConfigurationError, MemoryCart, MemoryStateStore, Product, SyncEngine

from .test_engine import demo_store


def _migrated() -> tuple[MemoryCart, MemoryCart, MemoryStateStore, str]:
    source = MemoryCart(demo_store(), name="old-shop")
    target = MemoryCart(name="new-shop")
    state = MemoryStateStore()
    SyncEngine(source, target, state=state).full_migrate()
    mug = state.get("product", ["p2"])["p2"].target_id
    assert mug is not None
    return source, target, state, mug


def test_a_deletion_on_the_target_stays_not_ok_until_acknowledged_then_reports_say_so() -> None:
    source, target, state, mug = _migrated()
    target.remove(Product, mug)  # the new shop's team deleted the mug on purpose
    engine = SyncEngine(source, target, state=state)
    assert not engine.smart_update().ok  # unacknowledged: a loss as far as anyone knows

    engine.acknowledge_deleted(Product, ["p2"], reason="not sold on the new shop")
    recorded = json.loads(state.get_meta("acknowledged.product") or "{}")
    assert recorded["p2"]["target_id"] == mug
    assert recorded["p2"]["reason"] == "not sold on the new shop"

    for verify in (False, True):  # every night after it, the weekly verify too
        report = engine.smart_update(verify=verify)
        assert report.ok, str(report)
        product = report.reconciliation["product"]
        assert (product.migrated, product.target, product.acknowledged) == (2, 1, 1)
        assert "1 deleted there by choice" in str(report)
        assert "1 deleted there by choice" in report._repr_html_()
        assert report.to_dict()["reconciliation"]["product"]["acknowledged"] == 1
        assert not any("deleted on the target" in w.message for w in report.warnings)
    assert not any(p.sku == "MUG" for p in target.list(Product))  # never recreated


def test_a_changed_source_entity_acknowledged_as_deleted_is_not_recreated_nor_warned() -> None:
    source, target, state, mug = _migrated()
    target.remove(Product, mug)
    engine = SyncEngine(source, target, state=state)
    engine.acknowledge_deleted(Product, ["p2"])
    on_old = source.get(Product, "p2")
    assert on_old is not None
    source.add(attrs.evolve(on_old, quantity=3))
    report = engine.smart_update()
    assert report.ok and not report.warnings, str(report)
    assert not any(p.sku == "MUG" for p in target.list(Product))


def test_only_a_migrated_entity_that_is_gone_can_be_acknowledged() -> None:
    source, target, state, _ = _migrated()
    engine = SyncEngine(source, target, state=state)
    with pytest.raises(ConfigurationError, match="still on the target"):
        engine.acknowledge_deleted(Product, ["p2"])
    with pytest.raises(ConfigurationError, match="never migrated"):
        engine.acknowledge_deleted(Product, ["nope"])
    assert state.get_meta("acknowledged.product") is None


def test_remigrate_forgets_the_acknowledgements() -> None:
    source, target, state, mug = _migrated()
    target.remove(Product, mug)
    engine = SyncEngine(source, target, state=state)
    engine.acknowledge_deleted(Product, ["p2"])
    report = engine.remigrate(confirm=True)
    assert report.ok, str(report)
    assert json.loads(state.get_meta("acknowledged.product") or "{}") == {}
    assert report.reconciliation["product"].acknowledged == 0
