"""Fixtures for the tests against the real WooCommerce 7.9 store (``/opt/realwoo``).

``woo`` is a ``WooCommerceCart`` on the real store, closed after the test;
``woo_db`` runs SQL on the store's own database, for what REST cannot tell.
Each test that needs the baseline resets the store itself.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cartmigrate.connectors.woocommerce import WooCommerceCart

from .._stores import RealStore

URL = "http://127.0.0.1:8089"
MYCNF = "/opt/realwoo/my.cnf"
#: Where the carts of these tests record the e-mails they switch off (see _emails.py).
RECORDS = Path(tempfile.gettempdir()) / "cartmigrate-realwoo-email-records"


def make_real_cart(store: RealStore, **options: Any) -> WooCommerceCart:
    creds = store.credentials
    # The store is PHP's development server: 8 workers, shared with WP's own work.
    options.setdefault("requests_per_second", 50.0)
    options.setdefault("burst", 50.0)
    options.setdefault("max_concurrency", 3)
    options.setdefault("timeout", 60.0)
    options.setdefault("email_record_dir", RECORDS)
    return WooCommerceCart(URL, creds["WOO_CK"], creds["WOO_CS"], **options)


@pytest.fixture
def make_woo(real_woocommerce: RealStore) -> Iterator[Callable[..., WooCommerceCart]]:
    made: list[WooCommerceCart] = []

    def make(**options: Any) -> WooCommerceCart:
        cart = make_real_cart(real_woocommerce, **options)
        made.append(cart)
        return cart

    yield make
    for cart in made:
        cart.close()


@pytest.fixture
def woo(make_woo: Callable[..., WooCommerceCart]) -> WooCommerceCart:
    return make_woo()


def sql(query: str) -> list[list[str]]:
    """Rows of a query on the store's database (tab-separated, no header)."""
    out = subprocess.run(
        ["mariadb", f"--defaults-file={MYCNF}", "-uroot", "woo", "-N", "-B", "-e", query],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


@pytest.fixture
def woo_db(real_woocommerce: RealStore) -> Callable[[str], list[list[str]]]:
    return sql
