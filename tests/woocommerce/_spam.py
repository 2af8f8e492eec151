"""Rejected reviews, which this cart writes as spam: on the real store and the simulator.

WooCommerce's ``status=all`` is WordPress's approved and held reviews only
(``WP_Comment_Query``; observed on 7.9: a spam review is in ``status=spam``
and in no other listing). Read with it alone, a WooCommerce source lost its
rejected reviews, and on a WooCommerce target a rejected review written was
not found again: not by ``get``, not by the count, and not by the check that
keeps a review whose create answer was lost from being posted twice.
"""

from __future__ import annotations

from cartmigrate import (
    DuplicateEntity,
    MemoryCart,
    MemoryStateStore,
    Product,
    Review,
    ReviewStatus,
    SyncEngine,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart


def rejected_reviews_are_read(cart: WooCommerceCart) -> None:
    before = cart.count(Review)
    assert before is not None
    product = cart.create(Product(name="Reviewed", sku="SPAM-TEST", price="5"))
    assert product.id is not None
    kept = cart.create(
        Review(product_id=product.id, rating=5, body="Lovely", author="Ann", email="a@example.com")
    )
    spam = Review(
        product_id=product.id,
        rating=1,
        body="Cheap pills",
        author="Bot",
        email="bot@example.com",
        status=ReviewStatus.REJECTED,
    )
    rejected = cart.create(spam)
    assert kept.id is not None and rejected.id is not None

    got = cart.get(Review, rejected.id)
    assert got is not None and got.status is ReviewStatus.REJECTED
    assert {kept.id, rejected.id} <= {r.id for r in cart.read(Review)}
    assert set(cart.get_many(Review, [kept.id, rejected.id])) == {kept.id, rejected.id}
    assert cart.count(Review) == before + 2
    # Posted again (a lost answer retried): recognised, not made twice.
    (again,) = cart.create_many([spam])
    assert isinstance(again, DuplicateEntity) and again.existing_id == rejected.id

    # Read from, both arrive; written to, a second call finds both there.
    target = MemoryCart(name="new")
    assert SyncEngine(cart, target, state=MemoryStateStore()).full_migrate().failures == []
    moved = [r for r in target.read(Review) if r.body in ("Lovely", "Cheap pills")]
    assert sorted(str(r.status) for r in moved) == ["approved", "rejected"]
    source = MemoryCart(name="old")
    source.add(Product(id="p", name="Again", sku="SPAM-TEST-2", price="5"))
    source.add(
        Review(
            id="r",
            product_id="p",
            rating=1,
            body="More pills",
            author="Bot",
            email="bot2@example.com",
            status="rejected",
        )
    )
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    assert engine.full_migrate().ok
    second = engine.smart_update(verify=True)
    assert second.ok and second.total("created") == 0
    assert cart.count(Review) == before + 3
