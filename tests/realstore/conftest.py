"""Fixtures for the tests against the real stores of ``../shared/realstores``.

Every test below this folder is marked ``realstore``. A platform's folder
asks for its store with the session fixture of that name and resets it where
it needs the baseline; see ``_stores.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ._stores import MAGENTO, PRESTASHOP, WOOCOMMERCE, RealStore

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.realstore)


@pytest.fixture(scope="session")
def real_woocommerce() -> Iterator[RealStore]:
    with WOOCOMMERCE.session() as store:
        yield store


@pytest.fixture(scope="session")
def real_prestashop() -> Iterator[RealStore]:
    with PRESTASHOP.session() as store:
        yield store


@pytest.fixture(scope="session")
def real_magento() -> Iterator[RealStore]:
    with MAGENTO.session() as store:
        yield store
