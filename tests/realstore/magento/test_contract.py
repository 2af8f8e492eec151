"""The contract suite every cart passes, against the real Magento store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from cartmigrate import Cart, Category, Customer, Order, Product
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.models import Entity
from cartmigrate.testing import CartContract

from .._stores import RealStore
from .conftest import Raw


@pytest.fixture(scope="module", autouse=True)
def _baseline(real_magento: RealStore) -> Iterator[None]:
    real_magento.reset()
    yield
    real_magento.reset()


class TestRealMagentoContract(CartContract):
    @pytest.fixture
    def cart(self, make_cart: Any) -> MagentoCart:
        cart: MagentoCart = make_cart()
        return cart

    @pytest.mark.parametrize("kind", [Category, Customer, Order], ids=lambda k: k.kind)
    def test_create_then_get_read_and_find(self, cart: Cart, kind: type[Entity]) -> None:
        # Products are left to the test below: reading all of them here would read
        # the 1,999-product catalogue a second time (test_read reads it once).
        super().test_create_then_get_read_and_find(cart, kind)

    def test_created_product_is_got_found_and_listed_by_id(self, cart: MagentoCart) -> None:
        product = self.make_product()
        created = cart.create(product)
        assert cart.get(Product, created.id) is not None
        found = cart.find(Product, str(product.sku))
        assert found is not None and found.id == created.id
        assert created.id in cart.get_many(Product, [created.id, "1"])


def test_customers_and_orders_read_incrementally(make_cart: Any, raw: Raw) -> None:
    cart: MagentoCart = make_cart()
    created = cart.create(CartContract().make_customer())
    stamp = raw.get(f"customers/{created.id}")["updated_at"]
    at = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.UTC)
    assert created.id in {c.id for c in cart.read(Customer, since=at)}
    later = {c.id for c in cart.read(Customer, since=at + dt.timedelta(seconds=1))}
    assert created.id not in later
    assert "1" not in later  # the seeded customer is older
    orders = list(cart.read(Order, since=dt.datetime(2999, 1, 1, tzinfo=dt.UTC)))
    assert orders == []


def test_an_order_reserves_and_deducts_no_stock_and_sends_no_mail(
    make_cart: Any, raw: Raw, real_magento: RealStore
) -> None:
    cart: MagentoCart = make_cart()
    contract = CartContract()
    product = cart.create(contract.make_product())
    fetched = cart.get(Product, product.id)
    assert fetched is not None and fetched.sku is not None
    sku = fetched.sku
    before = (raw.stock()[sku], raw.salable(sku), real_magento.mails())
    order = cart.create(contract.make_order(product, None))
    assert cart.get(Order, order.id) is not None
    assert (raw.stock()[sku], raw.salable(sku), real_magento.mails()) == before
