"""examples/agency_queue.py for real: two RQ workers on a real Redis, the state in
a real PostgreSQL, 20 migrations (four of them queued twice, to meet their own
lock), and one worker's job killed with SIGKILL in the middle of a migration.

Every migration completes with its report stored, nothing is created twice,
and no migration ever ran twice at once (issue #13, item 5).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cartmigrate import SQLStateStore
from cartmigrate.models import ENTITY_TYPES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MIGRATIONS = [f"shop-{n:02d}" for n in range(20)]
TWICE = MIGRATIONS[:4]  # queued twice: the second job meets the first one's lock
BOUND = 300.0  # seconds: the whole run must be over well before


@pytest.fixture
def agency(
    postgres_url: str, redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    queue = f"cartmigrate-test-{uuid.uuid4().hex[:8]}"
    env = {
        "CARTMIGRATE_AGENCY_STATE": postgres_url,
        "CARTMIGRATE_AGENCY_REDIS": redis_url,
        "CARTMIGRATE_AGENCY_DATA": str(tmp_path),
        "CARTMIGRATE_AGENCY_QUEUE": queue,
        "CARTMIGRATE_AGENCY_PAUSE": "0.01",  # ~1.5 s a migration: time to kill one mid-run
        "CARTMIGRATE_AGENCY_RETRY": "1,1,2",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(EXAMPLES))
    yield env
    from redis import Redis

    connection = Redis.from_url(redis_url)
    keys = list(connection.scan_iter(f"*{queue}*"))
    if keys:
        connection.delete(*keys)


def _start_worker(env: dict[str, str], log: Path, *options: str) -> subprocess.Popen[bytes]:
    rq = Path(sys.executable).with_name("rq")
    return subprocess.Popen(
        [
            *(str(rq), "worker", env["CARTMIGRATE_AGENCY_QUEUE"], "--with-scheduler"),
            *("--url", env["CARTMIGRATE_AGENCY_REDIS"], "--logging_level", "WARNING"),
            *options,
        ],
        env={**os.environ, **env, "PYTHONPATH": str(EXAMPLES)},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        # Its own process group: the worker and its scheduler can be killed together.
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(15)


def _reports(env: dict[str, str], migrations: list[str] = MIGRATIONS) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for migration in migrations:
        with SQLStateStore(env["CARTMIGRATE_AGENCY_STATE"], migration=migration) as state:
            stored = state.get_meta("report:full_migrate")
        if stored is not None:
            found[migration] = json.loads(stored)
    return found


def test_twenty_migrations_on_two_workers_one_killed(
    agency: dict[str, str], tmp_path: Path
) -> None:
    import agency_queue
    from redis import Redis
    from rq import Queue
    from rq.job import Job, JobStatus

    connection = Redis.from_url(agency["CARTMIGRATE_AGENCY_REDIS"])
    queue = Queue(agency["CARTMIGRATE_AGENCY_QUEUE"], connection=connection)
    jobs: list[Job] = []
    for migration in MIGRATIONS:
        jobs.append(agency_queue.enqueue(queue, migration))
        if migration in TWICE:
            jobs.append(agency_queue.enqueue(queue, migration))
    workers = [_start_worker(agency, tmp_path / f"worker-{n}.log") for n in range(2)]
    killed: tuple[str, int] | None = None
    try:
        deadline = time.monotonic() + BOUND
        # Kill the process running some migration once it is well into it.
        while killed is None and time.monotonic() < deadline:
            for job in jobs:
                job.refresh()
                # After products or customers: orders and reviews (~0.5 s) are still to come.
                entity = job.meta.get("progress", {}).get("entity")
                if job.get_status() == JobStatus.STARTED and entity in ("product", "customer"):
                    os.kill(int(job.meta["pid"]), signal.SIGKILL)
                    killed = (str(job.args[0]), int(job.meta["pid"]))
                    break
            time.sleep(0.05)
        assert killed is not None, "no job was ever seen running"
        while time.monotonic() < deadline:
            statuses = [job.get_status(refresh=True) for job in jobs]
            if all(s in (JobStatus.FINISHED, JobStatus.FAILED) for s in statuses):
                break
            time.sleep(0.2)
        statuses = [job.get_status(refresh=True) for job in jobs]
    finally:
        for worker in workers:
            _stop(worker)
    logs = "\n".join(p.read_text(errors="replace") for p in tmp_path.glob("worker-*.log"))
    assert statuses == [JobStatus.FINISHED] * len(jobs), logs[-3000:]

    _assert_all_migrated(agency, tmp_path, MIGRATIONS, killed[0])


def _assert_all_migrated(
    agency: dict[str, str], tmp_path: Path, migrations: list[str], killed: str
) -> None:
    import agency_queue

    # Every migration completed and its report is stored, without a failure.
    reports = _reports(agency, migrations)
    assert sorted(reports) == migrations
    assert all(report["failures"] == [] for report in reports.values())
    for migration in migrations:
        source = agency_queue.demo_source(migration)
        expected = {kind.kind: len(source.list(kind)) for kind in ENTITY_TYPES}
        target = agency_queue.SimulatedStore(tmp_path / f"{migration}.target")
        # Everything is there once, and nothing was ever created twice.
        assert {kind.kind: len(target.list(kind)) for kind in ENTITY_TYPES} == expected, migration
        creates = target.creates()
        assert len(creates) == len(set(creates)), f"{migration}: duplicate creates"
        # No two runs of one migration overlapped; the killed one never finished.
        with SQLStateStore(agency["CARTMIGRATE_AGENCY_STATE"], migration=migration) as state:
            runs = state.runs()
        finished = sorted((r.started_at, r.finished_at) for r in runs if r.finished_at)
        for (_, end), (start, _) in itertools.pairwise(finished):
            assert start >= end, f"{migration}: two runs at once"
        if migration == killed:
            assert any(r.finished_at is None for r in runs), "the kill was not mid-run"
            assert len(finished) >= 1


WHOLE = [f"whole-{n:02d}" for n in range(10)]
RECOVERY_BOUND = 60.0  # seconds from the kill until every job is done


def test_a_whole_worker_killed_mid_task_its_job_is_put_back_in_bounded_time(
    agency: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole worker dies mid-task — its main process, its scheduler and the
    job's process, all SIGKILLed at once, as when a machine is lost — so no
    process of it can tell RQ. The surviving ``AgencyWorker`` puts the job
    back on the queue once its started-job entry expired (job monitoring 1 s
    + 3 s of grace), at its next maintenance (every second here), and runs
    it: every migration completes, nothing twice, never two runs at once.
    With RQ's own ``Worker`` the entry alone lives 61 s: over the bound."""
    import agency_queue
    from redis import Redis
    from rq import Queue
    from rq.job import Job, JobStatus

    monkeypatch.setenv("CARTMIGRATE_AGENCY_ABANDONED_AFTER", "3")
    agency = {**agency, "CARTMIGRATE_AGENCY_ABANDONED_AFTER": "3"}
    connection = Redis.from_url(agency["CARTMIGRATE_AGENCY_REDIS"])
    queue = Queue(agency["CARTMIGRATE_AGENCY_QUEUE"], connection=connection)
    jobs: list[Job] = [agency_queue.enqueue(queue, migration) for migration in WHOLE]
    options = (
        *("--worker-class", "agency_queue.AgencyWorker"),
        *("--job-monitoring-interval", "1", "--maintenance-interval", "1"),
        *("--worker-ttl", "18"),  # an idle worker looks for work every 3 s
    )
    names = [f"agency-{n}-{uuid.uuid4().hex[:6]}" for n in range(2)]
    processes = {
        name: _start_worker(agency, tmp_path / f"worker-{n}.log", "--name", name, *options)
        for n, name in enumerate(names)
    }
    victim: tuple[Job, str, int] | None = None
    try:
        deadline = time.monotonic() + BOUND
        while victim is None and time.monotonic() < deadline:
            for job in jobs:
                job.refresh()
                entity = job.meta.get("progress", {}).get("entity")
                if job.get_status() == JobStatus.STARTED and entity in ("product", "customer"):
                    victim = (job, str(job.worker_name), int(job.meta["pid"]))
                    break
            time.sleep(0.05)
        assert victim is not None, "no job was ever seen running"
        job, name, horse = victim
        worker = processes[name]
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its scheduler, if it ran it
        os.kill(horse, signal.SIGKILL)  # the job's process (a group of its own)
        worker.wait(15)
        killed_at = time.monotonic()
        while time.monotonic() < killed_at + RECOVERY_BOUND:
            statuses = [j.get_status(refresh=True) for j in jobs]
            if all(s in (JobStatus.FINISHED, JobStatus.FAILED) for s in statuses):
                break
            time.sleep(0.2)
        statuses = [j.get_status(refresh=True) for j in jobs]
    finally:
        for process in processes.values():
            _stop(process)
    logs = "\n".join(p.read_text(errors="replace") for p in tmp_path.glob("worker-*.log"))
    assert statuses == [JobStatus.FINISHED] * len(jobs), logs[-3000:]
    job.refresh()
    survivor = next(other for other in processes if other != name)
    # Put back once (one retry counted), and finished by the surviving worker.
    assert job.retries_left == agency_queue.RETRIES - 1
    assert job.worker_name == survivor
    _assert_all_migrated(agency, tmp_path, WHOLE, str(job.args[0]))


def test_nightly_smart_updates_are_scheduled_by_rq_cron(
    agency: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import agency_queue
    from redis import Redis
    from rq import Queue
    from rq.cron import CronScheduler

    connection = Redis.from_url(agency["CARTMIGRATE_AGENCY_REDIS"])
    scheduler = CronScheduler(connection=connection)
    scheduler.load_config_from_file(str(EXAMPLES / "agency_queue.py"))  # what `rq cron` does
    (nightly,) = scheduler.get_jobs()
    assert (nightly.cron, nightly.queue_name) == ("0 2 * * *", agency["CARTMIGRATE_AGENCY_QUEUE"])
    assert nightly.func.__name__ == "enqueue_smart_updates"
    monkeypatch.setenv("CARTMIGRATE_AGENCY_MIGRATIONS", "shop-a,shop-b,shop-c")
    assert agency_queue.enqueue_smart_updates() == 3
    queue = Queue(agency["CARTMIGRATE_AGENCY_QUEUE"], connection=connection)
    assert sorted(job.args for job in queue.jobs) == [
        ("shop-a", "smart_update"),
        ("shop-b", "smart_update"),
        ("shop-c", "smart_update"),
    ]
