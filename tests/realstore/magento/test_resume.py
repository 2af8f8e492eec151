"""Lost answers, time-outs and a killed run against the real store: resumed, nothing twice.

A transport in front of the real one lets chosen creates reach Magento and
then loses their answers (a read time-out), and at one point kills the run
(an exception no cart catches, as a killed process leaves its state). A new
engine on the same SQLite state then finishes: every source entity is on the
store once, the stock is the source's, and nothing sent an e-mail.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from cartmigrate import Customer, Order, Product, SQLiteStateStore, SyncEngine
from cartmigrate.connectors.magento import MagentoCart

from .._stores import RealStore
from ._compare import mismatches
from .conftest import Raw
from .test_write import source_store


class Killed(BaseException):
    """What a killed process is to the code that was running: nothing catches it."""


class Unreliable(httpx.BaseTransport):
    """Sends every request; loses the answers of the chosen creates; kills at one."""

    def __init__(self, *, lose: set[int], kill_at: int | None) -> None:
        self._inner = httpx.HTTPTransport()
        self._lose = lose
        self._kill_at = kill_at
        self.creates = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        path = request.url.path
        creates = (request.method == "POST" and path.endswith(("/V1/products", "/V1/orders"))) or (
            request.method == "PUT" and path.endswith("/V1/customers/0")
        )
        if creates:
            self.creates += 1
            if self.creates == self._kill_at:
                response.read()
                raise Killed
            if self.creates in self._lose:
                response.read()
                raise httpx.ReadTimeout("the answer was lost", request=request)
        return response

    def close(self) -> None:
        self._inner.close()


def test_lost_answers_and_a_kill_are_resumed_without_duplicates(
    real_magento: RealStore, raw: Raw, tmp_path: Path
) -> None:
    real_magento.reset()
    mails = real_magento.mails()
    credentials = real_magento.credentials
    url, token = credentials["MAGENTO_REST"], credentials["MAGENTO_ACCESS_TOKEN"]
    source = source_store(9)
    database = tmp_path / "state.db"

    # Creates 1-16 are the products (three children, then the parent, each),
    # 17-20 the customers, then the orders. Lose a child's, a parent's and a
    # customer's answer; kill the run at the next customer.
    flaky = Unreliable(lose={2, 8, 17}, kill_at=19)
    cart = MagentoCart(url, token, transport=flaky)
    engine = SyncEngine(source, cart, state=SQLiteStateStore(database), read_ahead=False)
    with pytest.raises(Killed):
        engine.full_migrate()
    cart.close()
    assert flaky.creates >= 17

    # The next run loses answers too: the first customer's and two orders'.
    flaky = Unreliable(lose={1, 3, 5}, kill_at=None)
    with MagentoCart(url, token, transport=flaky) as cart:
        engine = SyncEngine(source, cart, state=SQLiteStateStore(database))
        engine.full_migrate()
    assert flaky.creates >= 5  # every loss happened

    rounds: list[Any] = []
    with MagentoCart(url, token) as resumed:
        engine = SyncEngine(source, resumed, state=SQLiteStateStore(database))
        for _ in range(3):
            report = engine.full_migrate()
            rounds.append(report)
            if not report.failures:
                break
        assert rounds[-1].failures == []
        state = SQLiteStateStore(database)
        assert mismatches(source, resumed, state) == Counter()

    skus = Counter(i["sku"] for i in raw.search("products", ("sku", "SKU-%", "like")))
    assert len(skus) == 16 and set(skus.values()) == {1}
    numbers = Counter(
        o["increment_id"] for o in raw.search("orders", ("increment_id", "9-%", "like"))
    )
    assert len(numbers) == len(source.list(Order)) and set(numbers.values()) == {1}
    emails = Counter(
        c["email"] for c in raw.search("customers/search", ("email", "%@example.com", "like"))
    )
    assert len(emails) == len(source.list(Customer)) and set(emails.values()) == {1}
    stock = raw.stock()
    for product in source.list(Product):
        for variant in product.variants:
            assert stock[str(variant.sku)][0] == variant.quantity
    assert real_magento.mails() - mails == 0  # no welcome mail, no order mail
    real_magento.reset()
