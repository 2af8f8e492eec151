"""SyncEngine behaviour, scenario by scenario, on memory carts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest

from cartmigrate import (
    Capabilities,
    Category,
    ConfigurationError,
    ConfirmationRequired,
    Customer,
    EntityRejected,
    InvalidEntity,
    Manufacturer,
    MappingRules,
    MemoryCart,
    Order,
    OrderLine,
    Product,
    Progress,
    Review,
    Shipment,
    SQLiteStateStore,
    StatusChange,
    SyncEngine,
    Variant,
)
from cartmigrate.models import ENTITY_TYPES, Entity
from cartmigrate.testing import FakeClock


def demo_store() -> list[Entity]:
    return [
        Category(id="c1", name="Clothing", slug="clothing"),
        Category(id="c2", name="Shirts", slug="shirts", parent_id="c1"),
        Manufacturer(id="m1", name="Acme"),
        Product(
            id="p1",
            name="Tee",
            sku="TEE",
            price="10",
            quantity=5,
            category_ids=["c2"],
            manufacturer_id="m1",
            variants=[
                Variant(id="v1", sku="TEE-S", quantity=2, options={"Size": "S"}),
                Variant(id="v2", sku="TEE-M", quantity=3, options={"Size": "M"}),
            ],
        ),
        Product(id="p2", name="Mug", sku="MUG", price="8", quantity=10, category_ids=["c1"]),
        Customer(id="u1", email="ann@example.com", first_name="Ann"),
        Order(
            id="o1",
            number="1001",
            customer_id="u1",
            status="processing",
            lines=[
                OrderLine(
                    product_id="p1",
                    variant_id="v2",
                    sku="TEE-M",
                    name="Tee M",
                    quantity=1,
                    price="10",
                )
            ],
        ),
        Review(id="r1", product_id="p1", customer_id="u1", rating=5, body="great"),
    ]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(tick=dt.timedelta(seconds=1))


@pytest.fixture
def source(clock: FakeClock) -> MemoryCart:
    return MemoryCart(demo_store(), name="old", clock=clock.now)


@pytest.fixture
def target(clock: FakeClock) -> MemoryCart:
    return MemoryCart(name="new", clock=clock.now)


def engine_for(
    source: MemoryCart, target: MemoryCart, clock: FakeClock, **kw: object
) -> SyncEngine:
    return SyncEngine(source, target, clock=clock.now, **kw)  # type: ignore[arg-type]


def the(cart: MemoryCart, kind: type[Entity], **match: object) -> Entity:
    found = [e for e in cart.list(kind) if all(getattr(e, k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


# -- full_migrate ---------------------------------------------------------
def test_full_migrate_copies_everything_with_translated_references(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    report = engine_for(source, target, clock).full_migrate()
    assert report.ok
    assert report.summary()["product"]["created"] == 2
    assert report.summary()["category"]["created"] == 2
    for kind in ENTITY_TYPES:
        assert target.count(kind) == source.count(kind)
    shirts = the(target, Category, slug="shirts")
    clothing = the(target, Category, slug="clothing")
    assert shirts.parent_id == clothing.id
    tee = the(target, Product, sku="TEE")
    assert tee.id != "p1"
    assert tee.category_ids == (shirts.id,)
    assert tee.manufacturer_id == the(target, Manufacturer, name="Acme").id
    order = the(target, Order, number="1001")
    assert order.customer_id == the(target, Customer, email="ann@example.com").id
    medium = next(v for v in tee.variants if v.sku == "TEE-M")
    assert order.lines[0].product_id == tee.id
    assert order.lines[0].variant_id == medium.id
    review = the(target, Review, rating=5)
    assert (review.product_id, review.customer_id) == (tee.id, order.customer_id)
    assert report.reconciliation["order"].complete


def test_full_migrate_twice_creates_nothing_twice(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    creates = target.calls["create"]
    again = engine.full_migrate()
    assert target.calls["create"] == creates
    assert again.total("created") == 0
    assert again.summary()["product"]["unchanged"] == 2


def test_children_and_parents_in_one_batch(clock: FakeClock) -> None:
    tree = [
        Category(id=f"c{i}", name=f"C{i}", parent_id=f"c{i - 1}" if i else None)
        for i in reversed(range(6))
    ]
    source = MemoryCart(tree, clock=clock.now)
    target = MemoryCart(clock=clock.now)
    report = engine_for(source, target, clock).full_migrate()
    assert report.ok
    assert not report.warnings
    by_name = {c.name: c for c in target.list(Category)}
    for i in range(1, 6):
        assert by_name[f"C{i}"].parent_id == by_name[f"C{i - 1}"].id


def test_missing_reference_is_dropped_with_a_warning(clock: FakeClock) -> None:
    source = MemoryCart(
        [Order(id="o1", number="1", customer_id="ghost")], clock=clock.now, check_references=False
    )
    target = MemoryCart(clock=clock.now)
    report = engine_for(source, target, clock).full_migrate()
    assert the(target, Order, number="1").customer_id is None
    (warning,) = report.warnings
    assert (warning.entity, warning.source_id, warning.field) == ("order", "o1", "customer_id")
    assert "ghost" in warning.message


def test_only_selected_entity_types(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    report = engine_for(source, target, clock).full_migrate(entities=[Customer, "order"])
    assert set(report.summary()) == {"customer", "order"}
    assert target.count(Product) == 0
    assert the(target, Order, number="1001").lines[0].product_id is None


def test_unknown_entity_type_is_a_configuration_error(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    with pytest.raises(ConfigurationError, match="unknown entity type 'coupon'"):
        engine_for(source, target, clock).full_migrate(entities=["coupon"])


def test_a_type_the_target_cannot_store_is_skipped_with_a_reason(
    source: MemoryCart, clock: FakeClock
) -> None:
    class NoReviews(MemoryCart):
        @property
        def capabilities(self) -> Capabilities:
            caps = super().capabilities
            return attrs.evolve(caps, writes=caps.writes - {Review})

    target = NoReviews(clock=clock.now)
    report = engine_for(source, target, clock).full_migrate()
    assert report.summary()["review"]["skipped"] == 1
    assert any(w.entity == "review" and "cannot store" in w.message for w in report.warnings)


def test_what_the_target_says_about_writing_is_in_the_report(
    source: MemoryCart, clock: FakeClock
) -> None:
    class NoPasswords(MemoryCart):
        def write_notes(self, kind: type[Entity]) -> tuple[str, ...]:
            return ("passwords cannot be imported",) if kind is Customer else ()

    engine = engine_for(source, NoPasswords(name="new", clock=clock.now), clock)
    assert [(w.entity, w.message) for w in engine.full_migrate(dry_run=True).warnings] == [
        ("customer", "new: passwords cannot be imported")
    ]
    report = engine.full_migrate()
    notes = [(w.entity, w.message) for w in report.warnings]
    assert notes == [("customer", "new: passwords cannot be imported")]
    assert engine.smart_update().warnings == []  # said once, not in every nightly report


def test_filtered_entities_are_skipped(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    rules = MappingRules(filters={"product": lambda p: p.sku != "MUG"})
    report = engine_for(source, target, clock, rules=rules).full_migrate()
    assert report.summary()["product"]["skipped"] == 1
    assert [p.sku for p in target.list(Product)] == ["TEE"]


# -- failures -------------------------------------------------------------
def test_a_failing_entity_fails_alone_and_is_retried(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    target.fail_on("create", nth=4)  # the first product (after 2 categories, 1 brand)
    report = engine.full_migrate()
    (failure,) = report.failures
    assert failure.entity == "product"
    assert failure.error == "TransientError"
    assert target.count(Product) == 1
    assert target.count(Order) == 1  # the rest went on
    assert engine.state.failures("product")
    retry = engine.full_migrate()
    assert retry.ok
    assert retry.summary()["product"]["created"] == 1
    assert target.count(Product) == 2
    assert engine.state.failures() == []


def test_a_rejected_record_reports_the_platforms_message(clock: FakeClock) -> None:
    source = MemoryCart(
        [Customer(id="a", email="same@example.com"), Customer(id="b", email="SAME@example.com")],
        clock=clock.now,
    )
    target = MemoryCart(clock=clock.now)
    report = engine_for(source, target, clock).full_migrate()
    (failure,) = report.failures
    assert (failure.entity, failure.source_id, failure.field) == ("customer", "b", "email")
    assert "already registered" in failure.message
    assert "only the first was migrated" in failure.message
    assert target.count(Customer) == 1


def test_entity_already_on_the_target_is_adopted_not_duplicated(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    existing = target.add(Product(name="Mug made on the target", sku="MUG"))
    engine = engine_for(source, target, clock)
    report = engine.full_migrate()
    assert report.ok
    assert target.count(Product) == 2
    assert any("adopted" in w.message for w in report.warnings)
    assert engine.state.get("product", ["p2"])["p2"].target_id == existing.id
    engine.remigrate(confirm=True)
    assert existing.id in {p.id for p in target.list(Product)}  # not ours: never deleted


# -- crashes and lost answers --------------------------------------------
class Crash(BaseException):
    """Stands for the process dying: not an error the engine handles."""


@pytest.mark.parametrize("nth", [1, 3, 4, 6, 8])
@pytest.mark.parametrize("applied", [False, True])
def test_resume_after_a_crash_creates_nothing_twice(
    tmp_path: Path, clock: FakeClock, nth: int, applied: bool
) -> None:
    source = MemoryCart(demo_store(), clock=clock.now)
    target = MemoryCart(clock=clock.now)
    state_path = tmp_path / "state.db"
    target.fail_on("create", nth=nth, applied=applied, error=Crash())
    with pytest.raises(Crash):
        SyncEngine(source, target, state=SQLiteStateStore(state_path)).full_migrate()
    report = SyncEngine(source, target, state=SQLiteStateStore(state_path)).full_migrate()
    assert report.ok
    for kind in ENTITY_TYPES:
        assert target.count(kind) == source.count(kind), kind
    skus = [p.sku for p in target.list(Product)]
    assert sorted(skus) == ["MUG", "TEE"]


def test_lost_answer_after_create_is_adopted_on_retry(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    target.fail_on("create", nth=6, applied=True)  # the customer
    first = engine.full_migrate()
    assert first.failures[0].error == "WriteOutcomeUnknown"
    assert target.count(Customer) == 1
    second = engine.full_migrate()
    assert second.ok
    assert target.count(Customer) == 1
    assert any("interrupted" in w.message for w in second.warnings)
    # The order that could not point to its customer the first time did migrate without it.
    assert target.count(Order) == 1


# -- smart_update ---------------------------------------------------------
def live_changes(source: MemoryCart) -> None:
    tee = source.get(Product, "p1")
    assert isinstance(tee, Product)
    source.add(
        attrs.evolve(
            tee,
            quantity=1,
            name="Tee (renamed on source)",
            variants=[
                attrs.evolve(tee.variants[0], quantity=0, stock_status="out_of_stock"),
                tee.variants[1],
            ],
        )
    )
    order = source.get(Order, "o1")
    assert isinstance(order, Order)
    source.add(
        attrs.evolve(
            order,
            status="completed",
            status_history=[
                *order.status_history,
                StatusChange(status="completed", at="2024-06-01T10:00:00Z"),
            ],
            shipments=[Shipment(carrier="DHL", tracking_number="00340434")],
        )
    )
    source.add(
        Order(
            id="o2",
            number="1002",
            customer_id="u1",
            status="pending",
            lines=[OrderLine(product_id="p2", sku="MUG", name="Mug", quantity=2, price="8")],
        )
    )


def test_smart_update_moves_selected_fields_and_keeps_target_edits(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    tee = the(target, Product, sku="TEE")
    target.add(
        attrs.evolve(
            tee, description="Written by the new shop's team", name="Tee (renamed on target)"
        )
    )
    live_changes(source)
    report = engine.smart_update()
    assert report.ok
    tee = the(target, Product, sku="TEE")
    assert tee.quantity == 1
    assert tee.name == "Tee (renamed on target)"
    assert tee.description == "Written by the new shop's team"
    small = next(v for v in tee.variants if v.sku == "TEE-S")
    assert (small.quantity, small.stock_status) == (0, "out_of_stock")
    order = the(target, Order, number="1001")
    assert order.status == "completed"
    assert order.shipments[0].tracking_number == "00340434"
    assert (
        the(target, Order, number="1002").lines[0].product_id == the(target, Product, sku="MUG").id
    )
    summary = report.summary()
    assert summary["order"]["created"] == 1
    assert summary["order"]["updated"] == 1
    assert summary["product"]["updated"] == 1
    assert summary["variant"]["updated"] == 1


def test_second_smart_update_writes_and_reads_nothing_on_the_target(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    live_changes(source)
    engine.smart_update()
    before = dict(target.calls)
    report = engine.smart_update()
    assert report.total("updated") == report.total("created") == 0
    assert target.calls["create"] == before.get("create", 0)
    assert target.calls["update"] == before.get("update", 0)
    assert target.calls["get"] == before.get("get", 0)


def test_smart_update_costs_follow_change(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    clock.advance(dt.timedelta(hours=1))
    mug = source.get(Product, "p2")
    assert isinstance(mug, Product)
    source.add(attrs.evolve(mug, quantity=3))
    before = target.calls.copy()
    report = engine.smart_update()
    assert target.calls["update"] - before["update"] == 1
    assert target.calls["get"] - before["get"] == 1  # only the changed product was looked at
    assert report.changes[0].fields["quantity"].old == 10
    assert report.changes[0].fields["quantity"].new == 3


def test_custom_field_selection(source: MemoryCart, target: MemoryCart, clock: FakeClock) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    live_changes(source)
    engine.smart_update(fields={Product: ["name"], Order: ["status"]})
    tee = the(target, Product, sku="TEE")
    assert tee.name == "Tee (renamed on source)"
    assert tee.quantity == 5  # quantity was not selected
    assert the(target, Order, number="1001").shipments == ()


def test_selecting_an_unknown_field_is_a_configuration_error(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    with pytest.raises(ConfigurationError, match="Product has no selectable field 'stock'"):
        engine_for(source, target, clock).smart_update(fields={Product: ["stock"]})


def test_verify_restores_selected_fields_edited_on_the_target(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    mug = the(target, Product, sku="MUG")
    target.add(attrs.evolve(mug, quantity=999))
    assert engine.smart_update().total("updated") == 0
    assert engine.smart_update(verify=True).summary()["product"]["updated"] == 1
    assert the(target, Product, sku="MUG").quantity == 10


def test_deleted_on_source_is_reported_not_deleted(clock: FakeClock) -> None:
    source = MemoryCart([Category(id="c1", name="A"), Category(id="c2", name="B")], clock=clock.now)
    target = MemoryCart(clock=clock.now)
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    source.remove(Category, "c2")
    report = engine.smart_update()
    assert target.count(Category) == 2
    assert any(
        w.source_id == "c2" and "deleted on the source" in w.message for w in report.warnings
    )


def test_smart_update_retries_failures_missed_by_an_incremental_read(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    clock.advance(dt.timedelta(days=1))
    source.add(Order(id="o9", number="1009", status="pending"))
    target.fail_on("create", nth=1)
    assert engine.smart_update().failures
    clock.advance(dt.timedelta(days=1))  # o9 is now far behind the cursor
    report = engine.smart_update()
    assert report.ok
    assert report.summary()["order"]["created"] == 1
    assert the(target, Order, number="1009")


def test_smart_update_without_a_full_migration_migrates_everything(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    report = engine_for(source, target, clock).smart_update()
    assert report.summary()["product"]["created"] == 2
    assert target.count(Order) == 1


def test_state_in_sqlite_continues_in_a_new_engine(
    source: MemoryCart, target: MemoryCart, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "shop.db"
    with SQLiteStateStore(path) as state:
        SyncEngine(source, target, state=state, clock=clock.now).full_migrate()
    live_changes(source)
    with SQLiteStateStore(path) as state:
        report = SyncEngine(source, target, state=state, clock=clock.now).smart_update()
        assert [r.call for r in state.runs()] == ["full_migrate", "smart_update"]
    assert report.summary()["order"] == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "skipped": 0,
        "failed": 0,
        "deleted": 0,
    }


# -- dry runs -------------------------------------------------------------
def test_dry_run_changes_nothing_and_plans_what_the_real_call_does(
    source: MemoryCart, target: MemoryCart, clock: FakeClock, tmp_path: Path
) -> None:
    state = SQLiteStateStore(tmp_path / "dry.db")
    engine = engine_for(source, target, clock, state=state)
    plan = engine.full_migrate(dry_run=True)
    assert target.count(Product) == 0
    assert state.count("product") == 0
    assert state.runs() == []
    assert plan.summary()["product"]["created"] == 2
    created = {(c.entity, c.source_id) for c in plan.changes if c.action == "create"}
    assert ("order", "o1") in created
    order_plan = next(c for c in plan.changes if c.source_id == "o1")
    assert order_plan.fields["number"].new == "1001"
    real = engine.full_migrate()
    assert real.summary() == plan.summary()
    assert {("order", "o1"), ("product", "p1")} <= {
        (r.kind, r.source_id) for k in ("order", "product") for r in state.records(k)
    }

    live_changes(source)
    update_plan = engine.smart_update(dry_run=True)
    assert the(target, Order, number="1001").status == "processing"
    update = engine.smart_update()
    # Real runs list updates and count creates (a million creates are not kept in memory).
    planned = [
        (c.action, c.entity, c.source_id, dict(c.fields))
        for c in update_plan.changes
        if c.action == "update"
    ]
    done = [(c.action, c.entity, c.source_id, dict(c.fields)) for c in update.changes]
    assert planned == done
    assert [c.source_id for c in update_plan.changes if c.action == "create"] == ["o2"]
    assert state.get("order", ["o2"])["o2"].status == "synced"
    assert update.summary() == update_plan.summary()


def test_dry_run_remigrate_keeps_everything(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    ids = {p.id for p in target.list(Product)}
    plan = engine.remigrate(confirm=True, dry_run=True)
    assert plan.summary()["product"]["deleted"] == 2
    assert plan.summary()["product"]["created"] == 2
    assert {p.id for p in target.list(Product)} == ids
    assert engine.full_migrate().total("created") == 0


# -- remigrate ------------------------------------------------------------
def test_remigrate_without_confirm_changes_nothing(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    before = {kind: [e.id for e in target.list(kind)] for kind in ENTITY_TYPES}
    with pytest.raises(ConfirmationRequired):
        engine.remigrate()
    assert {kind: [e.id for e in target.list(kind)] for kind in ENTITY_TYPES} == before
    assert engine.full_migrate().total("created") == 0


def test_remigrate_deletes_only_what_it_created(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    theirs = target.add(Customer(email="staff@newshop.example"))
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    old_ids = {p.id for p in target.list(Product)}
    report = engine.remigrate(confirm=True)
    assert report.summary()["product"]["deleted"] == 2
    assert report.summary()["product"]["created"] == 2
    assert target.get(Customer, theirs.id or "") is not None
    assert not old_ids & {p.id for p in target.list(Product)}
    assert target.count(Product) == 2


def test_remigrate_all_clears_everything_of_the_types(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    target.add(Customer(email="staff@newshop.example"))
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    report = engine.remigrate(confirm=True, clear="all", entities=[Customer, Order, Review])
    assert report.summary()["customer"]["deleted"] == 2
    assert target.count(Customer) == 1
    assert the(target, Customer, email="ann@example.com")


def test_remigrate_stops_when_a_delete_fails(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    target.fail_on("delete", nth=1)
    report = engine.remigrate(confirm=True)
    assert report.failures
    assert report.total("created") == 0
    # What was deleted is recorded as such, so the next call creates it again
    # (nothing lost), and what was not deleted is found again (no duplicate).
    again = engine.full_migrate()
    assert not again.failures
    for kind in (Category, Manufacturer, Product, Customer, Order, Review):
        assert target.count(kind) == source.count(kind), kind


# -- reporting ------------------------------------------------------------
def test_progress_events_and_rendering(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    events: list[Progress] = []
    report = engine_for(source, target, clock, on_progress=events.append).full_migrate()
    assert Progress(call="full_migrate", entity="product", done=2, total=2) in events
    text = str(report)
    assert "product" in text
    assert "created" in text
    assert "<table>" in report._repr_html_()


def test_cursor_follows_the_sources_clock_when_it_runs_behind() -> None:
    """The source's clock runs an hour behind ours, and it had no orders yet."""
    ours = FakeClock(start=dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    theirs = FakeClock(start=dt.datetime(2026, 6, 1, 11, tzinfo=dt.UTC))
    source = MemoryCart([Product(id="p1", name="Tee", sku="TEE", quantity=5)], clock=theirs.now)
    target = MemoryCart(clock=ours.now)
    engine = SyncEngine(source, target, clock=ours.now)
    engine.full_migrate()
    for clock in (ours, theirs):
        clock.advance(dt.timedelta(minutes=30))
    source.add(Order(id="o1", number="1001", status="pending"))  # 11:30 on the source
    engine.smart_update()
    assert the(target, Order, number="1001")


class PickyCart(MemoryCart):
    """A source whose platform holds a record the models refuse (an e-mail without @)."""

    broken: frozenset[str] = frozenset()

    def _readable(self, entity: Entity) -> bool:
        if entity.id in self.broken:
            self.report_unreadable(
                type(entity),
                entity.id or "",
                InvalidEntity("Customer", "email", "not an e-mail: 'ann-at-example.com'"),
            )
            return False
        return True

    def read(self, kind, *, since=None):  # type: ignore[no-untyped-def,override]
        return (e for e in super().read(kind, since=since) if self._readable(e))

    def get(self, kind, id):  # type: ignore[no-untyped-def,override]
        found = super().get(kind, id)
        return found if found is None or self._readable(found) else None


def test_an_unreadable_source_record_fails_alone_and_is_retried(clock: FakeClock) -> None:
    source = PickyCart(
        [Customer(id="u1", email="ann@example.com"), Customer(id="u2", email="bob@example.com")],
        clock=clock.now,
    )
    source.broken = frozenset({"u2"})
    target = MemoryCart(clock=clock.now)
    engine = engine_for(source, target, clock)
    first = engine.full_migrate(entities=[Customer])
    assert [(f.entity, f.source_id, f.field) for f in first.failures] == [
        ("customer", "u2", "email")
    ]
    assert target.count(Customer) == 1
    clock.advance(dt.timedelta(days=1))
    again = engine.smart_update(entities=[Customer])  # incremental: fetched by id
    assert [f.source_id for f in again.failures] == ["u2"]
    assert not any("gone from the source" in w.message for w in again.warnings)
    source.broken = frozenset()  # fixed on the source, not touched since
    fixed = engine.smart_update(entities=[Customer])
    assert fixed.ok
    assert target.count(Customer) == 2


class LossyCart(MemoryCart):
    """A source whose platform holds a value the models have no place for."""

    def read(self, kind, *, since=None):  # type: ignore[no-untyped-def,override]
        for entity in super().read(kind, since=since):
            if entity.id == "p1":  # read twice in a call, warned once
                for _ in range(2):
                    self.report_not_read(
                        type(entity), "p1", "bundle_options", "a bundle's options: not read"
                    )
            yield entity


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_value_the_source_did_not_read_is_a_warning_naming_its_field(
    clock: FakeClock, dry_run: bool
) -> None:
    source = LossyCart(
        [Product(id="p1", name="Kit", sku="KIT"), Product(id="p2", name="Mug", sku="MUG")],
        clock=clock.now,
    )
    target = MemoryCart(clock=clock.now)
    report = engine_for(source, target, clock).full_migrate(dry_run=dry_run)
    said = [(w.entity, w.source_id, w.field, w.message) for w in report.warnings]
    assert said == [("product", "p1", "bundle_options", "a bundle's options: not read")]
    assert report.summary()["product"]["created"] == 2  # the rest of it migrates
    assert source.take_not_read() == []  # drained by the call


# -- regressions found in review ---------------------------------------------
def test_a_model_left_out_of_fields_keeps_its_change_for_a_later_call(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    clock.advance(dt.timedelta(hours=1))
    mug = source.get(Product, "p2")
    assert isinstance(mug, Product)
    source.add(attrs.evolve(mug, quantity=3))
    engine.smart_update(fields={Order: ["status"]})  # products not selected this time
    assert the(target, Product, sku="MUG").quantity == 10
    clock.advance(dt.timedelta(hours=1))
    engine.smart_update()
    assert the(target, Product, sku="MUG").quantity == 3


def test_an_interrupted_create_never_adopts_a_target_entity_as_its_own(
    clock: FakeClock,
) -> None:
    source = MemoryCart(
        [Customer(id="1", email="ann@example.com", first_name="Ann")], clock=clock.now
    )
    target = MemoryCart(
        [Customer(id="900", email="ann@example.com", first_name="Staff")], clock=clock.now
    )
    engine = engine_for(source, target, clock)
    target.fail_on("create")  # refused before anything landed: the intent stays pending
    engine.full_migrate(entities=[Customer])
    again = engine.full_migrate(entities=[Customer])
    assert again.summary()["customer"]["created"] == 0
    assert engine.state.get("customer", ["1"])["1"].owned is False
    engine.remigrate(confirm=True, entities=[Customer])
    assert the(target, Customer, first_name="Staff").id == "900"


def test_a_failed_variant_update_is_retried(clock: FakeClock) -> None:
    source = MemoryCart(
        [Product(id="1", sku="A", name="A", variants=[Variant(id="11", sku="A-S", quantity=5)])],
        clock=clock.now,
    )
    target = MemoryCart(clock=clock.now)
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    clock.advance(dt.timedelta(hours=1))
    product = source.get(Product, "1")
    assert isinstance(product, Product)
    source.add(attrs.evolve(product, variants=[attrs.evolve(product.variants[0], quantity=1)]))
    clock.advance(dt.timedelta(hours=1))
    target.fail_on("update")
    first = engine.smart_update()
    assert [(f.entity, f.source_id) for f in first.failures] == [("variant", "11")]
    clock.advance(dt.timedelta(days=1))  # the product is far behind the cursor now
    assert engine.smart_update().ok
    assert the(target, Product, sku="A").variants[0].quantity == 1
    assert engine.state.failures() == []


def test_an_adopted_entity_converges_on_the_selected_fields(clock: FakeClock) -> None:
    source = MemoryCart([Product(id="1", sku="MUG", name="Mug", quantity=10)], clock=clock.now)
    target = MemoryCart([Product(id="5", sku="MUG", name="Mug", quantity=7)], clock=clock.now)
    engine = engine_for(source, target, clock)
    engine.full_migrate()  # adopted as is
    assert the(target, Product, sku="MUG").quantity == 7
    engine.smart_update()
    assert the(target, Product, sku="MUG").quantity == 10


def test_a_second_full_migrate_does_not_skip_changes_for_smart_update(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    clock.advance(dt.timedelta(hours=1))
    mug = source.get(Product, "p2")
    assert isinstance(mug, Product)
    source.add(attrs.evolve(mug, quantity=2))
    clock.advance(dt.timedelta(hours=1))
    source.add(Product(id="p3", name="Cap", sku="CAP"))  # an hour after the mug's change
    clock.advance(dt.timedelta(hours=1))
    engine.full_migrate()  # picks up the cap, leaves the mug's change alone
    engine.smart_update()
    assert the(target, Product, sku="MUG").quantity == 2


def test_dry_runs_plan_what_the_real_call_then_does(clock: FakeClock) -> None:
    """Deletes of what is already gone, adoption of a SKU already there, and
    failures a call clears: the plan agrees with the real call on each."""

    def counts(report: Any, kind: str) -> dict[str, int]:
        return {k: v for k, v in report.summary()[kind].items() if v}

    source = MemoryCart(
        [Product(id="1", sku="A", name="A"), Product(id="2", sku="B", name="B")], clock=clock.now
    )
    target = MemoryCart(clock=clock.now)
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    target.remove(Product, engine.state.get("product", ["2"])["2"].target_id or "")
    planned = engine.remigrate(confirm=True, dry_run=True)
    assert counts(planned, "product") == counts(engine.remigrate(confirm=True), "product")

    source = MemoryCart([Product(id="1", sku="A", name="A")], clock=clock.now)
    target = MemoryCart([Product(id="500", sku="A", name="A")], clock=clock.now)
    engine = engine_for(source, target, clock)
    planned = engine.full_migrate(dry_run=True)
    assert (
        counts(planned, "product") == counts(engine.full_migrate(), "product") == {"unchanged": 1}
    )

    source = MemoryCart([Customer(id="1", email="x@example.com")], clock=clock.now)
    target = MemoryCart(clock=clock.now)
    engine = engine_for(source, target, clock)
    target.fail_on("create")
    engine.full_migrate()
    planned = engine.smart_update(dry_run=True)
    assert planned.reconciliation["customer"] == engine.smart_update().reconciliation["customer"]


def test_remigrating_products_remigrates_what_refers_to_them(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    report = engine.remigrate(confirm=True, entities=[Product])
    assert set(report.summary()) >= {"product", "order", "review"}
    assert any("remigrated too" in w.message for w in report.warnings)
    product_ids = {p.id for p in target.list(Product)}
    order = the(target, Order, number="1001")
    assert order.lines[0].product_id in product_ids
    assert target.count(Order) == 1
    assert target.count(Customer) == 1  # customers were not touched


def test_an_entity_that_was_already_on_the_target_keeps_its_references(
    clock: FakeClock,
) -> None:
    source = MemoryCart(
        [
            Category(id="c1", name="Mugs", slug="mugs"),
            Product(id="1", sku="MUG", name="Mug", category_ids=["c1"]),
        ],
        clock=clock.now,
    )
    target = MemoryCart(
        [
            Category(id="77", name="Kitchen", slug="kitchen"),
            Product(id="5", sku="MUG", name="Mug", category_ids=["77"]),
        ],
        clock=clock.now,
    )
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    engine.smart_update()
    engine.full_migrate()
    assert the(target, Product, sku="MUG").category_ids == ("77",)


def test_a_failed_entity_deleted_on_the_source_is_settled(clock: FakeClock) -> None:
    source = MemoryCart([Order(id="o1", number="1")], clock=clock.now)
    target = MemoryCart(clock=clock.now)
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    clock.advance(dt.timedelta(hours=1))
    source.add(Order(id="o2", number="2"))
    target.fail_on("create")
    assert engine.smart_update().failures
    source.remove(Order, "o2")
    clock.advance(dt.timedelta(days=1))
    first = engine.smart_update()
    assert any("gone from the source" in w.message for w in first.warnings)
    assert engine.state.get("order", ["o2"]) == {}
    second = engine.smart_update()
    assert not any(w.source_id == "o2" for w in second.warnings)


# -- regressions found in the second review ----------------------------------
def test_an_entity_adopted_by_full_migrate_is_compared_by_smart_update(clock: FakeClock) -> None:
    source = MemoryCart([Product(id="p1", sku="A", name="A", quantity=10)], clock=clock.now)
    target = MemoryCart([Product(id="t9", sku="A", name="A", quantity=99)], clock=clock.now)
    clock.advance(dt.timedelta(hours=1))
    source.add(Product(id="p2", sku="B", name="B", quantity=1))  # later source activity
    engine = engine_for(source, target, clock)
    engine.full_migrate(entities=[Product])
    clock.advance(dt.timedelta(hours=1))
    engine.smart_update(entities=[Product])
    assert the(target, Product, sku="A").quantity == 10


def test_verify_compares_everything_even_on_an_incremental_source(
    clock: FakeClock,
) -> None:
    source = MemoryCart([Product(id="p1", sku="A", name="A", quantity=10)], clock=clock.now)
    target = MemoryCart(clock=clock.now)
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    clock.advance(dt.timedelta(hours=1))
    source.add(Product(id="p2", sku="B", name="B", quantity=1))
    engine.smart_update()  # the cursor moves past p1
    clock.advance(dt.timedelta(hours=1))
    target.add(attrs.evolve(the(target, Product, sku="A"), quantity=0))
    engine.smart_update(verify=True)
    assert the(target, Product, sku="A").quantity == 10


def test_an_interrupted_create_of_an_entity_deleted_since_is_still_remigrated(
    clock: FakeClock,
) -> None:
    source = MemoryCart(
        [Product(id="p1", sku="A", name="A"), Product(id="p2", sku="B", name="B")], clock=clock.now
    )
    target = MemoryCart(clock=clock.now)
    engine = SyncEngine(source, target, clock=clock.now, batch_size=1)
    target.fail_on("create", nth=2, applied=True)  # B lands, its answer is lost
    engine.full_migrate()
    source.remove(Product, "p2")
    clock.advance(dt.timedelta(hours=1))
    engine.smart_update()
    engine.remigrate(confirm=True)
    assert [p.sku for p in target.list(Product)] == ["A"]


def test_a_failure_gone_from_a_scanned_source_is_settled(clock: FakeClock) -> None:
    source = MemoryCart(
        [Category(id="k1", name="One"), Category(id="k2", name="Two")], clock=clock.now
    )
    target = MemoryCart(clock=clock.now)
    engine = engine_for(source, target, clock)
    target.fail_on("create", nth=2)
    assert engine.full_migrate().failures
    source.remove(Category, "k2")
    engine.smart_update()  # categories are read in full, not incrementally
    assert engine.state.failures() == []
    assert engine.smart_update().reconciliation["category"].failed == 0


def test_a_dry_run_sees_duplicates_within_its_own_plan(clock: FakeClock) -> None:
    source = MemoryCart(
        [
            Customer(id="a", email="ann@example.com"),
            Customer(id="b", email="ANN@example.com"),
            Product(id="p", name="No SKU", slug="mug"),
        ],
        clock=clock.now,
    )
    target = MemoryCart([Product(id="9", name="Mug", sku="MUG-9", slug="mug")], clock=clock.now)
    engine = engine_for(source, target, clock)
    planned = engine.full_migrate(dry_run=True)
    real = engine.full_migrate()
    assert planned.summary() == real.summary()
    assert [f.source_id for f in planned.failures] == [f.source_id for f in real.failures] == ["b"]


def test_a_reference_the_target_cannot_set_does_not_block_other_updates(
    clock: FakeClock,
) -> None:
    class NoCustomerChange(MemoryCart):
        def update(self, kind, id, changes, *, parent_id=None):  # type: ignore[no-untyped-def,override]
            if kind is Order and "customer_id" in changes:
                raise EntityRejected("an order's customer cannot change", field="customer_id")
            super().update(kind, id, changes, parent_id=parent_id)

    source = MemoryCart(
        [
            Customer(id="u1", email="ann@example.com"),
            Order(id="o1", number="1", customer_id="u1", status="processing"),
        ],
        clock=clock.now,
    )
    target = NoCustomerChange(clock=clock.now)
    engine = engine_for(source, target, clock)
    target.fail_on("create", nth=1)  # the customer fails once: the order loses it
    engine.full_migrate()
    clock.advance(dt.timedelta(hours=1))
    order = source.get(Order, "o1")
    assert isinstance(order, Order)
    source.add(attrs.evolve(order, status="completed"))
    clock.advance(dt.timedelta(hours=1))
    first = engine.smart_update()
    second = engine.smart_update()
    assert the(target, Order, number="1").status == "completed"
    assert any("cannot set these references" in w.message for w in first.warnings)
    assert second.ok


def test_nested_changes_explain_themselves_with_deepdiff(
    source: MemoryCart, target: MemoryCart, clock: FakeClock
) -> None:
    engine = engine_for(source, target, clock)
    engine.full_migrate()
    live_changes(source)
    plan = engine.smart_update(dry_run=True)
    order = next(c for c in plan.changes if c.entity == "order" and c.action == "update")
    detail = order.fields["shipments"].detail
    assert detail is not None
    assert "iterable_item_added" in detail
    assert order.fields["status"].detail is None
