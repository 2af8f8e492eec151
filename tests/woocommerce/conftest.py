"""Fixtures for the WooCommerce tests: a simulator on a fake clock, a connector
talking to it, a small synthetic store, and a recorder that checks every
request against the official v3 reference tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cartmigrate import MemoryCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import FakeClock, generate_store
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from ._spec import SpecIndex

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_fedcba9876543210fedcba9876543210fedcba98"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "woocommerce"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sim(clock: FakeClock) -> Callable[..., WooCommerceSimulator]:
    def make(**options: Any) -> WooCommerceSimulator:
        options.setdefault("clock", clock)
        return WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET, **options)

    return make


@pytest.fixture
def sim(make_sim: Callable[..., WooCommerceSimulator]) -> WooCommerceSimulator:
    return make_sim()


@pytest.fixture
def make_cart(tmp_path: Path) -> Iterator[Callable[..., WooCommerceCart]]:
    made: list[WooCommerceCart] = []

    def make(simulator: WooCommerceSimulator, **options: Any) -> WooCommerceCart:
        options.setdefault("email_record_dir", tmp_path / "email-records")
        options.setdefault("requests_per_second", 1000.0)
        options.setdefault("burst", 1000.0)
        cart = WooCommerceCart(
            "https://shop.example",
            options.pop("key", KEY),
            options.pop("secret", SECRET),
            transport=options.pop("transport", simulator.transport),
            clock=simulator.clock.monotonic,
            sleep=simulator.clock.sleep,
            **options,
        )
        made.append(cart)
        return cart

    yield make
    for cart in made:
        cart.close()


@pytest.fixture
def cart(sim: WooCommerceSimulator, make_cart: Callable[..., WooCommerceCart]) -> WooCommerceCart:
    return make_cart(sim)


@pytest.fixture
def small_store() -> MemoryCart:
    """A store with every entity type: variable products, customers, orders, reviews."""
    return MemoryCart(
        generate_store(
            seed=3, products=12, customers=8, orders=15, categories=5, manufacturers=3, reviews=6
        )
    )


@pytest.fixture(scope="session")
def spec(shared_dir: Path) -> SpecIndex:
    return SpecIndex.load(shared_dir / "specs" / "woocommerce")
