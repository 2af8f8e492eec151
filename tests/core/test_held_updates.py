"""A smart update holds what it compares across the batches it reads (issue #14).

A scan finds a changed entity or two per batch; compared and written alone,
each batch's few would cost a target read and a state transaction of their
own. These tests pin that held changes share them, and that holding never
loses a change: what was read before a failed read is still written, and
what a stopped call held is found again by the next call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import pytest

from cartmigrate import (
    AuthenticationError,
    Capabilities,
    MemoryCart,
    Product,
    SyncEngine,
    TransientError,
)
from cartmigrate.state import MemoryStateStore, SyncRecord

SIZE = 40  # products: eight batches of five


class _Source(MemoryCart):
    """Scans (no time filter, no tokens); its read of products can be told to fail."""

    fail_at: int | None = None
    error: Exception = TransientError("connection reset while reading")

    @property
    def capabilities(self) -> Capabilities:
        return attrs.evolve(super().capabilities, incremental=frozenset(), change_tokens=())

    def read(self, kind: type[Any], *, since: dt.datetime | None = None) -> Iterator[Any]:
        for n, entity in enumerate(super().read(kind, since=since)):
            if kind is Product and n == self.fail_at:
                raise self.error
            yield entity


class _Target(MemoryCart):
    """Notes each batch of ids it is asked to get for a comparison."""

    def __init__(self) -> None:
        super().__init__(name="target")
        self.asked: list[int] = []

    def get_many(self, kind: type[Any], ids: Sequence[str]) -> dict[str, Any]:
        if kind is Product:
            self.asked.append(len(ids))
        return super().get_many(kind, ids)


class _Puts(MemoryStateStore):
    """Counts the transactions that write product records."""

    def __init__(self) -> None:
        super().__init__()
        self.puts = 0

    def put(self, records: Any) -> None:
        records = list(records)
        if any(isinstance(r, SyncRecord) and r.kind == "product" for r in records):
            self.puts += 1
        super().put(records)


def _migrated() -> tuple[SyncEngine, _Source, _Target, _Puts]:
    products = [Product(id=f"p{n:02d}", sku=f"S{n:02d}", name="P", quantity=1) for n in range(SIZE)]
    source, target, state = _Source(products, name="source"), _Target(), _Puts()
    engine = SyncEngine(source, target, state=state, batch_size=5)
    assert engine.full_migrate().ok
    target.asked.clear()
    state.puts = 0
    return engine, source, target, state


def _restock(source: MemoryCart, ids: Sequence[str]) -> None:
    for sid in ids:
        product = source.get(Product, sid)
        assert isinstance(product, Product)
        source.add(attrs.evolve(product, quantity=9))


def _quantities(target: MemoryCart) -> dict[str | None, int | None]:
    return {p.sku: p.quantity for p in target.list(Product) if isinstance(p, Product)}


def test_changes_spread_over_batches_are_compared_together() -> None:
    engine, source, target, state = _migrated()
    spread = [f"p{n:02d}" for n in range(0, SIZE, 4)]  # one or two per batch of five
    _restock(source, spread)
    report = engine.smart_update()
    assert report.ok, report.summary()
    assert report.summary()["product"]["updated"] == len(spread)
    # Ten changes in eight batches: two comparisons of five, not eight of one or two.
    assert target.asked == [5, 5]
    assert state.puts == 2
    assert sorted(s for s, q in _quantities(target).items() if q == 9) == sorted(
        f"S{sid[1:]}" for sid in spread
    )
    assert engine.smart_update().total("updated") == 0


def test_no_comparison_asks_the_target_for_more_than_a_batch() -> None:
    engine, source, target, _ = _migrated()
    _restock(source, [f"p{n:02d}" for n in range(2, 10)])  # 3 in one batch, 5 in the next
    report = engine.smart_update()
    assert report.ok, report.summary()
    assert report.summary()["product"]["updated"] == 8
    assert target.asked == [5, 3]  # what a target reads at once, never 8


def test_what_was_read_before_a_failed_read_is_still_written() -> None:
    engine, source, target, _ = _migrated()
    _restock(source, ["p01", "p02"])  # held (fewer than a batch) when the read fails
    source.fail_at = 12
    report = engine.smart_update()
    assert not report.ok  # the read's failure is reported
    assert report.summary()["product"]["updated"] == 2
    assert _quantities(target)["S01"] == 9 and _quantities(target)["S02"] == 9


def test_what_was_read_before_the_source_refused_is_still_written() -> None:
    """The source's credentials fail mid-read: the call stops, but the target
    still takes what was read before, as when each batch was written at once."""
    engine, source, target, _ = _migrated()
    _restock(source, ["p01", "p02"])
    source.fail_at = 12
    source.error = AuthenticationError("source: 401, the key was revoked")
    report = engine.smart_update()
    assert not report.ok
    assert _quantities(target)["S01"] == 9


def test_what_a_stopped_call_held_is_found_by_the_next_call() -> None:
    """The target refuses its credentials (a new product's create): nothing
    more is sent to it, and the next call finds the held changes again."""
    engine, source, target, _ = _migrated()
    _restock(source, ["p01", "p02"])
    source.add(Product(id="p99", sku="S99", name="New", quantity=1))
    refused = [True]
    create = target.create

    def refusing(entity: Any, *, source_ref: str | None = None) -> Any:
        if refused[0]:
            raise AuthenticationError("target: 401, the token was revoked")
        return create(entity, source_ref=source_ref)

    target.create = refusing  # type: ignore[method-assign]
    report = engine.smart_update()
    assert not report.ok
    assert target.asked == []  # the call stopped: no comparison was sent
    assert _quantities(target)["S01"] == 1
    refused[0] = False
    again = engine.smart_update()
    assert again.ok, again.summary()
    assert again.summary()["product"]["updated"] == 2
    assert again.summary()["product"]["created"] == 1
    assert _quantities(target)["S01"] == 9


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_dry_run_plans_the_held_changes(dry_run: bool) -> None:
    engine, source, target, _ = _migrated()
    _restock(source, ["p03", "p17", "p31"])
    report = engine.smart_update(dry_run=dry_run)
    assert report.ok, report.summary()
    assert sorted(c.source_id for c in report.changes if c.action == "update") == [
        "p03",
        "p17",
        "p31",
    ]
    assert (_quantities(target)["S17"] == 9) is not dry_run
