"""Items 6-7: a source whose records are mangled never crashes a call, never
loses a good record, never alters a value silently, and reports every bad
record with its entity, source id and field.

A WooCommerce simulator holds a generated store; a transport between it and
the connector mangles a share of the records of each read (see
``_mangle.CATALOG``: "1,5" amounts, 2024-13-45 dates, missing names, lists
where mappings belong, unknown statuses, odd ids...). Several seeded rounds,
each a full migration and a smart update into a fresh memory target, mangle
700+ records in all. Every round is compared with a migration of the same
store unmangled.
"""

from __future__ import annotations

from typing import Any

import pytest

from cartmigrate import (
    MemoryCart,
    MemoryStateStore,
    Report,
    SyncEngine,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.models import ENTITY_TYPES, Entity, plain
from cartmigrate.testing import FakeClock, generate_store
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from ._mangle import Mangler

KEY, SECRET = "ck_mangled_source_key", "cs_mangled_source_secret"
ROUNDS = 8
RATE = 0.45
#: Reference fields: their values are ids, which differ between targets.
_REFS = {
    "updated_at",
    "id",
    "variant_id",
    "parent_id",
    "category_ids",
    "manufacturer_id",
    "customer_id",
    "product_id",
}


def _cart(sim: WooCommerceSimulator, transport: Any) -> WooCommerceCart:
    return WooCommerceCart(
        "https://shop.example",
        KEY,
        SECRET,
        transport=transport,
        clock=sim.clock.monotonic,
        sleep=sim.clock.sleep,
        requests_per_second=1e6,
        burst=1e6,
        max_concurrency=1,
    )


@pytest.fixture(scope="module")
def populated() -> WooCommerceSimulator:
    sim = WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET, clock=FakeClock())
    store = MemoryCart(
        generate_store(
            seed=11, products=30, customers=30, orders=45, categories=8, manufacturers=4, reviews=25
        )
    )
    report = SyncEngine(store, _cart(sim, sim.transport), state=MemoryStateStore()).full_migrate()
    assert report.ok, report
    return sim


def _comparable(entity: Entity) -> Any:
    data = plain(entity)

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in _REFS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(data)


def _migrate(source: WooCommerceCart) -> tuple[list[Report], MemoryCart, MemoryStateStore]:
    target = MemoryCart(check_references=False)
    state = MemoryStateStore()
    engine = SyncEngine(source, target, state=state)
    reports = [engine.full_migrate(), engine.smart_update()]
    return reports, target, state


def _migrated(target: MemoryCart, state: MemoryStateStore) -> dict[tuple[str, str], Any]:
    by_target = {
        (kind.kind, entity.id): entity for kind in ENTITY_TYPES for entity in target.read(kind)
    }
    found: dict[tuple[str, str], Any] = {}
    for kind in ENTITY_TYPES:
        for record in state.records(kind.kind, status="synced"):
            entity = by_target.get((kind.kind, record.target_id or ""))
            if entity is not None:
                found[(kind.kind, record.source_id)] = _comparable(entity)
    return found


def test_seven_hundred_mangled_records(populated: WooCommerceSimulator) -> None:
    baseline_reports, baseline_target, baseline_state = _migrate(
        _cart(populated, populated.transport)
    )
    assert all(r.ok for r in baseline_reports)
    baseline = _migrated(baseline_target, baseline_state)
    assert len(baseline) > 120

    mangled_total = uncaught = unreported = altered = lost = 0
    missing_field = 0
    problems: list[str] = []
    for seed in range(ROUNDS):
        mangler = Mangler(populated.handle, seed=seed, rate=RATE)
        try:
            reports, target, state = _migrate(_cart(populated, mangler.transport))
        except Exception as error:  # the promise: never
            uncaught += 1
            problems.append(f"round {seed}: {type(error).__name__}: {error}")
            continue
        assert not any(f.source_id == "*" for r in reports for f in r.failures), (
            "a whole type's read stopped"
        )
        failures = {(f.entity, f.source_id): f for r in reports for f in r.failures}
        warned = {(w.entity, w.source_id) for r in reports for w in r.warnings}
        migrated = _migrated(target, state)
        bad_products = {m.reported_id for m in mangler.mangled.values() if m.kind == "product"}
        mangled_total += len(mangler.mangled)
        for key, mangled in mangler.mangled.items():
            where = (mangled.kind, mangled.reported_id)
            failure = failures.get(where)
            if failure is None and where not in warned:
                unreported += 1
                problems.append(f"round {seed}: unreported {key} {mangled.changes}")
                continue
            if failure is not None and not failure.field and mangled.reported_id != "?":
                missing_field += 1
                problems.append(f"round {seed}: no field for {key}: {failure.message}")
            # Warned about and migrated: it must be the same as unmangled.
            if (
                failure is None
                and where in migrated
                and migrated[where] != baseline.get((mangled.kind, mangled.original_id))
            ):
                altered += 1
                problems.append(f"round {seed}: altered {key} {mangled.changes}")
        # Every good record is migrated, unaltered.
        touched = {(m.kind, m.original_id) for m in mangler.mangled.values()}
        touched |= {("product", pid) for pid in bad_products}
        for key, value in baseline.items():
            if key in touched:
                continue
            if key not in migrated:
                lost += 1
                problems.append(f"round {seed}: good {key} not migrated")
            elif migrated[key] != value:
                altered += 1
                problems.append(f"round {seed}: good {key} altered")
    assert mangled_total >= 700
    assert (uncaught, unreported, altered, lost, missing_field) == (0, 0, 0, 0, 0), "\n".join(
        problems[:40]
    )


def test_a_mangled_record_is_retried_and_recovers(populated: WooCommerceSimulator) -> None:
    """A reported bad record stays in the state's failures; once the source is
    fixed, the next call fetches it again and migrates it."""
    mangler = Mangler(populated.handle, seed=99, rate=0.3)
    target = MemoryCart(check_references=False)
    state = MemoryStateStore()
    engine = SyncEngine(_cart(populated, mangler.transport), target, state=state)
    first = engine.full_migrate()
    assert first.failures
    healed = SyncEngine(_cart(populated, populated.transport), target, state=state)
    second = healed.smart_update()
    assert second.ok, second
    synced = {
        (k.kind, r.source_id) for k in ENTITY_TYPES for r in state.records(k.kind, status="synced")
    }
    # Every mangled record with its own id is migrated now (an odd id never existed).
    expected = {(m.kind, m.reported_id) for m in mangler.mangled.values() if "id" not in m.changes}
    assert expected and expected <= synced
