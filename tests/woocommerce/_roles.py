"""Customers of another WordPress role: on the real store and the simulator.

WooCommerce's ``/customers`` lists only the users whose role is
``customer`` unless asked ``role=all``: a subscriber, a shop manager or an
administrator who bought from the shop was left out of a read, its count,
an e-mail search and the adoption of a taken e-mail, and its orders lost
their customer. One scenario, run on both stores (``make_staff`` gives a
user another role: through the simulator's store, or SQL on the real one).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cartmigrate import (
    Customer,
    DuplicateEntity,
    MemoryCart,
    Order,
    OrderLine,
    Product,
    SyncEngine,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart


def staff_are_customers_too(cart: WooCommerceCart, make_staff: Callable[[str], None]) -> None:
    buyer = cart.create(Customer(email="buyer@example.com", first_name="Bea"))
    staff = cart.create(Customer(email="staff@example.com", first_name="Sam"))
    assert staff.id is not None and buyer.id is not None
    make_staff(staff.id)
    before = cart.count(Customer)

    assert sorted(c.id for c in cart.read(Customer) if c.id in (buyer.id, staff.id)) == sorted(
        [buyer.id, staff.id]
    )
    assert before is not None and before >= 2
    assert (found := cart.find(Customer, "staff@example.com")) is not None
    assert found.id == staff.id
    assert set(cart.get_many(Customer, [staff.id])) == {staff.id}
    with pytest.raises(DuplicateEntity) as taken:
        cart.create(Customer(email="staff@example.com"))
    assert taken.value.existing_id == staff.id  # so the engine can adopt it

    # Read from, the staff member and their order arrive together.
    mug = cart.create(Product(name="Role mug", sku="ROLE-MUG", price="5", quantity=5))
    order = cart.create(
        Order(
            number="R-1",
            customer_id=staff.id,
            lines=[OrderLine(name="Mug", sku="ROLE-MUG", product_id=mug.id, quantity=1, price="5")],
        )
    )
    target = MemoryCart(name="new")
    report = SyncEngine(cart, target).full_migrate()
    assert not [f for f in report.failures if f.source_id in (staff.id, order.id)]
    assert not [w for w in report.warnings if w.source_id in (staff.id, order.id)]
    read = cart.get(Order, str(order.id))
    assert read is not None and read.customer_id == staff.id
    moved = target.find(Order, read.number)  # WooCommerce numbers an order by its id
    assert moved is not None and moved.customer_id is not None
    moved_customer = target.get(Customer, moved.customer_id)
    assert moved_customer is not None and moved_customer.email == "staff@example.com"

    # Clearing the shop's customers deletes the customers, not its staff.
    cart.clear(Customer)
    assert cart.get(Customer, staff.id) is not None
    assert cart.get(Customer, buyer.id) is None
