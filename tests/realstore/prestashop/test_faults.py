"""Lost answers, time-outs and a killed process on the real store: nothing lost, nothing twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from cartmigrate import MemoryCart, SQLiteStateStore, SyncEngine
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.models import Category, Customer, Product
from cartmigrate.testing import generate_store

from .._stores import RealStore
from ._transports import Crash, LoseAnswers, RealTransport
from .conftest import Query


def _source(seed: int) -> MemoryCart:
    return MemoryCart(
        generate_store(
            seed=seed, products=6, customers=5, orders=0, categories=3, manufacturers=1, reviews=0
        )
    )


def _on_the_store(shop_db: Query) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(product references, customer e-mails, category slugs) as the database holds them."""
    references = Counter(
        r[0] for r in shop_db("select reference from ps_product where reference like 'SKU-%'")
    )
    emails = Counter(
        r[0]
        for r in shop_db("select email from ps_customer where email like 'customer%@example.com'")
    )
    slugs = Counter(
        r[0]
        for r in shop_db(
            "select link_rewrite from ps_category_lang where link_rewrite like 'category-%'"
        )
    )
    return references, emails, slugs


def _stock(shop_db: Query) -> dict[str, int]:
    """Combination reference -> quantity, on the store."""
    rows = shop_db(
        "select a.reference, s.quantity from ps_product_attribute a join ps_stock_available s"
        " on s.id_product_attribute = a.id_product_attribute where a.reference like 'SKU-%'"
    )
    return {reference: int(quantity) for reference, quantity in rows}


def _expected(source: MemoryCart) -> tuple[Counter[str], Counter[str], Counter[str]]:
    return (
        Counter({str(p.sku): 1 for p in source.list(Product)}),
        Counter({c.email: 1 for c in source.list(Customer)}),
        Counter({str(c.slug): 1 for c in source.list(Category)}),
    )


def _source_stock(source: MemoryCart) -> dict[str, int]:
    return {str(v.sku): v.quantity or 0 for p in source.list(Product) for v in p.variants}


def test_lost_answers_are_looked_up_never_sent_again(
    real_prestashop: RealStore, make_presta: Callable[..., PrestaShopCart], shop_db: Query
) -> None:
    real_prestashop.reset()
    mails = real_prestashop.mails()
    source = _source(seed=21)
    transport = RealTransport()
    losses = LoseAnswers(
        {
            ("POST", "categories"): {1: "500"},
            ("POST", "products"): {2: "500", 4: "timeout"},
            ("POST", "combinations"): {5: "500"},
            ("POST", "customers"): {1: "500", 3: "timeout"},
            ("PATCH", "stock_availables"): {3: "timeout"},
        }
    )
    transport.after = losses
    cart = make_presta(transport=transport, max_concurrency=1)
    engine = SyncEngine(source, cart)

    engine.full_migrate()
    assert len(losses.lost) == 7, losses.lost
    # Whatever the first call could not settle, the next one does, without a second copy.
    report = engine.full_migrate()
    assert report.failures == []
    assert _on_the_store(shop_db) == _expected(source)
    assert _stock(shop_db) == _source_stock(source)
    assert real_prestashop.mails() == mails


def test_killed_mid_migration_then_resumed(
    real_prestashop: RealStore,
    make_presta: Callable[..., PrestaShopCart],
    shop_db: Query,
    tmp_path: Path,
) -> None:
    real_prestashop.reset()
    mails = real_prestashop.mails()
    source = _source(seed=22)
    state_file = tmp_path / "migration.db"

    # 1. Killed five times, each right after the store took: a product's 2nd
    #    combination, a product (before its combinations), a stock row, a
    #    customer's address (before the next one), a customer.
    for plan in (
        {("POST", "combinations"): {2: "crash"}},
        {("POST", "products"): {3: "crash"}},
        {("PATCH", "stock_availables"): {4: "crash"}},
        {("POST", "addresses"): {3: "crash"}},
        {("POST", "customers"): {2: "crash"}},
    ):
        transport = RealTransport()
        transport.after = LoseAnswers(plan)
        with SQLiteStateStore(state_file) as state:
            # One request at a time, so each crash falls where the plan says.
            cart = make_presta(transport=transport, max_concurrency=1)
            engine = SyncEngine(source, cart, state=state)
            with pytest.raises(Crash):
                engine.full_migrate()

    # 2. A time-out on a customer's answer, in the next process.
    transport = RealTransport()
    transport.after = LoseAnswers({("POST", "customers"): {1: "timeout"}})
    with SQLiteStateStore(state_file) as state:
        SyncEngine(source, make_presta(transport=transport), state=state).full_migrate()

    # 3. Resumed to the end.
    with SQLiteStateStore(state_file) as state:
        report = SyncEngine(source, make_presta(), state=state).full_migrate()
        assert report.failures == []
        assert _on_the_store(shop_db) == _expected(source), "0 duplicates, 0 missing"
        assert _stock(shop_db) == _source_stock(source), "0 stock drift"
        again = SyncEngine(source, make_presta(), state=state).smart_update()
        for counts in again.summary().values():
            assert counts["created"] == 0 and counts["updated"] == 0, again.summary()
    assert real_prestashop.mails() == mails, "0 e-mails"
