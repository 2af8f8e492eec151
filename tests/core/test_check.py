"""engine.check(): what a migration will meet, found without writing anything."""

from __future__ import annotations

import httpx

from cartmigrate import (
    Capabilities,
    CheckReport,
    MappingRules,
    MemoryCart,
    MemoryStateStore,
    Product,
    Review,
    SyncEngine,
)
from cartmigrate.models import ENTITY_TYPES

from .test_engine import demo_store
from .test_fail_fast import _Dead, _woo


class _ReadOnlyKey(MemoryCart):
    @property
    def capabilities(self) -> Capabilities:
        kinds = set(ENTITY_TYPES) - {Review}
        return Capabilities(reads=kinds, writes=kinds)

    def check_permissions(self, *, write: bool) -> list[str]:
        return ["the key is read-only: give it read/write permission"] if write else []


def test_a_healthy_migration_checks_ok_in_text_and_html() -> None:
    rules = MappingRules(order_status={"shipped": "completed"})
    engine = SyncEngine(MemoryCart(demo_store()), MemoryCart(), rules=rules)
    report = engine.check()
    assert isinstance(report, CheckReport) and report.ok
    text = str(report)
    assert text.splitlines()[0] == "check: ok"
    assert "source memory" in text and "answers and accepts the credentials" in text
    assert "1 value map(s)" in text
    assert "<table>" in report._repr_html_()
    assert report.to_dict()["ok"] is True


def test_check_finds_what_would_go_wrong_and_writes_nothing() -> None:
    source = MemoryCart(demo_store())
    target = _ReadOnlyKey()
    report = SyncEngine(source, target).check()
    assert not report.ok
    assert [c.message for c in report.failures] == [
        "the key is read-only: give it read/write permission"
    ]
    assert any(c.subject == "review" and "cannot store" in c.message for c in report.warnings)
    assert target.calls.get("create", 0) == target.calls.get("update", 0) == 0
    assert "[FAIL]" in str(report) and "[WARN]" in str(report)


def test_check_names_an_unreachable_store() -> None:
    dead = _Dead()
    report = SyncEngine(MemoryCart(demo_store()), _woo(httpx.MockTransport(dead.handle))).check()
    assert not report.ok
    (failure,) = report.failures
    assert failure.subject == "target woocommerce:https://shop.example"
    assert "cannot reach" in failure.message and "StoreUnreachable" in failure.message


def test_check_finds_a_stale_state() -> None:
    source, state = MemoryCart(demo_store()), MemoryStateStore()
    SyncEngine(source, MemoryCart(), state=state).full_migrate()
    report = SyncEngine(source, MemoryCart(), state=state).check()
    (failure,) = report.failures
    assert failure.subject == "state" and "remigrate" in failure.message
    assert Product.kind == "product"


def test_check_finds_a_read_only_woocommerce_key_without_writing() -> None:
    from cartmigrate.testing.woocommerce import WooCommerceSimulator

    sim = WooCommerceSimulator(consumer_key="ck_x", consumer_secret="cs_x")
    refused: list[str] = []

    def read_only(request: httpx.Request) -> httpx.Response:
        if request.method != "GET":  # what WooCommerce answers a read-only key
            refused.append(request.url.path)
            return httpx.Response(
                401,
                json={
                    "code": "woocommerce_rest_authentication_error",
                    "message": "The API key provided does not have write permissions.",
                    "data": {"status": 401},
                },
            )
        return sim.handle(request)

    report = SyncEngine(MemoryCart(demo_store()), _woo(httpx.MockTransport(read_only))).check()
    (failure,) = report.failures
    assert "does not have write permissions" in failure.message
    assert "Read/Write" in failure.message
    assert refused == ["/wp-json/wc/v3/products/batch"]
    ok = SyncEngine(MemoryCart(demo_store()), _woo(sim.transport)).check()
    assert ok.ok, ok
    assert [r.status for r in sim.requests if r.method == "POST"] == [200]
    assert list(_woo(sim.transport).read(Product)) == []  # nothing written
