"""The month until go-live, as code: migrate once, then keep the new shop in step every night.

Run it as a scheduled job (see docs/keep-in-sync.md for cron, a systemd timer
or a job queue)::

    python examples/keep_in_sync.py night  --state /var/lib/shop/migration.db
    python examples/keep_in_sync.py night  --state /var/lib/shop/migration.db --verify

Each run takes a lock beside the state (a second run waits for none: it
exits with code 2), runs ``full_migrate`` the first night and ``smart_update``
after it (``--verify`` compares every migrated entity with the target, e.g.
weekly), logs the report, and exits 0 when ``report.ok``, 1 otherwise — so
cron mails, systemd marks the unit failed, or the job queue retries. A run
that raises (a store that cannot be reached, a state file that cannot be
opened, a bug) alerts too and exits 3: a night that crashed never passes for
a quiet one.

Without arguments it simulates two nights offline on in-memory stores: the
first night migrates everything; on the second the old shop has kept
selling, the new shop's team has edited a product on its own, and the new
shop refuses one write. Your own stores go in ``stores()``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs

from cartmigrate import (
    Cart,
    MappingRules,
    MemoryCart,
    Order,
    Product,
    Report,
    Shipment,
    SQLiteStateStore,
    StatusChange,
    SyncEngine,
    TransientError,
)

logger = logging.getLogger("keep_in_sync")

#: Exit codes a scheduler understands.
OK, FAILED, LOCKED, CRASHED = 0, 1, 2, 3


@contextlib.contextmanager
def state_lock(state_path: Path) -> Iterator[bool]:
    """Hold ``<state>.lock`` for the run; yields False when another run holds it.

    Two runs at once would both read the same changes and race on the
    target. The lock is released by the OS if the process dies.
    """
    lock_path = state_path.with_name(state_path.name + ".lock")
    with open(lock_path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: one scheduled task at a time is the scheduler's job
            yield True
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def alert(report: Report) -> None:
    """Tell a person. Replace with your mail, Slack or pager hook."""
    print(f"ALERT: {len(report.failures)} failure(s); they are retried next night")
    print(report.failures_csv(), end="")


def alert_crash(error: BaseException) -> None:
    """Tell a person the run did not finish. The library keeps credentials out of
    its errors; the traceback is in the log."""
    print(f"ALERT: the run stopped with {type(error).__name__}: {error}")


def night(
    source: Cart,
    target: Cart,
    state_path: Path,
    *,
    verify: bool = False,
    rules: MappingRules | None = None,
    on_alert: Callable[[Report], None] = alert,
    on_crash: Callable[[BaseException], None] = alert_crash,
) -> int:
    """One scheduled run: the first one migrates everything, later ones what changed.

    Whatever it raises is alerted (``on_crash``) and exits ``CRASHED``: the
    scheduler sees a failed run, and the next night starts where this one
    stopped (the state records every write as it happens).
    """
    try:
        with state_lock(state_path) as locked:
            if not locked:
                logger.warning("another run holds the lock on %s; not starting", state_path)
                return LOCKED
            with SQLiteStateStore(state_path) as state:
                engine = SyncEngine(source, target, state=state, rules=rules)
                first = not state.runs()
                report = engine.full_migrate() if first else engine.smart_update(verify=verify)
    except Exception as error:
        logger.exception("the run stopped")
        on_crash(error)
        return CRASHED
    print(report)
    if not report.ok:
        on_alert(report)
    return OK if report.ok else FAILED


# -- the offline demo ------------------------------------------------------
def demo_stores() -> tuple[MemoryCart, MemoryCart]:
    from quickstart import demo_store  # the quickstart's small clothing store

    return demo_store(), MemoryCart(name="new-shop")


def sells_for_a_day(old: MemoryCart, new: MemoryCart) -> None:
    """The old shop keeps selling; the new shop's team works on its own copy."""
    tee = old.get(Product, "101")
    assert tee is not None
    small, medium = tee.variants
    sold = attrs.evolve(medium, quantity=(medium.quantity or 0) - 2)
    old.add(attrs.evolve(tee, variants=[small, sold]))
    order = old.get(Order, "5001")
    assert order is not None
    old.add(
        attrs.evolve(
            order,
            status="completed",
            status_history=[
                *order.status_history,
                StatusChange(status="completed", at="2026-11-27T10:00:00+01:00"),
            ],
            shipments=[Shipment(carrier="DHL", tracking_number="00340434161094042557")],
        )
    )
    # The conflict: on the new shop, the team set the mug's stock and price by
    # hand. Stock is the old shop's until go-live (it still sells): the smart
    # update writes it back. The price is not a synced field: their price stays.
    mug = next(p for p in new.list(Product) if p.sku == "MUG")
    new.add(attrs.evolve(mug, quantity=100, price="14.00"))
    mug_on_old = old.get(Product, "102")
    assert mug_on_old is not None
    old.add(attrs.evolve(mug_on_old, quantity=(mug_on_old.quantity or 0) - 1))
    # And the new shop refuses one write tonight (a time-out, say).
    new.fail_on("update", nth=1, error=TransientError("new-shop: update timed out"))


def demo() -> int:
    old, new = demo_stores()
    state_path = Path(tempfile.mkdtemp()) / "migration.db"
    rules = MappingRules(order_status={"awaiting-pickup": "on_hold"})
    print("== night 1: the first migration")
    first = night(old, new, state_path, rules=rules)
    print(f"exit code {first}")

    sells_for_a_day(old, new)
    print("\n== night 2: a smart update, with a conflict and a refused write")
    second = night(old, new, state_path, rules=rules)
    print(f"exit code {second}")
    mug = next(p for p in new.list(Product) if p.sku == "MUG")
    print(f"mug on the new shop: stock {mug.quantity} (the old shop's), price {mug.price} (theirs)")

    print("\n== the weekly verify: compare everything, retry last night's failure")
    weekly = night(old, new, state_path, rules=rules, verify=True)
    print(f"exit code {weekly}")
    return OK if (first, weekly) == (OK, OK) and second == FAILED else FAILED


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=["demo", "night"], default="demo")
    parser.add_argument("--state", type=Path, default=Path("migration.db"))
    parser.add_argument("--verify", action="store_true", help="compare every migrated entity")
    args = parser.parse_args(argv)
    if args.mode == "demo":
        return demo()
    try:
        source, target = stores()
    except Exception as error:  # a missing variable, a bad option: alerted like a crash
        logger.exception("the stores could not be set up")
        alert_crash(error)
        return CRASHED
    with source, target:
        return night(source, target, args.state, verify=args.verify)


def stores() -> tuple[Cart, Cart]:
    """Your two stores. Credentials from the environment, never from the code."""
    from cartmigrate.connectors.shopify import ShopifyCart
    from cartmigrate.connectors.woocommerce import WooCommerceCart

    env = os.environ
    return (
        WooCommerceCart(
            env["CARTMIGRATE_WC_URL"], env["CARTMIGRATE_WC_KEY"], env["CARTMIGRATE_WC_SECRET"]
        ),
        ShopifyCart(env["CARTMIGRATE_SHOPIFY_SHOP"], env["CARTMIGRATE_SHOPIFY_TOKEN"]),
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
