"""The contract test suite every connector passes: subclass it in your tests.

    from cartmigrate.testing import CartContract

    class TestMyCart(CartContract):
        @pytest.fixture
        def cart(self):
            return MyCart(..., transport=my_simulator.transport)

Each test checks one promise of the ``Cart`` contract that the engine relies
on, for the entity types the cart declares in its capabilities; types it does
not declare are skipped with the reason. Needs pytest (the ``test`` extra).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any, ClassVar

import pytest

from .._exceptions import CartMigrateError, EntityNotFound
from ..connectors import Cart, Created
from ..models import (
    Address,
    Category,
    Customer,
    Entity,
    Order,
    OrderLine,
    Product,
    Variant,
)

__all__ = ["CartContract"]


def _token() -> str:
    return uuid.uuid4().hex[:8]


class CartContract:
    """Checks a ``cart`` fixture (a fresh, empty, writable cart) against the contract."""

    #: Override to leave out checks a platform cannot honour, with the reason.
    order_number_preserved: ClassVar[bool] = True

    @pytest.fixture
    def cart(self) -> Cart:  # pragma: no cover - must be overridden
        raise NotImplementedError("override the `cart` fixture")

    # -- sample entities (override to fit a platform) ---------------------
    def make_category(self, **changes: Any) -> Category:
        token = _token()
        return Category(name=f"Category {token}", slug=f"category-{token}", **changes)

    def make_product(self, **changes: Any) -> Product:
        token = _token()
        fields: dict[str, Any] = {
            "name": f"Product {token}",
            "sku": f"SKU-{token}",
            "price": decimal.Decimal("19.90"),
            "quantity": 7,
            "description": "<p>Contract test product</p>",
        }
        fields.update(changes)
        return Product(**fields)

    def make_variable_product(self) -> Product:
        token = _token()
        return Product(
            name=f"Shirt {token}",
            sku=f"SHIRT-{token}",
            price=decimal.Decimal("25"),
            variants=[
                Variant(sku=f"SHIRT-{token}-S", price="25", quantity=3, options={"Size": "S"}),
                Variant(sku=f"SHIRT-{token}-M", price="25", quantity=4, options={"Size": "M"}),
            ],
        )

    def make_customer(self, **changes: Any) -> Customer:
        token = _token()
        fields: dict[str, Any] = {
            "email": f"contract-{token}@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "addresses": [
                Address(line1="1 Main St", city="Berlin", postcode="10115", country="DE")
            ],
        }
        fields.update(changes)
        return Customer(**fields)

    def make_order(self, product: Created, customer: Created | None) -> Order:
        return Order(
            number=f"9{uuid.uuid4().int % 10**6:06d}",
            customer_id=customer.id if customer else None,
            email="buyer@example.com",
            status="processing",
            currency="EUR",
            lines=[OrderLine(product_id=product.id, name="Line", quantity=2, price="19.90")],
            total="39.80",
            created_at=dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC),
        )

    # -- helpers ----------------------------------------------------------
    def _need(self, cart: Cart, kind: type[Entity], *, write: bool = True) -> None:
        caps = cart.capabilities
        if kind not in (caps.writes if write else caps.reads):
            pytest.skip(f"{cart.name} does not {'write' if write else 'read'} {kind.kind}")

    def _make(self, cart: Cart, kind: type[Entity]) -> tuple[Entity, Created]:
        if kind is Category:
            entity: Entity = self.make_category()
        elif kind is Product:
            entity = self.make_product()
        elif kind is Customer:
            entity = self.make_customer()
        elif kind is Order:
            product = cart.create(self.make_product())
            entity = self.make_order(product, None)
        else:  # pragma: no cover
            raise AssertionError(kind)
        return entity, cart.create(entity)

    # -- the contract -----------------------------------------------------
    def test_capabilities_are_consistent(self, cart: Cart) -> None:
        caps = cart.capabilities
        assert caps.batch_size >= 1
        assert caps.incremental <= caps.reads, "incremental types must be readable"

    @pytest.mark.parametrize("kind", [Category, Product, Customer, Order], ids=lambda k: k.kind)
    def test_create_then_get_read_and_find(self, cart: Cart, kind: type[Entity]) -> None:
        self._need(cart, kind)
        entity, created = self._make(cart, kind)
        assert isinstance(created.id, str) and created.id
        fetched = cart.get(kind, created.id)
        assert fetched is not None and fetched.id == created.id
        assert created.id in {e.id for e in cart.read(kind)}
        key = entity.natural_key
        if key is not None and (kind is not Order or self.order_number_preserved):
            found = cart.find(kind, key)
            assert found is not None and found.id == created.id

    def test_created_product_keeps_what_was_sent(self, cart: Cart) -> None:
        self._need(cart, Product)
        product = self.make_product()
        created = cart.create(product)
        fetched = cart.get(Product, created.id)
        assert isinstance(fetched, Product)
        assert (fetched.name, fetched.sku) == (product.name, product.sku)
        assert fetched.quantity == product.quantity

    def test_create_returns_variant_ids_in_order(self, cart: Cart) -> None:
        self._need(cart, Product)
        product = self.make_variable_product()
        created = cart.create(product)
        assert len(created.variant_ids) == len(product.variants)
        fetched = cart.get(Product, created.id)
        assert isinstance(fetched, Product)
        by_id = {v.id: v for v in fetched.variants}
        for variant, variant_id in zip(product.variants, created.variant_ids, strict=True):
            assert by_id[variant_id].sku == variant.sku

    def test_partial_update_changes_only_named_fields(self, cart: Cart) -> None:
        self._need(cart, Product)
        product = self.make_product()
        created = cart.create(product)
        cart.update(Product, created.id, {"quantity": 2})
        fetched = cart.get(Product, created.id)
        assert isinstance(fetched, Product)
        assert fetched.quantity == 2
        assert (fetched.name, fetched.sku) == (product.name, product.sku)

    def test_variant_update_uses_its_product(self, cart: Cart) -> None:
        self._need(cart, Product)
        created = cart.create(self.make_variable_product())
        cart.update(Variant, created.variant_ids[0], {"quantity": 0}, parent_id=created.id)
        fetched = cart.get(Product, created.id)
        assert isinstance(fetched, Product)
        quantities = {v.id: v.quantity for v in fetched.variants}
        assert quantities[created.variant_ids[0]] == 0
        assert quantities[created.variant_ids[1]] == 4

    def test_create_many_fails_items_alone(self, cart: Cart) -> None:
        self._need(cart, Customer)
        good = self.make_customer()
        results = cart.create_many([good, self.make_customer(email=good.email)])
        assert isinstance(results[0], Created)
        assert isinstance(results[1], CartMigrateError), "a duplicate e-mail must fail"

    def test_delete_then_get_is_none(self, cart: Cart) -> None:
        self._need(cart, Customer)
        created = cart.create(self.make_customer())
        cart.delete(Customer, created.id)
        assert cart.get(Customer, created.id) is None
        with pytest.raises(EntityNotFound):
            cart.delete(Customer, created.id)

    def test_incremental_read_filters_by_time(self, cart: Cart) -> None:
        self._need(cart, Product)
        if Product not in cart.capabilities.incremental:
            pytest.skip(f"{cart.name} cannot read products incrementally")
        created = cart.create(self.make_product())
        long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        far_ahead = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
        assert created.id in {p.id for p in cart.read(Product, since=long_ago)}
        assert created.id not in {p.id for p in cart.read(Product, since=far_ahead)}

    def test_source_reference_finds_the_entity(self, cart: Cart) -> None:
        self._need(cart, Product)
        if not cart.capabilities.source_refs:
            pytest.skip(f"{cart.name} does not keep source references")
        ref = f"contract:product:{_token()}"
        created = cart.create(self.make_product(), source_ref=ref)
        found = cart.find_by_source_ref(Product, ref)
        assert found is not None and found.id == created.id

    def test_count_matches_read_when_known(self, cart: Cart) -> None:
        self._need(cart, Customer)
        for _ in range(3):
            cart.create(self.make_customer())
        count = cart.count(Customer)
        if count is None:
            pytest.skip(f"{cart.name} does not count cheaply")
        assert count == sum(1 for _ in cart.read(Customer))

    def test_missing_entity_is_none(self, cart: Cart) -> None:
        self._need(cart, Customer, write=False)
        assert cart.get(Customer, "999999999") is None
