"""Item 12: two source customers sharing an e-mail are both reported."""

from __future__ import annotations

from cartmigrate import Customer, MemoryCart, MemoryStateStore, SyncEngine


def test_two_customers_sharing_an_email_are_both_reported() -> None:
    source = MemoryCart(
        [
            Customer(id="a", email="same@example.com", first_name="A"),
            Customer(id="b", email="Same@Example.com", first_name="B"),
            Customer(id="c", email="other@example.com"),
        ]
    )
    target = MemoryCart()
    report = SyncEngine(source, target, state=MemoryStateStore()).full_migrate()
    named = {f.source_id for f in report.failures} | {
        w.source_id for w in report.warnings if w.source_id
    }
    assert {"a", "b"} <= named
    (failure,) = report.failures
    assert failure.source_id == "b" and "a" in failure.message
    (notice,) = [w for w in report.warnings if w.source_id == "a"]
    assert "b" in notice.message
    assert len(list(target.read(Customer))) == 2


def test_a_raw_exception_from_a_read_is_reported_and_the_call_goes_on() -> None:
    """A connector that lets a raw exception out of ``read`` (not every one goes
    through ``Cart.model_from``): that type stops, reported; the rest migrates."""
    import datetime as dt
    from collections.abc import Iterator
    from typing import Any

    from cartmigrate import Product
    from cartmigrate.testing import generate_store

    class Broken(MemoryCart):
        def read(self, kind: Any, *, since: dt.datetime | None = None) -> Iterator[Any]:
            for n, entity in enumerate(super().read(kind, since=since)):
                if kind is Product and n == 2:
                    raise KeyError("name")
                yield entity

    source = Broken(
        generate_store(seed=1, products=5, customers=3, orders=0, categories=1, reviews=0)
    )
    target = MemoryCart(check_references=False)
    report = SyncEngine(source, target, state=MemoryStateStore()).full_migrate()
    stopped = [f for f in report.failures if f.entity == "product" and f.source_id == "*"]
    assert stopped and stopped[0].error == "KeyError"
    assert len(list(target.read(Customer))) == 3
