"""The contract test suite every state store passes: subclass it in your tests.

    import functools
    from cartmigrate.testing import StateStoreContract

    class TestMyStore(StateStoreContract):
        @pytest.fixture
        def open_state(self, tmp_path):
            # Opens the same fresh state each time it is called, in any process:
            # so it must pickle (a partial of a module-level callable does).
            return functools.partial(MyStore, tmp_path / "state")

Each test checks one promise of ``StateStore`` that the engine relies on: the
id map round-trips and pages through large maps while it is written, an
intent written before a crash is there after it, two processes write at once
without losing anything, opening a new state from several processes at once
works, the migration lock excludes other holders (threads and processes) and
is released when its holder is killed, ``get_meta``/``set_meta`` keep their
values, and a state written by a newer schema is refused. Needs pytest (the
``test`` extra).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import attrs
import pytest

from .._exceptions import MigrationLocked, StateError
from ..state import FailureRecord, StateStore, SyncRecord

__all__ = ["StateStoreContract"]

Opener = Callable[[], StateStore]

#: Every wait in the suite is bounded by this, so a broken store fails, not hangs.
_BOUND = 60.0
#: Ids in the large id map: several pages of every bundled store.
_LARGE = 12_000
_PROCESSES = 6


def _context() -> Any:
    # spawn: a child gets no copy of the parent's open connections or lock files.
    return multiprocessing.get_context("spawn")


def _synced(kind: str, source_id: str, target_id: str) -> SyncRecord:
    return SyncRecord(kind=kind, source_id=source_id, target_id=target_id, status="synced")


# -- what the child processes do (module level, so that they pickle) ---------------
def _hold_lock(open_state: Opener, holder: str, ready: Any) -> None:
    state = open_state()
    state.acquire_lock(holder)
    ready.set()
    time.sleep(_BOUND * 2)  # until killed; exits by itself if never killed


def _intent_then_crash(open_state: Opener) -> None:
    state = open_state()
    state.put([_synced("product", "p0", "t0")])
    state.put_pending("product", ["p1", "p2"])
    os._exit(17)  # no close, no flush, no finally: as a crash leaves it


def _open_and_write(open_state: Opener, index: int, start: Any, results: Any) -> None:
    try:
        start.wait(_BOUND)  # a barrier: every child opens the new state at once
        state = open_state()
        for batch in range(10):
            state.put(
                _synced("order", f"{index}-{batch}-{n}", f"t{index}-{batch}-{n}") for n in range(20)
            )
        state.close()
        results.put((index, "ok"))
    except BaseException as error:  # reported to the parent, which fails the test
        results.put((index, f"{type(error).__module__}.{type(error).__name__}: {error}"))


def _try_lock(open_state: Opener, results: Any) -> None:
    state = open_state()
    try:
        state.acquire_lock("second process")
    except MigrationLocked as error:
        results.put(("locked", error.holder))
    else:
        state.release_lock()
        results.put(("acquired", None))
    state.close()


class StateStoreContract:
    """Checks a store through an ``open_state`` fixture: a zero-argument callable
    that opens one fresh state, the same one at every call, in any process."""

    #: False for a store that lives inside one process (memory): the tests
    #: with several processes are skipped, the ones with threads still run.
    shared_between_processes: ClassVar[bool] = True

    @pytest.fixture
    def open_state(self) -> Opener:  # pragma: no cover - must be overridden
        raise NotImplementedError("override the `open_state` fixture")

    @pytest.fixture
    def state(self, open_state: Opener) -> Iterator[StateStore]:
        store = open_state()
        yield store
        store.release_lock()
        store.close()

    def make_schema_newer(self, state: StateStore) -> None:
        """Mark ``state``'s storage as written by a newer schema (override)."""
        pytest.skip(f"{type(state).__name__} keeps no schema version")

    def _needs_processes(self) -> None:
        if not self.shared_between_processes:
            pytest.skip("this store lives in one process: no other process can open it")

    # -- the id map ---------------------------------------------------------
    def test_records_round_trip(self, state: StateStore) -> None:
        state.put([SyncRecord(kind="product", source_id="1", status="pending")])
        state.put(
            [
                SyncRecord(
                    kind="product",
                    source_id="1",
                    target_id="9",
                    status="synced",
                    fingerprint="abc",
                    owned=False,
                    dropped=("category_ids", "manufacturer_id"),
                ),
                SyncRecord(
                    kind="variant", source_id="v", target_id="w", status="synced", parent_id="9"
                ),
            ]
        )
        found = state.get("product", ["1", "2"])
        assert list(found) == ["1"]
        assert found["1"] == SyncRecord(
            kind="product",
            source_id="1",
            target_id="9",
            status="synced",
            fingerprint="abc",
            owned=False,
            dropped=("category_ids", "manufacturer_id"),
        )
        assert state.get("variant", ["v"])["v"].parent_id == "9"
        assert state.source_id_for("product", "9") == "1"
        assert state.source_id_for("product", "10") is None
        assert state.count("product") == 1
        assert state.count("product", status="pending") == 0
        assert [r.source_id for r in state.records("product", status="synced")] == ["1"]
        assert [r.source_id for r in state.unfinished("product")] == ["1"]  # dropped refs

    def test_pending_intents_and_discard(self, state: StateStore) -> None:
        state.put([SyncRecord(kind="order", source_id="2", target_id="x", status="failed")])
        state.put_pending("order", ["1", "2"])
        found = state.get("order", ["1", "2"])
        assert {r.status for r in found.values()} == {"pending"}
        assert found["2"].target_id is None
        assert sorted(r.source_id for r in state.unfinished("order")) == ["1", "2"]
        state.discard("order", ["2", "3"])
        assert list(state.get("order", ["1", "2"])) == ["1"]

    @pytest.mark.parametrize("locked", [False, True], ids=["unlocked", "locked"])
    def test_reference_look_ups_follow_every_change(self, state: StateStore, locked: bool) -> None:
        # Locked: as in an engine's call, where a store may keep answers.
        with state.lock() if locked else contextlib.nullcontext():
            self._look_ups_follow_every_change(state)

    def _look_ups_follow_every_change(self, state: StateStore) -> None:
        assert state._synced_target_ids("product", ["p1", "p2"]) == {}  # asked before written
        state.put([_synced("product", "p1", "t1"), _synced("product", "p2", "t2")])
        assert state._synced_target_ids("product", ["p1", "p2", "p3"]) == {
            "p1": "t1",
            "p2": "t2",
        }
        state.put([_synced("product", "p1", "t9")])
        state.put_pending("product", ["p2"])
        assert state._synced_target_ids("product", ["p1", "p2"]) == {"p1": "t9"}
        assert state.source_id_for("product", "t1") is None
        state.put([_synced("product", "p3", "t3")])
        state.put([attrs.evolve(_synced("product", "p3", "t3"), status="failed")])
        assert state._synced_target_ids("product", ["p3"]) == {}
        state.put([_synced("product", "p4", "t4")])
        state.discard("product", ["p4"])
        assert state._synced_target_ids("product", ["p1", "p4"]) == {"p1": "t9"}
        state.forget(["product"])
        assert state._synced_target_ids("product", ["p1", "p2"]) == {}
        state.put([_synced("product", "p1", "t5")])
        assert state._synced_target_ids("product", ["p1"]) == {"p1": "t5"}

    def test_light_answers_agree_with_whole_records(self, state: StateStore) -> None:
        # What the engine decides a batch from (``_stamps``, ``_clean_synced``,
        # ``_off_token``): a store answering them its own way must say what
        # whole records say. Enough ids to cross a store's query chunks.
        shapes = [
            ("synced", "d/*;~1.5", None),  # shown in step by token 1.5
            ("synced", "d/*;~1.5", ("category_ids",)),  # references to repair
            ("synced", "d=q;~2.5", None),  # another label
            ("synced", "d/*", None),  # no token
            ("synced", None, None),
            ("pending", "d/*;~1.5", None),
            ("failed", "d/*;~1.5", None),
        ]
        records = [
            SyncRecord(
                kind="product",
                source_id=f"s{n}",
                target_id=None if status == "pending" else f"t{n}",
                status=status,  # type: ignore[arg-type]
                fingerprint=stamp,
                dropped=dropped or (),
            )
            for n, (status, stamp, dropped) in (
                (n, shapes[n % len(shapes)]) for n in range(_LARGE // 4)
            )
        ]
        state.put(records)
        ids = [r.source_id for r in records] + ["absent"]
        whole = state.get("product", ids)
        stamps = state._stamps("product", ids)
        assert stamps == {
            sid: (r.status, r.fingerprint, bool(r.dropped)) for sid, r in whole.items()
        }
        clean = {sid for sid, r in whole.items() if r.status == "synced" and not r.dropped}
        assert state._clean_synced("product", ids) == len(clean)
        tokens = dict.fromkeys(ids, ";~1.5")
        tokens["s2"] = ";~2.5"  # its own token: shown by it, and by the label "=q;"
        tokens["s0"] = ";~9.5"  # a token the stamp does not end with
        labels = ("/*;", "=q;")
        shown = {
            sid
            for sid in clean
            if (stamp := whole[sid].fingerprint) is not None
            and stamp.endswith(tokens[sid])
            and any(label in stamp for label in labels)
        }
        assert "s2" in shown and "s0" not in shown and "s7" in shown
        assert state._off_token("product", tokens, labels) == set(ids) - shown
        assert state._off_token("product", tokens, ("=x;",)) == set(ids)
        assert state._off_token("order", {"s7": ";~1.5"}, labels) == {"s7"}
        assert state._off_token("product", {}, labels) == set()

    def test_large_id_map_is_paged_while_written(self, state: StateStore) -> None:
        ids = [f"{n:06d}" for n in range(_LARGE)]
        state.put(SyncRecord(kind="customer", source_id=i, status="pending") for i in ids)
        assert state.count("customer") == _LARGE
        wanted = ids[::3]
        assert set(state.get("customer", wanted)) == set(wanted)
        seen: list[str] = []
        batch: list[SyncRecord] = []
        for record in state.unfinished("customer"):  # written while read, as the engine does
            seen.append(record.source_id)
            batch.append(_synced("customer", record.source_id, "t" + record.source_id))
            if len(batch) == 500:
                state.put(batch)
                batch = []
        state.put(batch)
        assert sorted(seen) == ids  # every record once, none twice, none lost
        assert state.count("customer", status="synced") == _LARGE
        assert list(state.unfinished("customer")) == []
        assert state.source_id_for("customer", "t" + ids[-1]) == ids[-1]

    # -- failures, cursors, runs, meta -----------------------------------------
    def test_failures_count_attempts_and_clear(self, state: StateStore) -> None:
        failure = FailureRecord(kind="order", source_id="5", message="boom", field="status")
        state.put_failures([failure])
        state.put_failures([failure])
        (kept,) = state.failures("order")
        assert (kept.attempts, kept.field, kept.message) == (2, "status", "boom")
        assert state.failures("product") == []
        state.clear_failures("order", ["5"])
        assert state.failures() == []

    def test_cursors_and_forget(self, state: StateStore) -> None:
        moment = dt.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
        state.set_cursor("product", moment)
        state.set_cursor("order", moment)
        assert state.get_cursor("product") == moment
        state.put([_synced("product", "1", "2")])
        state.put_failures([FailureRecord(kind="product", source_id="3", message="x")])
        state.forget(["product"])
        assert state.get_cursor("product") is None
        assert state.get_cursor("order") == moment
        assert state.count("product") == 0
        assert state.failures("product") == []
        state.set_cursor("order", None)
        assert state.get_cursor("order") is None

    def test_run_history(self, state: StateStore) -> None:
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        first = state.start_run("full_migrate", start)
        second = state.start_run("smart_update", start, dry_run=True)
        state.finish_run(first, start + dt.timedelta(seconds=5), {"product": {"created": 2}})
        runs = state.runs()
        assert [(r.id, r.call, r.dry_run) for r in runs] == [
            (first, "full_migrate", False),
            (second, "smart_update", True),
        ]
        assert runs[0].finished_at == start + dt.timedelta(seconds=5)
        assert runs[0].summary == {"product": {"created": 2}}
        assert runs[1].finished_at is None

    def test_meta_keeps_values(self, open_state: Opener, state: StateStore) -> None:
        assert state.get_meta("source") is None
        state.set_meta("source", "woocommerce https://old.example")
        state.set_meta("source", "woocommerce https://shop.example")
        state.set_meta("schema_version", "mine")  # the caller's key, not the store's
        assert state.get_meta("source") == "woocommerce https://shop.example"
        again = open_state()
        try:
            assert again.get_meta("source") == "woocommerce https://shop.example"
            assert again.get_meta("schema_version") == "mine"
        finally:
            if again is not state:
                again.close()

    # -- surviving a crash, several processes ----------------------------------
    def test_intent_survives_a_crash(self, open_state: Opener) -> None:
        self._needs_processes()
        child = _context().Process(target=_intent_then_crash, args=(open_state,))
        child.start()
        child.join(_BOUND)
        assert child.exitcode == 17
        state = open_state()
        try:
            assert state.get("product", ["p0"])["p0"].target_id == "t0"
            pending = sorted(r.source_id for r in state.unfinished("product"))
            assert pending == ["p1", "p2"]  # the engine looks these up before creating
        finally:
            state.close()

    def test_new_state_opened_by_several_processes_at_once(self, open_state: Opener) -> None:
        self._needs_processes()
        ctx = _context()
        start, results = ctx.Barrier(_PROCESSES), ctx.Queue()
        children = [
            ctx.Process(target=_open_and_write, args=(open_state, i, start, results))
            for i in range(_PROCESSES)
        ]
        for child in children:
            child.start()
        outcomes = dict(results.get(timeout=_BOUND * 2) for _ in children)
        for child in children:
            child.join(_BOUND)
        assert outcomes == dict.fromkeys(range(_PROCESSES), "ok")
        state = open_state()
        try:
            assert state.count("order") == _PROCESSES * 10 * 20  # nothing lost
        finally:
            state.close()

    # -- the migration lock --------------------------------------------------
    def test_lock_refuses_a_second_holder_at_once(self, open_state: Opener) -> None:
        first, second = open_state(), open_state()
        try:
            first.acquire_lock("full_migrate on host-a pid 1")
            with pytest.raises(MigrationLocked) as caught:
                second.acquire_lock("full_migrate on host-b pid 2")
            assert caught.value.holder == "full_migrate on host-a pid 1"
            assert caught.value.since is not None
            assert "host-a pid 1" in str(caught.value)
            assert isinstance(caught.value, StateError)
            with pytest.raises(MigrationLocked):
                first.acquire_lock("again")  # not re-entrant
            first.release_lock()
            second.acquire_lock("full_migrate on host-b pid 2")
            second.release_lock()
            second.release_lock()  # releasing what is not held does nothing
        finally:
            first.release_lock()
            if second is not first:
                second.close()
            first.close()

    def test_lock_excludes_other_threads_and_waits(self, open_state: Opener) -> None:
        holder = open_state()
        holder.acquire_lock("holder")
        trying = threading.Event()
        outcome: list[str] = []

        def waiter() -> None:
            mine = open_state()
            try:
                with pytest.raises(MigrationLocked):
                    mine.acquire_lock("impatient", wait=0.0)
                trying.set()
                mine.acquire_lock("patient", wait=_BOUND)
                outcome.append("acquired")
                mine.release_lock()
            except BaseException as error:
                outcome.append(repr(error))
            finally:
                if mine is not holder:
                    mine.close()

        thread = threading.Thread(target=waiter)
        thread.start()
        assert trying.wait(_BOUND)
        time.sleep(0.2)  # the waiter is (very likely) waiting now
        holder.release_lock()
        thread.join(_BOUND * 2)
        holder.close()
        assert outcome == ["acquired"]

    def test_lock_wait_gives_up_after_the_wait(self, open_state: Opener) -> None:
        first, second = open_state(), open_state()
        try:
            first.acquire_lock("long migration")
            with pytest.raises(MigrationLocked, match="long migration"):
                second.acquire_lock("waiter", wait=0.3)
            with pytest.raises(ValueError, match="wait"):
                second.acquire_lock("waiter", wait=-1)
        finally:
            first.release_lock()
            if second is not first:
                second.close()
            first.close()

    def test_lock_excludes_another_process_and_dies_with_it(self, open_state: Opener) -> None:
        self._needs_processes()
        ctx = _context()
        ready = ctx.Event()
        child = ctx.Process(target=_hold_lock, args=(open_state, "child holder", ready))
        child.start()
        state = open_state()
        try:
            assert ready.wait(_BOUND), "the child never took the lock"
            with pytest.raises(MigrationLocked) as caught:
                state.acquire_lock("parent")
            assert caught.value.holder == "child holder"
            child.kill()  # SIGKILL: no cleanup of any kind runs in the child
            child.join(_BOUND)
            state.acquire_lock("parent", wait=_BOUND)  # released by the OS / the database
            results = ctx.Queue()
            other = ctx.Process(target=_try_lock, args=(open_state, results))
            other.start()
            assert results.get(timeout=_BOUND * 2) == ("locked", "parent")
            other.join(_BOUND)
        finally:
            if child.is_alive():
                child.kill()
                child.join(_BOUND)
            state.release_lock()
            state.close()

    # -- schema ----------------------------------------------------------------
    def test_a_newer_schema_is_refused(self, open_state: Opener) -> None:
        state = open_state()
        try:
            self.make_schema_newer(state)
        finally:
            state.close()
        with pytest.raises(StateError, match="newer"):
            open_state().close()
