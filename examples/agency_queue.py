"""Hundreds of migrations on a job queue: RQ workers, Redis, state in PostgreSQL.

Each migration is an RQ job that opens its engine from a migration id, runs
``full_migrate`` or ``smart_update`` and stores its report. The state of every
migration lives in one PostgreSQL database (``SQLStateStore``, keyed by the
migration id), so any worker on any machine can run any migration, and the
state's migration lock makes sure only one runs each migration at a time: a
job that finds its migration locked fails with ``MigrationLocked`` and RQ
retries it later (``Retry``). A job whose process is killed mid-run is
retried the same way; the engine resumes where the killed run stopped,
creating nothing twice. A job whose whole worker died (a machine lost) is
put back on the queue by a surviving ``AgencyWorker`` within a bounded time
(see there). Nightly smart updates are scheduled by RQ's own
``CronScheduler``.

Why RQ and not Celery: a migration is a long, heavy job, and RQ runs each job
in a fresh fork (the "work horse") that its worker watches — a horse that dies
(killed, out of memory) is seen at once and the job retried, with no broker
acknowledgement settings to get right; it needs only Redis, and its retries
and cron come in the one package.

    pip install 'cartmigrate[postgres,queue]'
    export CARTMIGRATE_AGENCY_STATE=postgresql+psycopg://agency@db/migrations
    export CARTMIGRATE_AGENCY_REDIS=redis://127.0.0.1:6379/0
    export PYTHONPATH=examples                   # so that workers import this module
    rq worker cartmigrate --with-scheduler --url "$CARTMIGRATE_AGENCY_REDIS" \
        --worker-class agency_queue.AgencyWorker \
        --job-monitoring-interval 10 --maintenance-interval 30      # on each machine
    python examples/agency_queue.py full shop-1 shop-2 shop-3
    CARTMIGRATE_AGENCY_MIGRATIONS=shop-1,shop-2 rq cron examples/agency_queue.py  # nightly

Without carts of your own (``carts_for``) it migrates simulated stores: a
generated source, and a target kept in a journal file under
``CARTMIGRATE_AGENCY_DATA`` so that it outlives a killed worker, as a real
shop would.
"""

from __future__ import annotations

import copyreg
import json
import os
import pickle
import sys
import time
import types
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

from redis import Redis
from rq import Queue, Retry, Worker, cron, get_current_job
from rq.job import Job

from cartmigrate import Cart, Created, MemoryCart, Product, Progress, SQLStateStore, SyncEngine
from cartmigrate.models import ENTITY_TYPES, Entity
from cartmigrate.testing import generate_store

E = TypeVar("E", bound=Entity)

RETRIES = 20
JOB_TIMEOUT = 12 * 3600  # a first migration of a big store takes hours


#: RQ's ``Job.save_meta`` (and the two below) have no annotations; these are their types.
_save_meta: Callable[[Job], None] = Job.save_meta
_release_maintenance_lock: Callable[[Queue], None] = Queue.release_maintenance_lock
_clean_registries: Callable[[Worker], None] = Worker.clean_registries


# Models keep ``extra`` in a read-only mapping, which pickle does not know.
def _read_only(items: dict[str, Any]) -> types.MappingProxyType[str, Any]:
    return types.MappingProxyType(items)


copyreg.pickle(types.MappingProxyType, lambda m: (_read_only, (dict(m),)))


def queue_name() -> str:
    return os.environ.get("CARTMIGRATE_AGENCY_QUEUE", "cartmigrate")


def retry_intervals() -> list[int]:
    """Seconds between retries of a job that found its migration locked or was
    killed: a migration in progress may take a while to finish."""
    return [
        int(s) for s in os.environ.get("CARTMIGRATE_AGENCY_RETRY", "10,30,60,120,300").split(",")
    ]


def abandoned_after() -> int:
    """Seconds a running job may go without its worker's heartbeat before it
    counts as abandoned (RQ's own grace: 60)."""
    return int(os.environ.get("CARTMIGRATE_AGENCY_ABANDONED_AFTER", "60"))


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"set {name}")
    return value


# -- the stores of one migration ----------------------------------------------------
class SimulatedStore(MemoryCart):
    """A shop in memory whose every write is journalled to a file, so that it
    outlives the process (a killed worker's writes are there for the retry)."""

    def __init__(self, journal: Path, *, pause: float = 0.0) -> None:
        super().__init__(name=f"simulated {journal.stem}")
        self._journal = journal
        self._pause = pause  # seconds per create: a network's latency
        self._by_ref: dict[tuple[str, str], str] = {}
        for op, kind, payload, ref in self._replay():
            if op == "put":
                stored = self.add(payload)
                if ref is not None:
                    self._by_ref[(kind, ref)] = str(stored.id)
            else:
                self.remove(next(k for k in ENTITY_TYPES if k.kind == kind), payload)

    def _replay(self) -> list[tuple[str, str, Any, str | None]]:
        if not self._journal.exists():
            return []
        data, records, at = self._journal.read_bytes(), [], 0
        while at + 4 <= len(data):
            size = int.from_bytes(data[at : at + 4], "big")
            if at + 4 + size > len(data):
                break  # a record cut short by a crash: it never happened
            records.append(pickle.loads(data[at + 4 : at + 4 + size]))
            at += 4 + size
        return records

    def _log(self, op: str, kind: str, payload: Any, ref: str | None = None) -> None:
        record = pickle.dumps((op, kind, payload, ref))
        fd = os.open(self._journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, len(record).to_bytes(4, "big") + record)  # one write: whole or none
        finally:
            os.close(fd)

    def creates(self) -> list[tuple[str, str | None]]:
        """(kind, source ref) of every create ever journalled, repeats included."""
        return [(kind, ref) for op, kind, _, ref in self._replay() if op == "put" and ref]

    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        time.sleep(self._pause)
        created = super().create(entity, source_ref=source_ref)
        stored = self.get(type(entity), created.id)
        self._log("put", entity.kind, stored, source_ref)
        if source_ref is not None:
            self._by_ref[(entity.kind, source_ref)] = created.id
        return created

    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        super().update(kind, id, changes, parent_id=parent_id)
        # A variant is stored inside its product: journal what changed as a whole.
        owner_kind, owner = (kind, id) if parent_id is None else (Product, parent_id)
        self._log("put", owner_kind.kind, self.get(owner_kind, owner), None)

    def delete(self, kind: type[Entity], id: str) -> None:
        super().delete(kind, id)
        self._log("delete", kind.kind, id)

    def find_by_source_ref(self, kind: type[E], source_ref: str) -> E | None:
        found = self._by_ref.get((kind.kind, source_ref))
        return None if found is None else self.get(kind, found)


def demo_source(migration: str) -> MemoryCart:
    """The same generated shop for a migration id, in every process."""
    return MemoryCart(
        generate_store(
            seed=zlib.crc32(migration.encode()),
            products=15,
            customers=15,
            orders=25,
            categories=4,
            manufacturers=3,
            reviews=8,
        ),
        name=f"source of {migration}",
    )


def carts_for(migration: str) -> tuple[Cart, Cart]:
    """The source and target carts of a migration. An agency replaces this with
    its own look-up: platform and credentials from its vault, by migration id."""
    data = Path(_env("CARTMIGRATE_AGENCY_DATA"))
    pause = float(os.environ.get("CARTMIGRATE_AGENCY_PAUSE", "0"))
    return demo_source(migration), SimulatedStore(data / f"{migration}.target", pause=pause)


# -- the job ---------------------------------------------------------------------
def _progress(progress: Progress) -> None:
    """Shown in the job's meta, where RQ's dashboards and the tests read it."""
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = {"entity": progress.entity, "done": progress.done}
        _save_meta(job)


def migrate(migration: str, call: str = "full_migrate") -> dict[str, Any]:
    """One call of one migration; raises ``MigrationLocked`` (so RQ retries
    later) when another worker is running it."""
    job = get_current_job()
    if job is not None:
        job.meta["pid"] = os.getpid()
        _save_meta(job)
    source, target = carts_for(migration)
    state = SQLStateStore(_env("CARTMIGRATE_AGENCY_STATE"), migration=migration)
    try:
        engine = SyncEngine(source, target, state=state, on_progress=_progress)
        report = engine.full_migrate() if call == "full_migrate" else engine.smart_update()
        stored = {
            "call": call,
            "summary": report.summary(),
            "failures": [[f.entity, f.source_id, f.field, f.message] for f in report.failures],
            "finished_at": report.finished_at.isoformat() if report.finished_at else None,
        }
        state.set_meta(f"report:{call}", json.dumps(stored))
        return stored
    finally:
        state.close()


# -- the worker -------------------------------------------------------------------
class AgencyWorker(Worker):
    """RQ's worker, putting a dead worker's job back on the queue in bounded time.

    When only the job's process dies, its worker sees it at once and RQ
    retries the job. When the whole worker dies with it (a machine lost, an
    OOM kill of the group), nobody sees it: RQ keeps the job's entry in the
    started-job registry ``job_monitoring_interval + 60`` s past the last
    heartbeat; once it expired, a surviving worker's maintenance (every
    ``--maintenance-interval`` s, 10 minutes by default) fails the job and
    retries it after its retry interval — which needs RQ's scheduler, and if
    the dead worker was running it, its lock lives 61 s more. This worker:

    - lets the entry outlive a heartbeat by ``abandoned_after()`` seconds
      (``CARTMIGRATE_AGENCY_ABANDONED_AFTER``) instead of 60;
    - in its maintenance, puts every job whose entry expired back on the
      queue at once (counting one retry), without the scheduler.

    Recovery then takes at most ``job_monitoring_interval + abandoned_after()
    + maintenance_interval`` seconds (plus the wait of an idle worker for its
    next job, ``worker_ttl - 15``). A short grace is safe: the migration lock
    is the database's own, released only when the dead worker's connection
    is gone, so a job taken for abandoned while its worker was merely slow
    meets that lock, raises ``MigrationLocked`` and is retried later; a
    migration never runs twice at once.
    """

    def get_heartbeat_ttl(self, job: Job) -> int:
        return int(super().get_heartbeat_ttl(job)) - 60 + abandoned_after()

    def clean_registries(self) -> None:
        for queue in self.queues:
            # One worker at a time, as RQ's own clean-up: a job goes back once.
            if queue.acquire_maintenance_lock():
                try:
                    requeue_abandoned(queue)
                finally:
                    _release_maintenance_lock(queue)
        _clean_registries(self)


def requeue_abandoned(queue: Queue) -> list[str]:
    """Put back on ``queue`` the jobs whose started-job entry expired (their
    worker is gone), each counting one retry; the ids of those put back.
    A job without retries left stays: RQ's clean-up moves it to the failed
    jobs, with ``AbandonedJobError``."""
    registry = queue.started_job_registry
    connection: Redis = registry.connection
    requeued: list[str] = []
    expired = cast("list[bytes]", connection.zrangebyscore(registry.key, 0, time.time()))
    for entry in expired:
        job = queue.fetch_job(registry.parse_job_id(entry))
        if job is None or not job.retries_left:
            continue
        if not connection.zrem(registry.key, entry):
            continue  # another worker took it first
        job.retries_left -= 1
        queue.enqueue_job(job)
        requeued.append(job.id)
    return requeued


def enqueue(queue: Queue, migration: str, call: str = "full_migrate") -> Job:
    return queue.enqueue(
        migrate,
        migration,
        call,
        job_timeout=JOB_TIMEOUT,
        retry=Retry(max=RETRIES, interval=retry_intervals()),
        description=f"{call} {migration}",
    )


def enqueue_smart_updates() -> int:
    """What the nightly cron job runs: a smart update of every migration."""
    queue = Queue(queue_name(), connection=Redis.from_url(_env("CARTMIGRATE_AGENCY_REDIS")))
    migrations = [m for m in os.environ.get("CARTMIGRATE_AGENCY_MIGRATIONS", "").split(",") if m]
    for migration in migrations:
        enqueue(queue, migration, "smart_update")
    return len(migrations)


# ``rq cron examples/agency_queue.py`` loads this module and runs what it registers.
cron.register(enqueue_smart_updates, queue_name(), cron="0 2 * * *")


def main(argv: Sequence[str]) -> None:
    if len(argv) < 2 or argv[0] not in ("full", "smart"):
        raise SystemExit("usage: agency_queue.py full|smart MIGRATION_ID...")
    queue = Queue(queue_name(), connection=Redis.from_url(_env("CARTMIGRATE_AGENCY_REDIS")))
    call = "full_migrate" if argv[0] == "full" else "smart_update"
    for migration in argv[1:]:
        print(f"queued {enqueue(queue, migration, call).id}: {call} {migration}")


if __name__ == "__main__":
    main(sys.argv[1:])
