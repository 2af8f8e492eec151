"""Fixtures for the offline PrestaShop tests: a simulator and a connector on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.prestashop import PrestaShopSimulator


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> PrestaShopSimulator:
    return PrestaShopSimulator(clock=clock.now)


@pytest.fixture
def make_cart(tmp_path: Path) -> Iterator[Callable[..., PrestaShopCart]]:
    made: list[PrestaShopCart] = []

    def make(simulator: PrestaShopSimulator, **options: Any) -> PrestaShopCart:
        # The record of e-mails switched off lives in the test's own directory.
        options.setdefault("mail_record_dir", tmp_path / "mails")
        options.setdefault("requests_per_second", 10_000.0)
        options.setdefault("burst", 10_000.0)
        cart = PrestaShopCart(
            simulator.url,
            options.pop("key", simulator.key),
            transport=options.pop("transport", simulator.transport),
            **options,
        )
        made.append(cart)
        return cart

    yield make
    for cart in made:
        cart.close()


@pytest.fixture
def cart(sim: PrestaShopSimulator, make_cart: Callable[..., PrestaShopCart]) -> PrestaShopCart:
    return make_cart(sim)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
