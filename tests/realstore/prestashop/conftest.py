"""Fixtures for the tests against the real PrestaShop 8.2.1 store.

``presta`` is a connector on the store (exactly ``127.0.0.1:8090``: any other
host is redirected); ``shop_db`` asks the store's own database, so what the
connector reads is checked against the shop's data, not against itself.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cartmigrate.connectors._http import set_testing
from cartmigrate.connectors.prestashop import PrestaShopCart

from .._stores import RealStore

API = "http://127.0.0.1:8090/api"

#: Rows of a SQL query on the shop's database, as tuples of strings.
Query = Callable[[str], list[tuple[str, ...]]]


@pytest.fixture(autouse=True)
def _real_backoff() -> Iterator[None]:
    # A real server needs the real backoff between retries.
    set_testing(backoff=True)
    yield
    set_testing(backoff=False)


@pytest.fixture
def make_presta(
    real_prestashop: RealStore, tmp_path: Path
) -> Iterator[Callable[..., PrestaShopCart]]:
    made: list[PrestaShopCart] = []

    def make(**options: object) -> PrestaShopCart:
        # The record of an e-mail switched off lives in the test's own directory.
        options.setdefault("mail_record_dir", tmp_path / "mails")
        key = str(options.pop("key", real_prestashop.credentials["PS_WS_KEY"]))
        cart = PrestaShopCart(API, key, **options)  # type: ignore[arg-type]
        made.append(cart)
        return cart

    yield make
    for cart in made:
        cart.close()


@pytest.fixture
def presta(make_presta: Callable[..., PrestaShopCart]) -> PrestaShopCart:
    return make_presta()


@pytest.fixture
def shop_db(real_prestashop: RealStore) -> Query:
    def query(sql: str) -> list[tuple[str, ...]]:
        # The shop's own database user (not root: tests need not run as root).
        env = real_prestashop.credentials
        done = subprocess.run(
            [
                "mariadb",
                "--no-defaults",
                f"--host={env.get('PS_DB_HOST', '127.0.0.1')}",
                f"--port={env.get('PS_DB_PORT', '3308')}",
                f"--user={env.get('PS_DB_USER', 'presta')}",
                f"--password={env.get('PS_DB_PASSWORD', '')}",
                env.get("PS_DB_NAME", "presta"),
                "--batch",
                "--skip-column-names",
                "-e",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return [tuple(line.split("\t")) for line in done.stdout.splitlines()]

    return query
