"""Reading the next batch while the current one is written (engine/_read_ahead.py)."""

from __future__ import annotations

import collections
import threading
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from cartmigrate import (
    Created,
    Customer,
    Entity,
    InvalidEntity,
    MemoryCart,
    Order,
    Outcome,
    SyncEngine,
    TransientError,
)
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.engine._read_ahead import ReadAhead
from cartmigrate.testing.woocommerce import WooCommerceSimulator


def read_ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "cartmigrate-read-ahead"]


def test_batches_come_in_order_then_the_error_that_stopped_the_read() -> None:
    def batches() -> Iterator[int]:
        yield 1
        yield 2
        raise TransientError("the source went away")

    with ReadAhead(batches()) as ahead:
        reading = iter(ahead)
        got = [next(reading), next(reading)]
        with pytest.raises(TransientError, match="went away"):
            next(reading)
    assert got == [1, 2]
    assert not read_ahead_threads()


def test_the_worker_stops_and_cleans_up_when_the_consumer_leaves() -> None:
    read: list[int] = []
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                read.append(n)
                yield n
                n += 1
        finally:
            closed.set()

    with ReadAhead(endless(), depth=1) as ahead:
        for batch in ahead:
            if batch == 2:
                break
    assert not read_ahead_threads()
    assert closed.is_set()  # the generator's cleanup ran
    # One batch handed over, one queued, one being put: never the whole source.
    assert len(read) <= 5


class _Source(MemoryCart):
    """Signals when the read of ``signal_kind`` reaches entity number ``signal_at``
    (0-based); can break off, or find one record it cannot read."""

    def __init__(
        self,
        entities: list[Entity],
        signal_at: int,
        *,
        signal_kind: type[Entity] = Customer,
        fail_at: int | None = None,
        unreadable: str | None = None,
    ) -> None:
        super().__init__(entities, name="source")
        self.reached = threading.Event()
        self.signal_at = signal_at
        self.signal_kind = signal_kind
        self.fail_at = fail_at
        self.unreadable = unreadable
        self.yielded: collections.Counter[str] = collections.Counter()

    def read(self, kind: type[Any], *, since: Any = None) -> Iterator[Any]:
        for n, entity in enumerate(super().read(kind, since=since)):
            if n == self.fail_at:
                raise TransientError("connection reset while reading")
            if kind is self.signal_kind and n == self.signal_at:
                self.reached.set()
            if entity.id == self.unreadable:
                self.report_unreadable(kind, entity.id, InvalidEntity("order", "total", "x"))
                continue
            self.yielded[kind.kind] += 1
            yield entity


class _Target(MemoryCart):
    """Its first create waits (briefly) for the source's signal."""

    def __init__(self, source: _Source, wait: float) -> None:
        super().__init__(name="target")
        self.source = source
        self.wait = wait
        self.overlapped: bool | None = None

    def create(self, entity: Any, *, source_ref: str | None = None) -> Created:
        if self.overlapped is None:
            self.overlapped = self.source.reached.wait(self.wait)
        return super().create(entity, source_ref=source_ref)


def customers(n: int) -> list[Entity]:
    return [Customer(id=f"c{i}", email=f"c{i}@example.com") for i in range(n)]


def test_the_engine_reads_the_next_batch_while_it_writes_the_current_one() -> None:
    source = _Source(customers(25), signal_at=10)  # the first of the second batch
    target = _Target(source, wait=10.0)
    report = SyncEngine(source, target, batch_size=10, read_ahead=True).full_migrate()
    assert report.ok and report.total("created") == 25
    assert target.overlapped is True
    assert not read_ahead_threads()


def test_without_read_ahead_reads_and_writes_take_turns() -> None:
    source = _Source(customers(25), signal_at=10)
    target = _Target(source, wait=0.2)
    report = SyncEngine(source, target, batch_size=10, read_ahead=False).full_migrate()
    assert report.ok and report.total("created") == 25
    assert target.overlapped is False


def test_remote_sources_read_ahead_by_default() -> None:
    class RemoteSource(_Source):
        @property
        def capabilities(self) -> Any:
            return attrs.evolve(super().capabilities, read_ahead=True)

    source = RemoteSource(customers(25), signal_at=10)
    target = _Target(source, wait=10.0)
    assert SyncEngine(source, target, batch_size=10).full_migrate().ok
    assert target.overlapped is True
    source = RemoteSource(customers(25), signal_at=10)
    target = _Target(source, wait=0.2)
    assert SyncEngine(source, target, batch_size=10, read_ahead=False).full_migrate().ok
    assert target.overlapped is False
    # The bundled HTTP connectors declare it.
    sim = WooCommerceSimulator(consumer_key="ck_x", consumer_secret="cs_x")
    woo = WooCommerceCart("https://shop.example", "ck_x", "cs_x", transport=sim.transport)
    shopify = ShopifyCart("shop.myshopify.com", "token", transport=sim.transport)
    assert woo.capabilities.read_ahead and shopify.capabilities.read_ahead


@pytest.mark.parametrize("read_ahead", [False, True])
def test_a_read_that_breaks_off_keeps_what_was_written(read_ahead: bool) -> None:
    source = _Source(customers(25), signal_at=-1, fail_at=15)
    report = SyncEngine(source, MemoryCart(), batch_size=10, read_ahead=read_ahead).full_migrate()
    # The first batch was written; the read broke off inside the second.
    assert report.summary()["customer"][Outcome.CREATED.value] == 10
    [failure] = report.failures
    assert failure.entity == "customer" and "connection reset" in failure.message
    assert not read_ahead_threads()


def test_a_crash_while_writing_stops_the_reader() -> None:
    class Crash(BaseException):
        pass

    source = _Source(customers(50), signal_at=-1)
    target = MemoryCart(name="target")
    target.fail_on("create", nth=12, error=Crash())
    with pytest.raises(Crash):
        SyncEngine(source, target, batch_size=10, read_ahead=True).full_migrate()
    assert not read_ahead_threads()


def orders(n: int) -> list[Entity]:
    return [Order(id=f"o{i}", number=str(1000 + i)) for i in range(n)]


def test_the_next_type_is_read_while_the_last_batch_of_this_one_is_written() -> None:
    source = _Source(customers(5) + orders(5), signal_at=0, signal_kind=Order)
    target = _Target(source, wait=10.0)  # the first customer waits for the orders' read
    report = SyncEngine(source, target, batch_size=10, read_ahead=True).full_migrate()
    assert report.ok and report.total("created") == 10
    assert target.overlapped is True


def test_a_record_of_the_next_type_found_unreadable_early_is_retried_not_given_up() -> None:
    source = _Source(customers(5) + orders(3), signal_at=0, signal_kind=Order, unreadable="o1")
    target = _Target(source, wait=10.0)
    engine = SyncEngine(source, target, batch_size=10, read_ahead=True)
    report = engine.full_migrate()
    assert target.overlapped is True  # o1 was found unreadable while customers were written
    assert [(f.entity, f.source_id) for f in report.failures] == [("order", "o1")]
    assert not [w for w in report.warnings if "gone" in w.message]
    assert [f.source_id for f in engine.state.failures("order")] == ["o1"]
    source.unreadable = None  # fixed on the source
    again = engine.full_migrate()
    assert again.ok and again.summary()["order"][Outcome.CREATED.value] == 1


def test_a_type_that_stops_early_is_not_read_to_its_end() -> None:
    def stop_customers(progress: Any) -> None:
        if progress.entity == "customer":
            raise TransientError("the target went away")

    source = _Source(customers(100) + orders(5), signal_at=-1)
    engine = SyncEngine(
        source, MemoryCart(), batch_size=10, read_ahead=True, on_progress=stop_customers
    )
    report = engine.full_migrate()
    assert report.summary()["customer"][Outcome.CREATED.value] == 10
    assert report.summary()["order"][Outcome.CREATED.value] == 5
    # The worker moved on to the orders: it read no more than it was ahead.
    assert source.yielded["customer"] < 60


def test_closing_does_not_wait_long_for_a_read_that_hangs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from cartmigrate.engine import _read_ahead

    monkeypatch.setattr(_read_ahead, "_PATIENCE", 0.1)
    stuck, finish = threading.Event(), threading.Event()

    def batches() -> Iterator[int]:
        yield 1
        stuck.set()
        finish.wait(10)  # a read retrying a flaky server
        yield 2

    ahead = ReadAhead(batches()).start()
    assert next(iter(ahead)) == 1
    assert stuck.wait(5)
    with caplog.at_level("WARNING", logger="cartmigrate"):
        ahead.close()  # returns although the read goes on
    assert "still finishing a read" in caplog.text
    finish.set()
    for thread in read_ahead_threads():
        thread.join(5)
    assert not read_ahead_threads()
