"""Kill points: a real ``kill -9`` of the migrating process, at a request
chosen at random (seeded), before or after the server applied it, during
full_migrate, smart_update or remigrate. A new process then resumes on the
same SQLite state until a run is clean: the store must equal what one
uninterrupted run leaves, with nothing duplicated and nothing lost, on the
WooCommerce and Shopify simulators, each with source references and
declaring none.

The simulator runs in this process behind a real HTTP server (``_served``);
the child talks to it over a socket, so the kill lands mid-request as a
crash would.
"""

from __future__ import annotations

import random
import signal
from pathlib import Path

import pytest

from ._served import Served, shopify_schema

KILL_POINTS = 6  # per target: each one a kill and at least one resuming process

TARGETS = [
    pytest.param(platform, mode, id=f"{platform}-sim-{mode}")
    for platform in ("woocommerce", "shopify")
    for mode in ("refs", "norefs")
]


@pytest.mark.parametrize(("platform", "mode"), TARGETS)
def test_kill_nine_anywhere_ends_like_an_uninterrupted_run(
    platform: str, mode: str, tmp_path: Path, shared_dir: Path
) -> None:
    schema = shopify_schema(shared_dir) if platform == "shopify" else None
    reference = Served(platform, schema)
    try:
        child = reference.run_child(tmp_path / "reference.db", mode)
        assert child.returncode == 0, child.stdout + child.stderr[-2000:]
        expected = reference.content()
        total = reference.requests
    finally:
        reference.close()
    rng = random.Random(f"kill-{platform}-{mode}")
    points = sorted(rng.sample(range(2, total), KILL_POINTS))
    unreached: list[int] = []
    for index, point in enumerate(points):
        served = Served(platform, schema)
        try:
            served.kill_at, served.apply_first = point, index % 2 == 0
            state = tmp_path / f"kill-{point}.db"
            killed = served.run_child(state, mode)
            if killed.returncode == 0 and served.requests < point:
                # This run needed fewer requests than the reference (a lookup
                # that waited less): it ended before its kill point, and must
                # still end like the reference, checked below.
                unreached.append(point)
            else:
                assert killed.returncode == -signal.SIGKILL, (point, killed.stderr[-2000:])
            served.kill_at = None
            for _ in range(3):  # resume until a run is clean
                resumed = served.run_child(state, mode)
                if resumed.returncode == 0:
                    break
            assert resumed.returncode == 0, (point, resumed.stdout, resumed.stderr[-2000:])
            got = served.content()
            for kind in expected:
                extra = [row for row in got[kind] if row not in expected[kind]]
                missing = [row for row in expected[kind] if row not in got[kind]]
                assert (len(got[kind]), extra, missing) == (len(expected[kind]), [], []), (
                    f"{kind}: killed at request {point} of {total}"
                )
        finally:
            served.close()
    assert len(unreached) <= 1, f"kill points never reached: {unreached} of {total} requests"
