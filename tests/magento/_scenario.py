"""One offline run exercising every request the cart sends: both directions, live changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from cartmigrate import (
    Customer,
    Manufacturer,
    MemoryCart,
    MemoryStateStore,
    Order,
    Product,
    Shipment,
    StatusChange,
    SyncEngine,
)
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.models import Address, Entity
from cartmigrate.testing import StoreGenerator
from cartmigrate.testing.magento import MagentoSimulator


def fit(address: Address | None) -> Address | None:
    """A generated address with the region Magento requires for the US."""
    if address is not None and address.country == "US":
        return attrs.evolve(address, region="TX")
    return address


def source_store(seed: int = 3, *, products: int = 4, orders: int = 6) -> MemoryCart:
    generator = StoreGenerator(
        seed=seed,
        categories=4,
        manufacturers=2,
        products=products,
        customers=4,
        orders=orders,
        reviews=0,
    )
    entities: list[Entity] = []
    for entity in generator:
        if isinstance(entity, Customer):
            entity = attrs.evolve(entity, addresses=[fit(a) for a in entity.addresses])
        if isinstance(entity, Order):
            entity = attrs.evolve(
                entity,
                billing_address=fit(entity.billing_address),
                shipping_address=fit(entity.shipping_address),
            )
        entities.append(entity)
    return MemoryCart(entities)


def run(sim: MagentoSimulator) -> dict[str, Any]:
    """Memory -> simulator, a smart update after changes, then the simulator -> memory."""
    source = source_store()
    state = MemoryStateStore()
    with MagentoCart(sim.url, sim.token, transport=sim.transport) as target:
        engine = SyncEngine(source, target, state=state)
        first = engine.full_migrate()
        product = source.list(Product)[0]
        source.add(
            attrs.evolve(
                product,
                variants=[attrs.evolve(product.variants[0], quantity=99), *product.variants[1:]],
            )
        )
        order = source.list(Order)[0]
        at = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
        source.add(
            attrs.evolve(
                order,
                status="completed",
                status_history=[*order.status_history, StatusChange(status="completed", at=at)],
                shipments=[Shipment(carrier="UPS", tracking_number="1Z9", shipped_at=at)],
            )
        )
        target.update(
            Product,
            str(state.get("product", [str(product.id)])[str(product.id)].target_id),
            {"price": "12.50", "compare_at_price": "15"},
        )
        second = engine.smart_update()
        third = engine.smart_update()
        back = MemoryCart()
        fourth = SyncEngine(target, back).full_migrate()
        manufacturer = target.find(Manufacturer, source.list(Manufacturer)[0].name)
        assert manufacturer is not None and manufacturer.id is not None
        target.delete(Manufacturer, manufacturer.id)
        customer = target.find(Customer, source.list(Customer)[0].email)
        assert customer is not None and customer.id is not None
        target.update(Customer, customer.id, {"first_name": "Renamed"})
        target.delete(Customer, customer.id)
        return {
            "source": source,
            "state": state,
            "reports": [first, second, third, fourth],
            "back": back,
            "requests": target.requests,
        }
