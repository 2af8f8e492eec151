"""The engine's promises (shared/notes/engine-invariants.md) as property tests.

Random stores, random live changes on both sides, and crashes or faults
injected at random points; after each, the promise is checked.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartmigrate import (
    Capabilities,
    Category,
    ConfirmationRequired,
    Customer,
    Manufacturer,
    MemoryCart,
    Order,
    OrderLine,
    Product,
    Review,
    Shipment,
    SQLiteStateStore,
    SyncEngine,
    Variant,
)
from cartmigrate.models import ENTITY_TYPES, Entity, plain
from cartmigrate.testing import FakeClock

#: CARTMIGRATE_EXAMPLES=1000 for a long hunt; the default keeps CI quick.
PROPERTY = settings(
    max_examples=int(os.environ.get("CARTMIGRATE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
STATUSES = ("pending", "processing", "on_hold", "completed", "cancelled", "wc-custom")


@st.composite
def stores(draw: st.DrawFn) -> list[Entity]:
    """A random but valid store: a category tree, products with 0-3 variants, orders."""
    entities: list[Entity] = []
    n_categories = draw(st.integers(0, 5))
    for i in range(n_categories):
        parent = draw(st.sampled_from([None, *[f"c{j}" for j in range(i)]]))
        entities.append(Category(id=f"c{i}", name=f"Cat {i}", slug=f"cat-{i}", parent_id=parent))
    n_brands = draw(st.integers(0, 2))
    entities += [Manufacturer(id=f"m{i}", name=f"Brand {i}") for i in range(n_brands)]
    products: list[Product] = []
    for i in range(draw(st.integers(0, 6))):
        variants = [
            Variant(id=f"p{i}v{j}", sku=f"P{i}-V{j}", quantity=draw(st.integers(0, 9)))
            for j in range(draw(st.integers(0, 3)))
        ]
        products.append(
            Product(
                id=f"p{i}",
                name=f"Product {i}",
                sku=f"P{i}",
                quantity=draw(st.integers(0, 9)),
                category_ids=draw(
                    st.lists(
                        st.sampled_from([f"c{j}" for j in range(n_categories)]),
                        max_size=2,
                        unique=True,
                    )
                )
                if n_categories
                else [],
                manufacturer_id=f"m{draw(st.integers(0, n_brands - 1))}" if n_brands else None,
                variants=variants,
            )
        )
    entities += products
    n_customers = draw(st.integers(0, 4))
    entities += [
        Customer(id=f"u{i}", email=f"u{i}@example.com", first_name=f"Name{i}")
        for i in range(n_customers)
    ]
    for i in range(draw(st.integers(0, 6))):
        lines = []
        for _ in range(draw(st.integers(0, 3)) if products else 0):
            product = draw(st.sampled_from(products))
            variant = draw(st.sampled_from([None, *product.variants]))
            lines.append(
                OrderLine(
                    product_id=product.id,
                    variant_id=variant.id if variant else None,
                    sku=variant.sku if variant else product.sku,
                    name="line",
                    quantity=1,
                    price="5",
                )
            )
        customer = draw(st.sampled_from([None, *[f"u{j}" for j in range(n_customers)]]))
        entities.append(
            Order(
                id=f"o{i}",
                number=str(1000 + i),
                customer_id=customer,
                status=draw(st.sampled_from(STATUSES)),
                lines=lines,
            )
        )
    if products:
        for i in range(draw(st.integers(0, 3))):
            entities.append(
                Review(
                    id=f"r{i}",
                    product_id=draw(st.sampled_from(products)).id,
                    rating=draw(st.integers(1, 5)),
                    body=f"review {i}",
                )
            )
    return entities


Change = Callable[[MemoryCart], None]


@st.composite
def source_changes(draw: st.DrawFn) -> list[tuple[str, int, int]]:
    """Live changes on the old store: (what, which, value), applied after migration."""
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "stock",
                        "variant_stock",
                        "rename",
                        "status",
                        "ship",
                        "new_order",
                        "new_customer",
                        "new_product",
                    ]
                ),
                st.integers(0, 50),
                st.integers(0, 50),
            ),
            max_size=8,
        )
    )


def apply_source_changes(cart: MemoryCart, changes: list[tuple[str, int, int]]) -> None:
    for what, which, value in changes:
        products = cart.list(Product)
        orders = cart.list(Order)
        if what == "stock" and products:
            p = products[which % len(products)]
            cart.add(
                attrs.evolve(
                    p, quantity=value, stock_status="out_of_stock" if value == 0 else "in_stock"
                )
            )
        elif what == "variant_stock" and any(p.variants for p in products):
            p = [p for p in products if p.variants][
                which % len([p for p in products if p.variants])
            ]
            variants = list(p.variants)
            k = value % len(variants)
            variants[k] = attrs.evolve(variants[k], quantity=value)
            cart.add(attrs.evolve(p, variants=variants))
        elif what == "rename" and products:
            p = products[which % len(products)]
            cart.add(attrs.evolve(p, name=f"{p.name} v{value}"))
        elif what == "status" and orders:
            o = orders[which % len(orders)]
            cart.add(attrs.evolve(o, status=STATUSES[value % len(STATUSES)]))
        elif what == "ship" and orders:
            o = orders[which % len(orders)]
            cart.add(
                attrs.evolve(
                    o,
                    shipments=[*o.shipments, Shipment(carrier="UPS", tracking_number=f"T{value}")],
                )
            )
        elif what == "new_order":
            cart.add(
                Order(
                    id=f"new-o{which}-{value}",
                    number=f"N{which}-{value}",
                    status="pending",
                    lines=[OrderLine(product_id=products[0].id, name="x", quantity=1, price="1")]
                    if products
                    else [],
                )
            )
        elif what == "new_customer":
            cart.add(Customer(id=f"new-u{which}-{value}", email=f"new{which}-{value}@example.com"))
        elif what == "new_product":
            cart.add(
                Product(
                    id=f"new-p{which}-{value}",
                    name="New",
                    sku=f"NEW-{which}-{value}",
                    quantity=value,
                )
            )


def edit_target(cart: MemoryCart, seed: int) -> dict[str, str]:
    """The new shop's team edits descriptions (a field smart_update never touches)."""
    edits: dict[str, str] = {}
    for index, product in enumerate(cart.list(Product)):
        if (index + seed) % 2 == 0:
            text = f"edited on target {seed}"
            cart.add(attrs.evolve(product, description=text))
            edits[product.sku or ""] = text
    return edits


def identity(cart: MemoryCart, kind: type[Entity], entity_id: str | None) -> str | None:
    """A platform-independent name for the entity an id points to on ``cart``."""
    if entity_id is None:
        return None
    if kind is Variant:
        for product in cart.list(Product):
            for variant in product.variants:
                if variant.id == entity_id:
                    return variant.sku
        return f"missing variant {entity_id}"
    entity = cart.get(kind, entity_id)
    if entity is None:
        return f"missing {kind.kind} {entity_id}"
    return entity.natural_key or getattr(entity, "name", None) or getattr(entity, "body", None)


def view(cart: MemoryCart) -> dict[str, list[Any]]:
    """The store's content without ids and time stamps: what a shopper would see."""
    result: dict[str, list[Any]] = {}
    for kind in ENTITY_TYPES:
        rows = []
        for entity in cart.list(kind):
            data = plain(entity)
            for key in ("id", "created_at", "updated_at"):
                data.pop(key, None)
            if isinstance(entity, Category):
                data["parent_id"] = identity(cart, Category, entity.parent_id)
            if isinstance(entity, Product):
                data["category_ids"] = sorted(
                    str(identity(cart, Category, c)) for c in entity.category_ids
                )
                data["manufacturer_id"] = identity(cart, Manufacturer, entity.manufacturer_id)
                for variant in data["variants"]:
                    variant.pop("id")
            if isinstance(entity, Order):
                data["customer_id"] = identity(cart, Customer, entity.customer_id)
                for line, original in zip(data["lines"], entity.lines, strict=True):
                    line["product_id"] = identity(cart, Product, original.product_id)
                    line["variant_id"] = identity(cart, Variant, original.variant_id)
            if isinstance(entity, Review):
                data["product_id"] = identity(cart, Product, entity.product_id)
                data["customer_id"] = identity(cart, Customer, entity.customer_id)
            rows.append(data)
        result[kind.kind] = sorted(rows, key=repr)
    return result


def carts(store: list[Entity]) -> tuple[MemoryCart, MemoryCart, FakeClock]:
    clock = FakeClock(tick=dt.timedelta(seconds=1))
    return MemoryCart(store, clock=clock.now), MemoryCart(clock=clock.now), clock


# 1 and 9: one target entity per source entity, references translated.
@PROPERTY
@given(store=stores())
def test_full_migrate_copies_each_entity_once_with_its_references(store: list[Entity]) -> None:
    source, target, clock = carts(store)
    engine = SyncEngine(source, target, clock=clock.now)
    engine.full_migrate()
    assert engine.full_migrate().total("created") == 0  # a re-run adds nothing
    assert view(target) == view(source)


# 3, 4 and 5: selected fields follow the source, other target edits survive, then quiet.
@PROPERTY
@given(store=stores(), changes=source_changes(), seed=st.integers(0, 3))
def test_smart_update_converges_and_keeps_target_edits(
    store: list[Entity], changes: list[tuple[str, int, int]], seed: int
) -> None:
    source, target, clock = carts(store)
    _converges(source, target, clock, changes, seed, pause=dt.timedelta(minutes=1))


class _TokenScanCart(MemoryCart):
    """Reads every type in full, and vouches for ``updated_at`` (change tokens)."""

    @property
    def capabilities(self) -> Capabilities:
        return attrs.evolve(super().capabilities, incremental=frozenset())


# 3, 4 and 5 again, where change tokens decide: a source read in full that
# vouches for its time stamps, and a day between its edits and each call, so
# the stamps are older than the overlap and every record keeps a token.
@PROPERTY
@given(store=stores(), changes=source_changes(), seed=st.integers(0, 3))
def test_smart_update_converges_by_change_tokens(
    store: list[Entity], changes: list[tuple[str, int, int]], seed: int
) -> None:
    clock = FakeClock(tick=dt.timedelta(seconds=1))
    source, target = _TokenScanCart(store, clock=clock.now), MemoryCart(clock=clock.now)
    clock.advance(dt.timedelta(days=1))
    engine = _converges(source, target, clock, changes, seed, pause=dt.timedelta(days=1))
    for kind in ("product", "order", "customer"):  # the tokens decided
        assert all(";~" in (r.fingerprint or "") for r in engine.state.records(kind)), kind


def _converges(
    source: MemoryCart,
    target: MemoryCart,
    clock: FakeClock,
    changes: list[tuple[str, int, int]],
    seed: int,
    *,
    pause: dt.timedelta,
) -> SyncEngine:
    engine = SyncEngine(source, target, clock=clock.now)
    engine.full_migrate()
    edits = edit_target(target, seed)
    apply_source_changes(source, changes)
    clock.advance(pause)
    report = engine.smart_update()
    assert report.ok

    by_sku = {p.sku: p for p in target.list(Product)}
    for product in source.list(Product):
        migrated = by_sku[product.sku]
        assert (migrated.quantity, migrated.stock_status) == (
            product.quantity,
            product.stock_status,
        )
        assert [(v.sku, v.quantity) for v in migrated.variants] == [
            (v.sku, v.quantity) for v in product.variants
        ]
    for sku, text in edits.items():
        assert by_sku[sku].description == text
    by_number = {o.number: o for o in target.list(Order)}
    for order in source.list(Order):
        migrated = by_number[order.number]
        assert (migrated.status, migrated.shipments) == (order.status, order.shipments)
    for kind in ENTITY_TYPES:
        assert target.count(kind) == source.count(kind)

    # 4: nothing changed since, so no target write and no target read.
    before = target.calls.copy()
    quiet = engine.smart_update()
    for call in ("create", "update", "delete", "get"):
        assert target.calls[call] == before[call], call
    assert quiet.total("updated") + quiet.total("created") == 0
    return engine


# 7: remigrate deletes only what it created, and never without confirm=True.
@PROPERTY
@given(store=stores(), theirs=st.integers(0, 3), everything=st.booleans())
def test_remigrate_deletes_only_what_it_created(
    store: list[Entity], theirs: int, everything: bool
) -> None:
    source, target, clock = carts(store)
    own = [target.add(Customer(email=f"staff{i}@newshop.example")) for i in range(theirs)]
    engine = SyncEngine(source, target, clock=clock.now)
    engine.full_migrate()
    migrated = {p.id for p in target.list(Product)}
    with pytest.raises(ConfirmationRequired):
        engine.remigrate()
    assert {p.id for p in target.list(Product)} == migrated  # refused: nothing changed
    report = engine.remigrate(confirm=True, clear="all" if everything else "migrated")
    assert report.ok
    kept = {c.id for c in target.list(Customer)} & {c.id for c in own}
    assert kept == (set() if everything else {c.id for c in own})
    assert not migrated & {p.id for p in target.list(Product)}  # all recreated
    assert view_without(target, own) == view(source)


def view_without(cart: MemoryCart, entities: list[Customer]) -> dict[str, list[Any]]:
    """``view(cart)`` leaving out entities the target's team made itself."""
    mine = {c.email for c in entities}
    result = view(cart)
    result["customer"] = [row for row in result["customer"] if row["email"] not in mine]
    return result


# 1 and 2: a crash at any create or update, then a new engine on the same state.
@PROPERTY
@given(
    store=stores(),
    changes=source_changes(),
    crash_at=st.integers(1, 40),
    operation=st.sampled_from(["create", "update"]),
    applied=st.booleans(),
    read_ahead=st.booleans(),
)
def test_a_crash_anywhere_ends_like_an_uninterrupted_run(
    store: list[Entity],
    changes: list[tuple[str, int, int]],
    crash_at: int,
    operation: str,
    applied: bool,
    read_ahead: bool,
) -> None:
    # Reading ahead, in batches of 3 so that a read is under way when it crashes.
    options: dict[str, Any] = {"read_ahead": True, "batch_size": 3} if read_ahead else {}

    class Crash(BaseException):
        pass

    def run_all(
        source: MemoryCart, target: MemoryCart, clock: FakeClock, path: Path, crash: bool
    ) -> None:
        if crash:
            target.fail_on(operation, nth=crash_at, applied=applied, error=Crash())
        for step in ("full", "changes", "smart"):
            if step == "changes":
                apply_source_changes(source, changes)
                clock.advance(dt.timedelta(minutes=1))
                continue
            while True:
                with SQLiteStateStore(path) as state:
                    engine = SyncEngine(source, target, state=state, clock=clock.now, **options)
                    try:
                        report = engine.full_migrate() if step == "full" else engine.smart_update()
                    except Crash:
                        continue  # the process died; a new one starts on the same state
                assert report.ok
                break

    with TemporaryDirectory() as folder:
        calm = carts(store)
        run_all(*calm, Path(folder) / "calm.db", crash=False)
        crashed = carts(store)
        run_all(*crashed, Path(folder) / "crash.db", crash=True)
    assert view(crashed[1]) == view(calm[1])


def references_and_selected_fields(cart: MemoryCart) -> dict[str, list[Any]]:
    """What must always agree between source and target once a sync has converged:
    every entity once, its references, and the fields smart_update keeps in step."""
    full = view(cart)
    keep = {
        "category": ("name", "parent_id"),
        "manufacturer": ("name",),
        "product": ("sku", "quantity", "stock_status", "category_ids", "manufacturer_id"),
        "customer": ("email",),
        "order": ("number", "status", "shipments", "customer_id", "lines"),
        "review": ("product_id", "customer_id", "rating"),
    }
    result: dict[str, list[Any]] = {}
    for kind, rows in full.items():
        projected = []
        for row in rows:
            data = {k: row[k] for k in keep[kind]}
            if kind == "product":
                data["variants"] = [
                    (v["sku"], v["quantity"], v["stock_status"]) for v in row["variants"]
                ]
            projected.append(data)
        result[kind] = sorted(projected, key=repr)
    return result


# 8: with random faults, repeated calls converge without duplicates.
@PROPERTY
@given(
    store=stores(), changes=source_changes(), seed=st.integers(0, 1000), read_ahead=st.booleans()
)
def test_random_faults_are_retried_until_nothing_is_lost(
    store: list[Entity], changes: list[tuple[str, int, int]], seed: int, read_ahead: bool
) -> None:
    source, target, clock = carts(store)
    target.fail_randomly(0.3, seed=seed, operations=("create", "update", "get", "find"))
    options: dict[str, Any] = {"read_ahead": True, "batch_size": 3} if read_ahead else {}
    engine = SyncEngine(source, target, clock=clock.now, **options)
    for _ in range(30):
        if engine.full_migrate().ok:
            break
    apply_source_changes(source, changes)
    clock.advance(dt.timedelta(minutes=1))
    for _ in range(30):
        if engine.smart_update().ok:
            break
    target.fail_randomly(0)
    assert engine.smart_update().ok
    assert references_and_selected_fields(target) == references_and_selected_fields(source)


# 6: a dry run changes nothing and plans what the real call does.
@PROPERTY
@given(store=stores(), changes=source_changes())
def test_dry_run_plans_exactly_the_real_call(
    store: list[Entity], changes: list[tuple[str, int, int]]
) -> None:
    source, target, clock = carts(store)
    _plans_exactly(source, target, clock, changes, pause=dt.timedelta(minutes=1))


@PROPERTY
@given(store=stores(), changes=source_changes())
def test_dry_run_plans_exactly_the_real_call_by_change_tokens(
    store: list[Entity], changes: list[tuple[str, int, int]]
) -> None:
    """As above, where change tokens decide (see the convergence test)."""
    clock = FakeClock(tick=dt.timedelta(seconds=1))
    source, target = _TokenScanCart(store, clock=clock.now), MemoryCart(clock=clock.now)
    clock.advance(dt.timedelta(days=1))
    _plans_exactly(source, target, clock, changes, pause=dt.timedelta(days=1))


def _plans_exactly(
    source: MemoryCart,
    target: MemoryCart,
    clock: FakeClock,
    changes: list[tuple[str, int, int]],
    *,
    pause: dt.timedelta,
) -> None:
    engine = SyncEngine(source, target, clock=clock.now)
    before = view(target)
    plan = engine.full_migrate(dry_run=True)
    assert view(target) == before
    real = engine.full_migrate()
    assert plan.summary() == real.summary()
    apply_source_changes(source, changes)
    clock.advance(pause)
    before = view(target)
    calls = target.calls.copy()
    plan = engine.smart_update(dry_run=True)
    assert view(target) == before
    assert target.calls["create"] == calls["create"]
    assert target.calls["update"] == calls["update"]
    real = engine.smart_update()
    assert plan.summary() == real.summary()
    assert [(c.entity, c.source_id, c.fields) for c in plan.changes if c.action == "update"] == [
        (c.entity, c.source_id, c.fields) for c in real.changes
    ]
