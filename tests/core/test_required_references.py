"""A target that cannot add a reference after the create (``required_references``)
gets the entity only once the referenced create has finished."""

from __future__ import annotations

from cartmigrate import Customer, MemoryCart, Order, OrderLine, SyncEngine
from cartmigrate.models import Entity


class _NoLateCustomers(MemoryCart):
    def required_references(self, kind: type[Entity]) -> frozenset[str]:
        return frozenset({"customer_id"}) if kind is Order else frozenset()


def _source() -> MemoryCart:
    return MemoryCart(
        [
            Customer(id="c1", email="ann@example.com"),
            Order(
                id="o1",
                number="#1",
                customer_id="c1",
                lines=[OrderLine(sku="A", name="A", quantity=1, price="1")],
            ),
        ]
    )


def test_an_order_waits_while_its_customers_create_is_unknown() -> None:
    target = _NoLateCustomers()
    target.fail_on("create", applied=False)  # the customer's create fails, for now
    engine = SyncEngine(_source(), target)
    first = engine.full_migrate()
    assert list(target.read(Order)) == []
    [waiting] = [f for f in first.failures if f.entity == "order"]
    assert (waiting.source_id, waiting.field) == ("o1", "customer_id")
    assert "waits for customer c1" in waiting.message
    assert not engine.full_migrate().failures
    [customer] = list(target.read(Customer))
    [order] = list(target.read(Order))
    assert order.customer_id == customer.id


def test_a_target_that_can_add_it_later_is_not_held_back() -> None:
    target = MemoryCart()
    target.fail_on("create", applied=False)
    first = SyncEngine(_source(), target).full_migrate()
    assert [f.entity for f in first.failures] == ["customer"]
    [order] = list(target.read(Order))  # created now, repaired later
    assert order.customer_id is None
