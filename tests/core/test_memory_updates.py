"""``MemoryCart.update`` checks what an update sends, as a platform does.

A changed SKU or e-mail must still be unique and a changed reference must
still point at an entity the store holds; a key changed is found by its new
value only; an update of other fields (an order's status) is not refused
for what it did not send.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cartmigrate import (
    Category,
    Customer,
    DuplicateEntity,
    EntityRejected,
    MemoryCart,
    Order,
    OrderStatus,
    Product,
    Review,
    Variant,
)
from cartmigrate.testing import FakeClock


def _cart() -> MemoryCart:
    return MemoryCart(
        [
            Product(id="p1", sku="TEE", name="Tee", variants=[Variant(id="v1", sku="TEE-S")]),
            Product(id="p2", sku="CAP", name="Cap"),
            Customer(id="u1", email="ann@example.com"),
            Customer(id="u2", email="bob@example.com"),
            Order(id="o1", number="1001", customer_id="u1", total="10"),
        ]
    )


def test_a_changed_reference_must_point_at_something() -> None:
    cart = _cart()
    with pytest.raises(EntityRejected) as refused:
        cart.update(Order, "o1", {"customer_id": "u9"})
    assert refused.value.field == "customer_id"
    cart.update(Order, "o1", {"customer_id": "u2"})
    assert cart.get(Order, "o1").customer_id == "u2"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kind", "entity_id", "changes", "field"),
    [
        (Product, "p2", {"sku": "tee"}, "sku"),
        (Product, "p2", {"variants": [Variant(id="v9", sku="TEE-S")]}, "sku"),
        (Customer, "u2", {"email": "ANN@example.com"}, "email"),
    ],
)
def test_a_changed_key_must_stay_unique(
    kind: type[Product] | type[Customer], entity_id: str, changes: dict[str, object], field: str
) -> None:
    cart = _cart()
    with pytest.raises(DuplicateEntity) as refused:
        cart.update(kind, entity_id, changes)
    assert refused.value.field == field


def test_a_changed_key_is_found_by_its_new_value_only() -> None:
    cart = _cart()
    cart.update(Product, "p2", {"sku": "HAT"})
    assert cart.find(Product, "hat") is not None
    assert cart.find(Product, "CAP") is None
    cart.update(Customer, "u2", {"email": "bobby@example.com"})
    assert cart.find(Customer, "bobby@example.com") is not None
    assert cart.find(Customer, "bob@example.com") is None
    cart.update(Product, "p2", {"name": "Hat"})  # no key moved: still found
    assert cart.find(Product, "HAT") is not None


def test_an_update_is_not_refused_for_what_it_did_not_send() -> None:
    """The order's customer is gone (deleted on the store): a status update
    still goes through, as on a platform, which checks what it is sent."""
    cart = _cart()
    cart.remove(Customer, "u1")
    cart.update(Order, "o1", {"status": OrderStatus.COMPLETED})
    assert cart.get(Order, "o1").status is OrderStatus.COMPLETED  # type: ignore[union-attr]


def test_an_update_moves_updated_at_and_is_read_since_then() -> None:
    # As a platform stamps a write: an update of a field, of a variant (its
    # product is what changed), and one that sends updated_at itself.
    clock = FakeClock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    cart = MemoryCart(
        [
            Product(id="p1", sku="TEE", name="Tee", variants=[Variant(id="v1", sku="TEE-S")]),
            Product(id="p2", sku="CAP", name="Cap"),
            Order(id="o1", number="1001", total="10"),
        ],
        clock=clock.now,
    )
    clock.advance(dt.timedelta(hours=1))
    since = clock.now()
    cart.update(Order, "o1", {"status": OrderStatus.COMPLETED})
    cart.update(Variant, "v1", {"quantity": 3}, parent_id="p1")
    cart.update(Product, "p2", {"updated_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)})
    for kind, entity_id in ((Order, "o1"), (Product, "p1"), (Product, "p2")):
        entity = cart.get(kind, entity_id)
        assert entity is not None and entity.updated_at == since, (entity_id, entity)
    assert {p.id for p in cart.read(Product, since=since)} == {"p1", "p2"}
    assert [o.id for o in cart.read(Order, since=since)] == ["o1"]


def test_the_referring_fields_are_those_references_are_read_from() -> None:
    """``referring_fields`` (what an update must send to move a reference, and
    what a smart update translates) agrees with ``_reference_triples``."""
    from cartmigrate.models._references import _reference_triples, referring_fields

    entities = [
        Category(id="c2", name="Sub", parent_id="c1"),
        Product(
            id="p1",
            sku="TEE",
            name="Tee",
            category_ids=["c1"],
            manufacturer_id="m1",
        ),
        Product(id="g1", sku="SET", name="Set", product_type="grouped", grouped_product_ids=["p1"]),
        Order(
            id="o1",
            number="1",
            customer_id="u1",
            total="1",
            lines=[{"sku": "TEE", "name": "Tee", "quantity": 1, "price": "1", "product_id": "p1"}],
        ),
        Review(id="r1", product_id="p1", customer_id="u1", rating=5, author="Ann", body="ok"),
    ]
    for entity in entities:
        read = {field.split(".")[0] for field, _, _ in _reference_triples(entity)}
        assert read <= referring_fields(type(entity)), entity
    every = {
        field.split(".")[0] for entity in entities for field, _, _ in _reference_triples(entity)
    }
    declared = set().union(*(referring_fields(type(e)) for e in entities))
    assert every == declared
    assert referring_fields(Customer) == frozenset()


def test_the_types_pointed_to_are_those_references_point_to() -> None:
    """``pointed_to`` (the kinds whose target ids a call keeps at hand while it
    holds the lock) names every type a reference of a generated store points to."""
    from cartmigrate.models._references import _reference_triples, pointed_to
    from cartmigrate.testing import StoreGenerator

    store = StoreGenerator(seed=3, categories=8, products=30, customers=20, orders=60, reviews=10)
    grouped = Product(
        id="g1", sku="SET", name="Set", product_type="grouped", grouped_product_ids=["p1"]
    )
    found: dict[type, set[type]] = {}
    for entity in [*store, grouped]:
        for _, kind, _ in _reference_triples(entity):
            found.setdefault(type(entity), set()).add(kind)
    assert set(found) == {Category, Product, Order, Review}
    for kind, kinds in found.items():
        assert kinds == pointed_to(kind), kind
    assert pointed_to(Customer) == frozenset()


def test_a_compared_entity_reaches_as_stored_with_the_targets_ids() -> None:
    """A connector may build its payload to say how an entity is stored (the
    WooCommerce cart does, for a review), and a payload needs the target's
    ids: a smart update translates the references of what it compares, even
    where no selected field holds one (CI found this on the real store)."""
    import datetime as dt

    from cartmigrate import SyncEngine
    from cartmigrate.testing import FakeClock

    class PayloadTarget(MemoryCart):
        def as_stored(self, entity):  # type: ignore[no-untyped-def]
            if isinstance(entity, Order) and self.get(Customer, entity.customer_id or "") is None:
                raise EntityRejected(f"no customer {entity.customer_id}", entity="order")
            return entity

    clock = FakeClock(dt.datetime(2024, 5, 1, tzinfo=dt.UTC), tick=dt.timedelta(seconds=1))
    source = MemoryCart(
        [
            Customer(id="u1", email="ann@example.com"),
            Order(id="o1", number="1001", customer_id="u1", total="10"),
        ],
        clock=clock.now,
    )
    engine = SyncEngine(source, PayloadTarget(name="new"), clock=clock.now)
    assert engine.full_migrate().ok
    clock.advance(dt.timedelta(hours=1))
    source.update(Order, "o1", {"status": OrderStatus.COMPLETED})
    report = engine.smart_update(verify=True)
    assert report.ok, report.failures
    assert report.summary()["order"]["updated"] == 1


@pytest.mark.parametrize("seed", range(6))
def test_a_read_since_a_time_is_what_a_scan_would_find(seed: int) -> None:
    """``MemoryCart`` answers "updated since" from an index of its writes; in
    any sequence of creates, updates, removals and re-adds, under a clock
    that mostly moves on and sometimes goes back, it returns what filtering
    the whole store would, in the same order."""
    import datetime as dt
    import random

    rng = random.Random(seed)
    now = [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)]

    def clock() -> dt.datetime:
        now[0] += dt.timedelta(seconds=rng.choice([0, 1, 1, 5, -3 if rng.random() < 0.1 else 2]))
        return now[0]

    cart = MemoryCart(clock=clock)
    ids: list[str] = []
    for step in range(6000):  # past twice the store and 1,024 writes: the log is rebuilt
        roll = rng.random()
        if roll < 0.35 or not ids:
            ids.append(f"c{step}")
            cart.add(Customer(id=ids[-1], email=f"c{step}@example.com"))
        elif roll < 0.8:
            cart.update(Customer, rng.choice(ids), {"first_name": f"n{step}"})
        elif roll < 0.9:
            gone = ids.pop(rng.randrange(len(ids)))
            cart.remove(Customer, gone)
            if rng.random() < 0.5:  # back again: at the end of the store's order
                ids.append(gone)
                cart.add(Customer(id=gone, email=f"{gone}@example.com"))
        if step % 100 == 0:
            stored = cart.list(Customer)
            stamps = sorted({c.updated_at for c in stored if c.updated_at is not None})
            for since in [stamps[0], *rng.sample(stamps, min(5, len(stamps))), now[0]]:
                expected = [c for c in stored if c.updated_at is None or c.updated_at >= since]
                assert list(cart.read(Customer, since=since)) == expected, (step, since)
