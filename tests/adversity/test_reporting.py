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
