"""Recording what a cart exchanges with a store, and how alike two recordings are."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx

from cartmigrate import (
    Address,
    Category,
    Customer,
    EntityRejected,
    Manufacturer,
    Order,
    OrderLine,
    Product,
    Shipment,
    ShipmentLine,
    StatusChange,
    Variant,
)
from cartmigrate.connectors.magento import MagentoCart

#: Keys whose values differ between any two stores (ids, times, generated codes).
_VOLATILE = re.compile(
    r"(^|_)(id|ids|at|date|code|index|value|item_id|entity_id|links|path|children|position|"
    r"protect_code|increment_id|additional_data|url)$"
)


@attrs.define
class Exchange:
    method: str
    path: str
    status: int
    body: Any


class Recorder(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        try:
            body = json.loads(response.content) if response.content.strip() else None
        except ValueError:
            body = response.text
        path = re.sub(r"/\d+(?=/|$)", "/{n}", request.url.path.split("/V1/", 1)[-1])
        path = re.sub(r"-[0-9a-f]{6}(?=/|$)", "-{t}", path)
        self.exchanges.append(Exchange(request.method, path, response.status_code, body))
        return response


def _flat(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "custom_attributes" and isinstance(item, list):
                item = {c.get("attribute_code"): c.get("value") for c in item}
            yield from _flat(item, f"{prefix}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _flat(item, f"{prefix}[]")
        if not value:
            yield f"{prefix}[]", "empty"
    else:
        yield prefix, value


def alike(a: Exchange, b: Exchange) -> tuple[bool, str]:
    """Whether two answers are alike: same request and status, keys, and stable values."""
    if (a.method, a.path, a.status) != (b.method, b.path, b.status):
        return False, f"{a.method} {a.path} {a.status} vs {b.method} {b.path} {b.status}"
    if all(isinstance(x.body, (str, int)) and str(x.body).isdigit() for x in (a, b)):
        return True, ""  # a new id, as both stores answer a create
    left, right = dict(_flat(a.body)), dict(_flat(b.body))
    keys_a, keys_b = set(left), set(right)
    union = keys_a | keys_b
    if union and len(keys_a & keys_b) / len(union) < 0.9:
        return False, f"{a.method} {a.path}: keys {sorted(keys_a ^ keys_b)[:8]}"
    for key in keys_a & keys_b:
        last = key.rsplit(".", 1)[-1].rstrip("[]")
        if _VOLATILE.search(last) or "custom_attributes" in key:
            continue
        if str(left[key]) != str(right[key]):
            return False, f"{a.method} {a.path}: {key} {left[key]!r} vs {right[key]!r}"
    return True, ""


def scenario(cart: MagentoCart, token: str) -> None:
    """What the cart does in a migration, on the seeded records and a few new ones."""
    # Types both baselines hold alike (the real store has the sample catalogue too).
    for kind in (Customer, Order, Manufacturer):
        list(cart.read(kind))
        cart.count(kind)
    cart.find(Category, "rm-category")
    cart.get_many(Product, ["1", "2", "5"])
    cart.find(Product, "RM-CONF-1")
    cart.find(Customer, "jane@example.test")
    cart.find(Order, "000000001")
    cart.get(Customer, "999999")
    category = cart.create(Category(name=f"Fidelity {token}", slug=f"fidelity-{token}"))
    child = cart.create(Category(name=f"Sub {token}", slug=f"sub-{token}", parent_id=category.id))
    cart.update(Category, child.id, {"name": f"Sub renamed {token}"})
    simple = cart.create(
        Product(
            name=f"Mug {token}",
            sku=f"FID-{token}",
            price="9.5",
            quantity=5,
            category_ids=[category.id],
            description="<p>A mug</p>",
            weight="0.3",
        )
    )
    for attempt in (
        lambda: cart.create(Product(name="Again", sku=f"FID-{token}", price="1")),
        lambda: cart.create(
            Product(name="Slug", sku=f"FIDS-{token}", price="1", slug=f"mug-{token}-fid-{token}")
        ),
        lambda: cart.create(Category(name="Dup", slug=f"fidelity-{token}")),
    ):
        with contextlib.suppress(EntityRejected):
            attempt()
    shirt = cart.create(
        Product(
            name=f"Tee {token}",
            sku=f"TEE-{token}",
            price="20",
            variants=[
                Variant(sku=f"TEE-{token}-S", price="20", quantity=3, options={"Size": "S"}),
                Variant(sku=f"TEE-{token}-M", price="22", quantity=4, options={"Size": "M"}),
            ],
        )
    )
    cart.update(Variant, shirt.variant_ids[0], {"quantity": 1}, parent_id=shirt.id)
    cart.update(Product, simple.id, {"price": "8", "compare_at_price": "9.5", "quantity": 2})
    cart.get_many(Product, [simple.id, shirt.id])
    address = Address(
        first_name="Ann",
        last_name="Fid",
        line1="3 Oak St",
        city="Austin",
        region="TX",
        postcode="78701",
        country="US",
        phone="5550101",
    )
    customer = cart.create(
        Customer(
            email=f"fid-{token}@example.com",
            first_name="Ann",
            last_name="Fid",
            addresses=[address],
            group="General",
        )
    )
    with contextlib.suppress(EntityRejected):
        cart.create(Customer(email=f"fid-{token}@example.com", first_name="Ann", last_name="Fid"))
    cart.update(Customer, customer.id, {"last_name": "Fidelity"})
    placed = dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC)
    order = cart.create(
        Order(
            number=f"FID-{token}",
            customer_id=customer.id,
            email=f"fid-{token}@example.com",
            status="processing",
            currency="USD",
            subtotal="42",
            shipping_total="5",
            total="47",
            lines=[
                OrderLine(
                    product_id=simple.id, sku=f"FID-{token}", name="Mug", quantity=2, price="10"
                ),
                OrderLine(
                    product_id=shirt.id,
                    variant_id=shirt.variant_ids[1],
                    sku=f"TEE-{token}-M",
                    name="Tee M",
                    quantity=1,
                    price="22",
                ),
            ],
            billing_address=address,
            shipping_address=address,
            status_history=[StatusChange(status="pending", at=placed)],
            created_at=placed,
        )
    )
    shipped = placed + dt.timedelta(days=1)
    cart.update(
        Order,
        order.id,
        {
            "status": "completed",
            "status_history": (
                StatusChange(status="pending", at=placed),
                StatusChange(status="completed", at=shipped, comment="Shipped"),
            ),
            "shipments": (
                Shipment(  # a shipment document (the order's items unlinked, then linked)
                    carrier="UPS",
                    tracking_number=f"1Z{token}",
                    shipped_at=shipped,
                    lines=[
                        ShipmentLine(sku=f"FID-{token}", quantity=2),
                        ShipmentLine(sku=f"TEE-{token}-M", quantity=1),
                    ],
                ),
            ),
        },
    )
    cart.get(Order, order.id)
    manufacturer = cart.create(Manufacturer(name=f"Brand {token}"))
    cart.delete(Manufacturer, str(manufacturer.id))
    cart.delete(Customer, customer.id)
    cart.delete(Product, shirt.id)
    cart.delete(Category, child.id)


def compare(real: list[Exchange], simulated: list[Exchange]) -> tuple[float, list[str]]:
    """Share of the real store's exchanges the simulator answered alike, and the differences."""
    same = 0
    notes: list[str] = []
    for position, exchange in enumerate(real):
        other = simulated[position] if position < len(simulated) else None
        if other is None:
            notes.append(f"{exchange.method} {exchange.path}: no counterpart")
            continue
        ok, why = alike(exchange, other)
        same += ok
        if not ok:
            notes.append(why)
    return same / max(1, len(real)), notes


Factory = Callable[[httpx.BaseTransport], MagentoCart]
