"""Reports show everything, in text and in notebooks, and export a stable schema."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import attrs
import pytest

from cartmigrate import (
    Category,
    MappingRules,
    MemoryCart,
    Order,
    Product,
    Report,
    SyncEngine,
    Variant,
)
from cartmigrate.engine import Failure, FieldChange, Notice
from cartmigrate.engine import _changes as changes_module

from .test_engine import demo_store


def _planned() -> tuple[SyncEngine, Report]:
    source = MemoryCart(demo_store())
    engine = SyncEngine(source, MemoryCart())
    engine.full_migrate()
    tee = source.get(Product, "p1")
    assert tee is not None
    small, medium = tee.variants
    source.add(attrs.evolve(tee, variants=[attrs.evolve(small, quantity=0), medium]))
    order = source.get(Order, "o1")
    assert order is not None
    source.add(attrs.evolve(order, status="completed"))
    return engine, engine.smart_update(dry_run=True)


def test_both_views_of_a_dry_run_show_the_planned_field_changes() -> None:
    _, plan = _planned()
    text, page = str(plan), plan._repr_html_()
    assert "dry run" in text.splitlines()[0]
    for view in (text, page):
        assert "update variant v1" in view
        assert "quantity: 2 -&gt; 0" in view or "quantity: 2 -> 0" in view
        assert "update order o1" in view
        assert "status:" in view and "completed" in view
        assert "planned change(s)" in view
    assert "<table>" in page and "<details open>" in page
    rows = {line.split()[0]: line.split() for line in text.splitlines()[1:12] if line}
    assert rows["order"][1:7] == ["0", "1", "0", "0", "0", "0"]  # created..deleted


def test_a_real_run_lists_its_updates_and_reconciles() -> None:
    engine, _ = _planned()
    report = engine.smart_update()
    text = str(report)
    assert text.splitlines()[0].startswith("smart_update: ok")
    assert "2 update(s) written" in text
    order = next(line for line in text.splitlines() if line.startswith("order "))
    assert order.split()[-4:] == ["1", "1", "1", "ok"]  # on source, migrated, on target


def test_a_written_update_lists_its_values_as_plain_data_kept_or_spilled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The values are turned into plain data when read (``PlainFields``), not
    # as each update is written: whoever reads them sees plain data either way.
    monkeypatch.setattr(changes_module, "KEPT", 1)  # the second change spills
    engine, _ = _planned()
    report = engine.smart_update()
    by_entity = {c.entity: c for c in report.changes}
    order, variant = by_entity["order"], by_entity["variant"]
    assert variant.fields["quantity"] == FieldChange(old=2, new=0)
    status = order.fields["status"]
    assert status == FieldChange(old="processing", new="completed"), status
    assert type(status.new) is str  # not the OrderStatus the update compared
    assert dict(order.fields) == {"status": status} == order.fields
    assert repr(order.fields) == repr({"status": status})
    assert json.loads(report.to_json())["changes"][0]["fields"]


def test_variants_are_counted_the_same_way_by_every_call() -> None:
    engine, _ = _planned()
    first = SyncEngine(MemoryCart(demo_store()), MemoryCart()).full_migrate()
    assert first.summary()["variant"]["created"] == 2
    report = engine.smart_update()
    assert sum(report.summary()["variant"].values()) == 2  # one updated, one unchanged
    again = engine.smart_update()
    assert again.summary()["variant"]["unchanged"] == 2
    assert engine.full_migrate().summary()["variant"]["unchanged"] == 2


def _tee() -> Product:
    return Product(
        id="t",
        name="Tee",
        sku="TEE",
        variants=[Variant(id="s", sku="TEE-S", quantity=1), Variant(id="m", sku="TEE-M")],
    )


def test_variants_are_counted_beside_their_product_on_every_path() -> None:
    # An interrupted create found again, and a product adopted by its SKU.
    source, target = MemoryCart([_tee()]), MemoryCart()
    target.fail_on("create", applied=True)
    engine = SyncEngine(source, target)
    engine.full_migrate()
    found = engine.full_migrate().summary()
    assert (found["product"]["created"], found["variant"]["created"]) == (1, 2)
    already = MemoryCart([attrs.evolve(_tee(), id="9", variants=[])])
    adopted = SyncEngine(MemoryCart([_tee()]), already).full_migrate().summary()
    assert (adopted["product"]["unchanged"], adopted["variant"]["unchanged"]) == (1, 2)
    # Product fields compared, variants not: they are as they were.
    source.add(attrs.evolve(_tee(), price="3.00"))
    for verify in (False, True):
        summary = engine.smart_update(fields={Product: ["price"]}, verify=verify).summary()
        outcome = "unchanged" if verify else "updated"
        assert summary["product"][outcome] == 1
        assert summary["variant"] == {**summary["variant"], "unchanged": 2, "updated": 0}


def _big() -> Report:
    report = Report(call="smart_update", started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    for n in range(45):
        report.failures.append(
            Failure(entity="product", source_id=str(n), message='refused, "quoted"', field="sku")
        )
    for n in range(30):
        report.warnings.append(
            Notice(entity="product", source_id=str(n), message="stock is per variant there")
        )
    report.warnings.append(Notice(entity="order", message="something else"))
    return report


def test_long_lists_are_cut_saying_how_many_more_and_a_warning_is_said_once() -> None:
    text = str(_big())
    assert "45 failure(s)" in text and "… 25 more" in text
    assert text.count("stock is per variant there") == 1
    assert "product (30: 0, 1, 2, 3, 4 and 25 more): stock is per variant there" in text
    assert "NOT OK" in text.splitlines()[0]
    page = _big()._repr_html_()
    assert "… 25 more" in page and page.count("stock is per variant there") == 1


def test_to_dict_and_to_json_keep_a_stable_schema() -> None:
    _, plan = _planned()
    data = json.loads(plan.to_json())
    assert data == plan.to_dict()
    assert set(data) == {
        "schema",
        "call",
        "dry_run",
        "ok",
        "started_at",
        "finished_at",
        "summary",
        "reconciliation",
        "failures",
        "warnings",
        "changes",
    }
    assert data["schema"] == 1 and data["dry_run"] is True and data["ok"] is True
    assert dt.datetime.fromisoformat(data["started_at"]).tzinfo is not None
    update = next(c for c in data["changes"] if c["entity"] == "variant")
    assert update["fields"]["quantity"] == {"old": 2, "new": 0}
    assert set(data["reconciliation"]["product"]) == {
        "source",
        "migrated",
        "failed",
        "skipped",
        "target",
        "acknowledged",
        "ok",
    }


def test_failures_as_csv() -> None:
    rows = list(csv.reader(io.StringIO(_big().failures_csv())))
    assert rows[0] == ["entity", "source_id", "field", "error", "message"]
    assert rows[1] == ["product", "0", "sku", "CartMigrateError", 'refused, "quoted"']
    assert len(rows) == 46


def test_failures_csv_cells_never_run_as_spreadsheet_formulas() -> None:
    report = Report(call="full_migrate", started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    hostile = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
    for text in hostile:
        report.failures.append(Failure(entity="product", source_id=text, message=text))
    report.failures.append(Failure(entity="product", source_id="9", message="a = b, fine"))
    rows = list(csv.reader(io.StringIO(report.failures_csv(), newline="")))[1:]
    assert [(r[1], r[4]) for r in rows[:-1]] == [(f"'{t}", f"'{t}") for t in hostile]
    assert rows[-1][4] == "a = b, fine"  # only a leading character is a formula


def test_a_filtered_entity_is_no_missing_one_in_an_incremental_smart_update() -> None:
    # The filter skips product 0 on the first night; later nights read only what
    # changed, so they do not see it again: it is still skipped, not missing.
    now = [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]

    def clock() -> dt.datetime:
        return now[0]

    source = MemoryCart(
        [Product(id=str(n), name=f"P{n}", sku=f"S{n}", quantity=n) for n in range(3)],
        clock=clock,
    )
    now[0] += dt.timedelta(days=1)
    source.add(Product(id="9", name="P9", sku="S9", quantity=5))  # the newest: the cursor
    rules = MappingRules(filters={"product": lambda p: (p.quantity or 0) > 0})
    engine = SyncEngine(source, MemoryCart(clock=clock), rules=rules, clock=clock)
    assert engine.full_migrate().reconciliation["product"].skipped == 1
    now[0] += dt.timedelta(days=1)
    report = engine.smart_update()
    assert report.summary()["product"]["unchanged"] == 1  # an incremental read
    rec = report.reconciliation["product"]
    assert (rec.source, rec.migrated, rec.skipped) == (4, 3, 1)
    assert rec.complete and report.ok, report


def test_a_shopify_target_counts_its_categories_for_the_reconciliation(shared_dir: Path) -> None:
    from cartmigrate.connectors.shopify import ShopifyCart
    from cartmigrate.testing.shopify import ShopifySimulator, load_schema

    schema = load_schema(
        shared_dir / "specs" / "shopify" / "admin_schema_2026-01_public.graphql.gz"
    )
    sim = ShopifySimulator(schema=schema, access_token="shpat_x")
    target = ShopifyCart("example", "shpat_x", transport=sim.transport)
    source = MemoryCart([Category(id="1", name="Tees", slug="tees")])
    report = SyncEngine(source, target).full_migrate(entities=[Category])
    rec = report.reconciliation["category"]
    assert (rec.source, rec.migrated, rec.target) == (1, 1, 1)  # not '?' on the target
