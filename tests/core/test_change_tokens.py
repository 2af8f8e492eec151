"""Change tokens: a scan decides "unchanged" from ``updated_at`` where the
source vouches for it (issue #14).

A source that cannot read a type by time but moves its ``updated_at`` on
every change declares ``Capabilities.change_tokens``; a smart update then
takes no digest of an entity whose time stamp is as synced. These tests pin
what that must never cost: a change is still written, a source without
tokens is still compared by digest, a token never hides an edit made in the
same second, and changed mapping rules or a transform are never hidden by a
token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs
import pytest

import cartmigrate.engine._records as records
from cartmigrate import (
    Capabilities,
    Customer,
    MappingRules,
    MemoryCart,
    Order,
    OrderStatus,
    Product,
    SQLiteStateStore,
    SyncEngine,
    Variant,
)
from cartmigrate.engine._tokens import NO_TOKENS, Tokens
from cartmigrate.state import MemoryStateStore, SyncRecord, SyncStatus
from cartmigrate.testing import FakeClock

#: The engine's clock: two days after the source's entities were stamped.
NOW = dt.datetime(2024, 5, 3, 12, 0, tzinfo=dt.UTC)
STAMPED = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


class TokenScanCart(MemoryCart):
    """Reads every type in full, and vouches for ``updated_at``."""

    @property
    def capabilities(self) -> Capabilities:
        return attrs.evolve(super().capabilities, incremental=frozenset())


class RawScanCart(MemoryCart):
    """Reads every type in full, and keeps no change token."""

    @property
    def capabilities(self) -> Capabilities:
        return attrs.evolve(super().capabilities, incremental=frozenset(), change_tokens=())


def _store() -> list[Product | Order | Customer]:
    return [
        Product(
            id="p1",
            sku="TEE",
            name="Tee",
            quantity=5,
            variants=[Variant(id="v1", sku="TEE-S", quantity=2)],
        ),
        Order(id="o1", number="1001", status=OrderStatus.PROCESSING, total="10.00"),
        Customer(id="u1", email="ann@example.com"),
    ]


@pytest.fixture
def digests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds of digest taken: ``selected`` and ``whole``."""
    taken: list[str] = []
    selected, whole = records._Selector.digest, records.fingerprint

    def count_selected(self: records._Selector, entity: object) -> str:
        taken.append("selected")
        return selected(self, entity)  # type: ignore[arg-type]

    def count_whole(entity: object) -> str:
        taken.append("whole")
        return whole(entity)  # type: ignore[arg-type]

    monkeypatch.setattr(records._Selector, "digest", count_selected)
    monkeypatch.setattr(records, "fingerprint", count_whole)
    return taken


def _migrated(
    cart: type[MemoryCart], *, rules: MappingRules | None = None
) -> tuple[SyncEngine, MemoryCart, FakeClock]:
    """A migrated store; the source's clock does not move unless told to."""
    source_clock = FakeClock(STAMPED, tick=dt.timedelta(0))
    source = cart(_store(), name="old", clock=source_clock.now)
    target = MemoryCart(name="new")
    engine = SyncEngine(source, target, rules=rules, clock=lambda: NOW)
    assert engine.full_migrate().ok
    return engine, source, source_clock


def _stamps(engine: SyncEngine) -> list[str]:
    return [
        record.fingerprint or ""
        for kind in ("product", "order", "customer")
        for record in engine.state.records(kind)
    ]


def test_an_unchanged_store_is_decided_by_tokens_alone(digests: list[str]) -> None:
    engine, _, _ = _migrated(TokenScanCart)
    assert all(";~" in stamp for stamp in _stamps(engine)), _stamps(engine)
    digests.clear()
    report = engine.smart_update()
    assert report.ok
    assert report.summary()["order"]["unchanged"] == 1
    assert report.summary()["product"]["unchanged"] == 1
    assert digests == []


def test_a_change_moves_the_token_and_is_written(digests: list[str]) -> None:
    engine, source, source_clock = _migrated(TokenScanCart)
    source_clock.advance(dt.timedelta(hours=1))
    order = source.get(Order, "o1")
    assert isinstance(order, Order)
    source.add(attrs.evolve(order, status=OrderStatus.COMPLETED))
    report = engine.smart_update()
    assert report.summary()["order"]["updated"] == 1
    (on_target,) = engine.target.list(Order)  # type: ignore[attr-defined]
    assert on_target.status is OrderStatus.COMPLETED
    # Stamped with its new token: the next call takes no digest at all.
    digests.clear()
    assert engine.smart_update().total("updated") == 0
    assert digests == []


@pytest.mark.parametrize(("cart", "found"), [(RawScanCart, 1), (TokenScanCart, 0)])
def test_only_a_declared_token_is_trusted(cart: type[MemoryCart], found: int) -> None:
    """A change that leaves ``updated_at`` as it was (the source clock stands
    still): a source without tokens still finds it by digest; one that
    declared tokens vouched that this cannot happen, and is believed."""
    engine, source, _ = _migrated(cart)
    order = source.get(Order, "o1")
    assert isinstance(order, Order)
    source.add(attrs.evolve(order, status=OrderStatus.COMPLETED))
    assert engine.smart_update().summary()["order"].get("updated", 0) == found


def test_a_recent_time_stamp_is_no_token() -> None:
    """Edited within the engine's overlap before the call: two edits in one
    second of the platform's clock would share the stamp, so the second
    would hide behind it. No token is kept; the digest decides."""
    source_clock = FakeClock(NOW - dt.timedelta(minutes=1), tick=dt.timedelta(0))
    source = TokenScanCart(_store(), name="old", clock=source_clock.now)
    engine = SyncEngine(source, MemoryCart(name="new"), clock=lambda: NOW)
    assert engine.full_migrate().ok
    assert not any(";~" in stamp for stamp in _stamps(engine)), _stamps(engine)
    order = source.get(Order, "o1")
    assert isinstance(order, Order)
    source.add(attrs.evolve(order, status=OrderStatus.COMPLETED))  # the same second
    assert engine.smart_update().summary()["order"]["updated"] == 1


def test_changed_value_maps_are_not_hidden_by_a_token() -> None:
    engine, source, _ = _migrated(TokenScanCart)
    remapped = SyncEngine(
        source,
        engine.target,
        state=engine.state,
        rules=MappingRules(order_status={"processing": "on_hold"}),
        clock=lambda: NOW,
    )
    report = remapped.smart_update()
    assert report.summary()["order"]["updated"] == 1
    (on_target,) = engine.target.list(Order)  # type: ignore[attr-defined]
    assert on_target.status is OrderStatus.ON_HOLD


def test_a_transform_turns_tokens_off() -> None:
    rules = MappingRules(transforms={"customer.first_name": lambda name: name})
    engine, source, _ = _migrated(TokenScanCart, rules=rules)
    assert not any(";~" in stamp for stamp in _stamps(engine)), _stamps(engine)
    order = source.get(Order, "o1")
    assert isinstance(order, Order)
    source.add(attrs.evolve(order, status=OrderStatus.COMPLETED))  # updated_at as it was
    assert engine.smart_update().summary()["order"]["updated"] == 1


def test_stamps_without_a_token_gain_one_once(digests: list[str]) -> None:
    """A state written before tokens (or while they were off) is decided by
    digest once, gains its token, and is then decided by the token alone."""
    engine, source, _ = _migrated(TokenScanCart)
    engine.state.put(
        [
            attrs.evolve(record, fingerprint=records._created_stamp(entity))  # no token
            for kind in (Product, Order)
            for record in engine.state.records(kind.kind)
            if (entity := source.get(kind, record.source_id)) is not None
        ]
    )
    assert not any(";~" in stamp for stamp in _stamps(engine)[:2])
    before = engine.target.calls.copy()  # type: ignore[attr-defined]
    assert engine.smart_update().total("updated") == 0
    assert engine.target.calls["get"] == before["get"]  # type: ignore[attr-defined]
    # (A customer has no default selection: nothing of it is ever compared.)
    stamps = _stamps(engine)[:2]
    assert all(";~" in stamp and "/*;" in stamp for stamp in stamps), stamps
    digests.clear()
    assert engine.smart_update().total("updated") == 0
    assert digests == []


def test_reading_by_time_alone_vouches_for_nothing() -> None:
    """A cart that can filter by ``updated_at`` but does not list the type in
    ``change_tokens`` (WooCommerce products: a sale lowers stock and leaves
    the date) gets no tokens: its full reads are decided by digest."""

    class IncrementalOnly(MemoryCart):
        @property
        def capabilities(self) -> Capabilities:
            return attrs.evolve(super().capabilities, change_tokens=())

    engine, _, _ = _migrated(IncrementalOnly)
    assert Order in engine.source.capabilities.incremental
    assert not any(";~" in stamp for stamp in _stamps(engine)), _stamps(engine)


class RowCounting(MemoryStateStore):
    """A memory state that notes the product and order ids the engine asks
    row by row (their stamps or whole records)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[str] = []
        self._answering = False

    def _note(self, kind: str, source_ids: Sequence[str]) -> None:
        if not self._answering and kind in ("product", "order"):
            self.rows.extend(source_ids)

    def _stamps(
        self, kind: str, source_ids: Sequence[str]
    ) -> dict[str, tuple[SyncStatus, str | None, bool]]:
        self._note(kind, source_ids)
        return super()._stamps(kind, source_ids)

    def get(self, kind: str, source_ids: Sequence[str]) -> dict[str, SyncRecord]:
        self._note(kind, source_ids)
        return super().get(kind, source_ids)

    def _off_token(self, kind: str, tokens: Mapping[str, str], labels: Sequence[str]) -> set[str]:
        self._answering = True  # (the base answer asks the stamps itself)
        try:
            return super()._off_token(kind, tokens, labels)
        finally:
            self._answering = False


def test_a_batch_shown_in_step_by_tokens_is_decided_in_one_query(tmp_path: Path) -> None:
    """Products and orders (compared by default) whose tokens match their
    stamps are not asked row by row: only the changed product is. The base
    answer and SQLite's query end alike."""
    outcomes = []
    for state in (RowCounting(), SQLiteStateStore(tmp_path / "s.db")):
        source_clock = FakeClock(STAMPED, tick=dt.timedelta(0))
        source = TokenScanCart(_store(), name="old", clock=source_clock.now)
        target = MemoryCart(name="new")
        engine = SyncEngine(source, target, state=state, clock=lambda: NOW)
        assert engine.full_migrate().ok
        if isinstance(state, RowCounting):
            state.rows.clear()
        product = source.get(Product, "p1")
        assert isinstance(product, Product)
        source_clock.advance(dt.timedelta(minutes=1))
        source.add(attrs.evolve(product, quantity=9))
        report = engine.smart_update()
        assert report.ok, report.summary()
        if isinstance(state, RowCounting):
            assert state.rows == ["p1"]
        (written,) = target.list(Product)
        assert isinstance(written, Product) and written.quantity == 9
        outcomes.append(report.summary())
        state.close()
    assert outcomes[0] == outcomes[1]
    assert outcomes[0]["product"]["updated"] == 1
    assert outcomes[0]["order"]["unchanged"] == 1


def test_tokens_of_a_batch_are_each_entity_s_token() -> None:
    """``Tokens.many`` is the per-entity token over a batch: none for an
    entity without a time stamp or with one too recent to trust."""
    tokens = Tokens("@ab", NOW)
    batch = [
        Product(id="old", sku="A", name="A", updated_at=STAMPED),
        Product(id="late", sku="B", name="B", updated_at=NOW),  # not before the call's start
        Product(id="none", sku="C", name="C"),
        Customer(id="c", email="c@example.com", updated_at=STAMPED - dt.timedelta(days=1)),
    ]
    each = {e.id: token for e in batch if (token := tokens(e)) is not None}
    assert tokens.many(batch) == each
    assert set(each) == {"old", "c"} and each["old"].endswith("@ab")
    assert NO_TOKENS.many(batch) == {} and NO_TOKENS(batch[0]) is None
