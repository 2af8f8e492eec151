"""Two processes, one state, one target: the WooCommerce and Shopify
simulators (issue #10, item 1, on simulator targets; ``tests/state/
test_engine_lock.py`` runs it on memory targets, with and without source
references, on SQLite and PostgreSQL).

How two processes share one simulated shop: the simulator is an in-process
object, so this test serves it over loopback HTTP (``_served``, a threaded
server, so the two children's requests really interleave) and two child
processes (``_kill_child.py race``) migrate into it through the real
connectors, on one SQLite state file. Threads sharing the simulator would
not do: the lock under test is between processes (an OS file lock), and the
point is two engines that know nothing of each other. Unlike the memory
variant, both children write to the *same* shop, so a second run that waited
is a real second run on the same target — it must create nothing.

Each child waits for a starting gun (a file), so both runs begin together,
and each request takes 10 ms, so they overlap: the second is then refused
(``MigrationLocked``). Had one ended before the other began, the late one
must find everything done and create nothing; either way, 0 duplicates.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from cartmigrate import Product
from cartmigrate.models import ENTITY_TYPES

from ._kill_child import source
from ._served import Served, shopify_schema

LATENCY = 0.01  # per request: a run lasts about a second, so the two overlap

TARGETS = [
    pytest.param(platform, mode, id=f"{platform}-sim-{mode}")
    for platform in ("woocommerce", "shopify")
    for mode in ("refs", "norefs")
]


def _race(served: Served, state: Path, mode: str, wait: float) -> list[dict[str, Any]]:
    children = [served.start_child(state, mode, "race", str(wait)) for _ in range(2)]
    Path(f"{state}.go").touch()
    outcomes = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err[-2000:]
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    return sorted(outcomes, key=lambda o: (o["outcome"], sum(o.get("created", {}).values())))


def _expected(served: Served, mode: str) -> dict[str, int]:
    """Entities the shop must hold once each: the source's, of the types it writes."""
    writes = served.cart().capabilities.writes
    store = source(mode)
    return {kind.kind: len(store.list(kind)) for kind in ENTITY_TYPES if kind in writes}


def _creates(expected: dict[str, int], mode: str) -> dict[str, int]:
    """What one run creates: every entity, and every variant of a product."""
    variants = sum(len(p.variants) for p in source(mode).list(Product))
    return {**expected, "variant": variants} if variants else dict(expected)


def _created(outcome: dict[str, Any]) -> dict[str, int]:
    return {kind: n for kind, n in outcome["created"].items() if n}


@pytest.mark.parametrize(("platform", "mode"), TARGETS)
def test_two_processes_at_once_one_is_refused_nothing_is_created_twice(
    platform: str, mode: str, tmp_path: Path, shared_dir: Path
) -> None:
    served = Served(
        platform, shopify_schema(shared_dir) if platform == "shopify" else None, latency=LATENCY
    )
    try:
        outcomes = _race(served, tmp_path / "state.db", mode, wait=0.0)
        expected = _expected(served, mode)
        got = served.content()
    finally:
        served.close()
    kinds = [o["outcome"] for o in outcomes]
    # Refused (it started while the other ran), or, if the other was already
    # done when it started, it ran after it and found nothing to create.
    assert kinds in (["locked", "ok"], ["ok", "ok"]), outcomes
    if kinds == ["locked", "ok"]:
        assert "full_migrate on" in str(outcomes[0]["holder"])
    else:
        assert _created(outcomes[0]) == {}, outcomes
    assert _created(outcomes[-1]) == _creates(expected, mode)
    # The shop holds every entity once: 0 duplicate creates.
    assert {kind: len(got[kind]) for kind in expected} == expected


@pytest.mark.parametrize(("platform", "mode"), TARGETS[::2])
def test_two_processes_with_wait_run_one_after_the_other(
    platform: str, mode: str, tmp_path: Path, shared_dir: Path
) -> None:
    served = Served(
        platform, shopify_schema(shared_dir) if platform == "shopify" else None, latency=LATENCY
    )
    try:
        outcomes = _race(served, tmp_path / "state.db", mode, wait=60.0)
        expected = _expected(served, mode)
        got = served.content()
    finally:
        served.close()
    # Both ran, on the same shop, one after the other: the second found
    # everything there and created nothing.
    assert [o["outcome"] for o in outcomes] == ["ok", "ok"], outcomes
    second, first = outcomes
    assert (_created(second), _created(first)) == ({}, _creates(expected, mode))
    assert dt.datetime.fromisoformat(second["started"]) >= dt.datetime.fromisoformat(
        first["finished"]
    )
    assert {kind: len(got[kind]) for kind in expected} == expected
