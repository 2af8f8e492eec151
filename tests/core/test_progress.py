"""Progress: one tqdm bar per entity type, closed when the type ends; or log lines."""

from __future__ import annotations

import io
import logging

import attrs
import pytest

from cartmigrate import MemoryCart, Product, Progress, SyncEngine, TransientError
from cartmigrate.progress import LoggingProgress, TqdmProgress

from .test_engine import demo_store


def test_every_type_ends_with_a_finished_event() -> None:
    events: list[Progress] = []
    SyncEngine(MemoryCart(demo_store()), MemoryCart(), on_progress=events.append).full_migrate()
    finished = [e for e in events if e.finished]
    assert [e.entity for e in finished] == [
        "category",
        "manufacturer",
        "product",
        "customer",
        "order",
        "review",
    ]
    product = next(e for e in finished if e.entity == "product")
    assert (product.done, product.total) == (2, 2)


def test_tqdm_bars_one_per_type_closed_when_it_ends() -> None:
    pytest.importorskip("tqdm")
    out = io.StringIO()
    bars = TqdmProgress(file=out, mininterval=0)
    source = MemoryCart(demo_store())
    engine = SyncEngine(source, MemoryCart(), on_progress=bars, batch_size=1)
    engine.full_migrate()
    assert bars._bars == {}  # every bar closed
    text = out.getvalue()
    for kind in ("category", "product", "order"):
        assert f"full_migrate {kind}" in text
    assert "2/2" in text  # a total where the source counts
    tee = source.get(Product, "p1")
    assert tee is not None
    source.add(attrs.evolve(tee, quantity=1))
    engine.smart_update()
    assert "smart_update product" in out.getvalue() and bars._bars == {}


def test_logging_progress(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cartmigrate.progress")
    engine = SyncEngine(MemoryCart(demo_store()), MemoryCart(), on_progress=LoggingProgress())
    engine.full_migrate()
    done = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert "full_migrate product: done, 2/2" in done


def test_a_type_whose_read_stops_midway_still_ends_its_progress() -> None:
    class StopsReading(MemoryCart):
        def read(self, kind, *, since=None):  # type: ignore[no-untyped-def]
            for n, entity in enumerate(super().read(kind, since=since)):
                if kind is Product and n == 1:
                    raise TransientError("memory: the read timed out")
                yield entity

    events: list[Progress] = []
    engine = SyncEngine(
        StopsReading(demo_store()), MemoryCart(), on_progress=events.append, batch_size=1
    )
    report = engine.full_migrate()
    assert [f.entity for f in report.failures] == ["product"]
    product = [e for e in events if e.entity == "product"]
    assert product[-1].finished and product[-1].done == 1
    assert [e.entity for e in events if e.finished][-2:] == ["order", "review"]
