"""A dead host or refused credentials end the call at once, with one failure
that says which store and what to check, and nothing written."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from cartmigrate import (
    AuthenticationError,
    Category,
    Customer,
    MemoryCart,
    MemoryStateStore,
    StoreUnreachable,
    SyncEngine,
    TransientError,
)
from cartmigrate.connectors.http import HttpClient, RetryPolicy
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from .test_engine import demo_store


def _woo(
    transport: httpx.BaseTransport, *, key: str = "ck_x", secret: str = "cs_x"
) -> WooCommerceCart:
    return WooCommerceCart(
        "https://shop.example",
        key,
        secret,
        transport=transport,
        requests_per_second=1000.0,
        burst=1000.0,
        mute_emails=False,
    )


class _Dead:
    """A host nobody answers for: every connection is refused."""

    def __init__(self) -> None:
        self.attempts = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


@pytest.mark.parametrize("side", ["source", "target"])
def test_an_unreachable_host_is_one_failure_after_a_few_attempts(side: str) -> None:
    dead = _Dead()
    woo = _woo(httpx.MockTransport(dead.handle))
    memory = MemoryCart(demo_store()) if side == "target" else MemoryCart()
    source, target = (memory, woo) if side == "target" else (woo, memory)
    for call in ("full_migrate", "smart_update"):
        report = SyncEngine(source, target).__getattribute__(call)()
        assert len(report.failures) == 1, report.failures
        failure = report.failures[0]
        assert failure.error == "StoreUnreachable"
        assert f"{side} woocommerce:https://shop.example" in failure.message
        assert "check the address" in failure.message
        assert "brands" not in failure.message  # the optional-route probe takes no blame
        assert not report.ok
    # Three connection attempts per call (the preflight's), not six per type and route.
    assert dead.attempts == 2 * RetryPolicy().connect_attempts
    assert memory.calls.get("create", 0) == 0


def test_connect_failures_keep_a_few_retries_and_say_the_host() -> None:
    dead = _Dead()
    client = HttpClient(
        "https://shop.example/", platform="x", transport=httpx.MockTransport(dead.handle)
    )
    with pytest.raises(StoreUnreachable) as caught:
        client.request("GET", "wp-json/wc/v3/products/brands")
    assert isinstance(caught.value, TransientError)
    assert dead.attempts == 3
    assert "cannot reach https://shop.example/" in str(caught.value)
    assert "brands" not in str(caught.value)


def test_a_transient_5xx_keeps_its_retries() -> None:
    answers = iter([503, 503, 200])
    seen: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        seen.append(status)
        return httpx.Response(status, json={})

    client = HttpClient(
        "https://shop.example/", platform="x", transport=httpx.MockTransport(handle)
    )
    assert client.request("GET", "x").status_code == 200
    assert seen == [503, 503, 200]


def test_a_wrong_key_is_one_failure_and_nothing_is_written() -> None:
    sim = WooCommerceSimulator(consumer_key="ck_right", consumer_secret="cs_right")
    target = _woo(sim.transport, key="ck_right", secret="cs_wrong")
    report = SyncEngine(MemoryCart(demo_store()), target).full_migrate()
    assert [f.error for f in report.failures] == ["AuthenticationError"]
    assert "target woocommerce:https://shop.example" in report.failures[0].message
    assert "check the credentials" in report.failures[0].message
    assert report.total("created") == 0
    assert [r for r in sim.requests if r.method != "GET"] == []
    assert len(sim.requests) == 1  # the preflight's one read


def test_a_read_only_key_stops_at_the_first_refused_write() -> None:
    sim = WooCommerceSimulator(consumer_key="ck_x", consumer_secret="cs_x")
    writes: list[str] = []

    def read_only(request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            writes.append(request.url.path)
            return httpx.Response(
                401,
                json={
                    "code": "woocommerce_rest_cannot_create",
                    "message": "Sorry, you are not allowed to create resources.",
                    "data": {"status": 401},
                },
            )
        return sim.handle(request)

    target = _woo(httpx.MockTransport(read_only))
    source = MemoryCart([Category(id="c1", name="A", slug="a"), Customer(id="u1", email="a@b.co")])
    report = SyncEngine(source, target).full_migrate()
    assert [f.error for f in report.failures] == ["AuthenticationError"]
    assert len(writes) == 1  # one refused write, not one per type and entity
    assert sim.store is not None and not any(
        r.method != "GET" and r.status == 201 for r in sim.requests
    )
    assert "product" not in report.summary()


def test_a_wrong_shopify_token_is_one_failure_and_nothing_is_written(shared_dir: Path) -> None:
    from cartmigrate.connectors.shopify import ShopifyCart
    from cartmigrate.testing.shopify import ShopifySimulator, load_schema

    schema = load_schema(
        shared_dir / "specs" / "shopify" / "admin_schema_2026-01_public.graphql.gz"
    )
    sim = ShopifySimulator(schema=schema, access_token="shpat_right")
    sent: list[int] = []

    def counting(request: httpx.Request) -> httpx.Response:
        response = sim.handle(request)
        sent.append(response.status_code)
        return response

    target = ShopifyCart("example", "shpat_wrong", transport=httpx.MockTransport(counting))
    report = SyncEngine(MemoryCart(demo_store()), target).full_migrate()
    assert [f.error for f in report.failures] == ["AuthenticationError"]
    assert "target shopify:example.myshopify.com" in report.failures[0].message
    assert report.total("created") == 0  # no manufacturers "created" on a refused token
    assert sent == [401]
    assert sim.requests == []


def test_what_a_batch_created_before_the_credentials_were_refused_is_kept() -> None:
    class RevokedMidBatch(MemoryCart):
        revoked = True

        def create_many(self, entities, *, source_refs=None):  # type: ignore[no-untyped-def]
            if not self.revoked:
                return super().create_many(entities, source_refs=source_refs)
            first = super().create_many(entities[:1], source_refs=(source_refs or [None])[:1])
            refused = AuthenticationError("memory: 401 the key was revoked")
            return first + [refused] * (len(entities) - 1)

    source = MemoryCart([Customer(id=f"u{n}", email=f"u{n}@example.com") for n in range(3)])
    target = RevokedMidBatch()
    state = MemoryStateStore()
    report = SyncEngine(source, target, state=state, batch_size=10).full_migrate()
    assert [f.error for f in report.failures] == ["AuthenticationError"]
    assert "the call stopped here" in report.failures[0].message
    (created,) = target.list(Customer)
    record = state.get("customer", ["u0"])["u0"]
    assert (record.status, record.target_id, record.owned) == ("synced", created.id, True)
    target.revoked = False  # a new key
    again = SyncEngine(source, target, state=state).full_migrate()
    assert again.summary()["customer"] == {**again.summary()["customer"], "created": 2}
    assert len(target.list(Customer)) == 3


def test_a_batch_adopting_a_duplicate_when_the_key_is_revoked_keeps_what_it_created() -> None:
    # The batch creates u0; u1 is refused as a duplicate of 900, and looking 900
    # up meets revoked credentials: the stop must wait until u0 is recorded.
    source = MemoryCart(
        [Customer(id="u0", email="new@example.com"), Customer(id="u1", email="old@example.com")]
    )
    target = MemoryCart([Customer(id="900", email="old@example.com")])
    target.fail_on("get", error=AuthenticationError("memory: 401 the key was revoked"))
    state = MemoryStateStore()
    report = SyncEngine(source, target, state=state, batch_size=10).full_migrate()
    assert [f.error for f in report.failures] == ["AuthenticationError"]
    (created,) = [c for c in target.list(Customer) if c.id != "900"]
    record = state.get("customer", ["u0"])["u0"]
    assert (record.status, record.target_id) == ("synced", created.id)
    again = SyncEngine(source, target, state=state).full_migrate()
    assert again.ok and len(target.list(Customer)) == 2  # u1 adopted, nothing created twice
    assert state.get("customer", ["u1"])["u1"].target_id == "900"


def test_a_connect_blip_after_the_host_answered_keeps_every_retry() -> None:
    # A restart of the store mid-run refuses a few connections: transient, not
    # a dead host. Only a host that never answered is given up on early.
    refusals = iter([False, True, True, True, True, False])
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if next(refusals):
            seen.append("refused")
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        seen.append("answered")
        return httpx.Response(200, json={})

    client = HttpClient(
        "https://shop.example/", platform="x", transport=httpx.MockTransport(handle)
    )
    client.request("GET", "first")
    assert client.request("GET", "second").status_code == 200
    assert seen == ["answered", *["refused"] * 4, "answered"]
    assert client.retry.connect_attempts < 4 < client.retry.attempts


class _Blackhole:
    """A host whose connections hang until the connect time-out (packets dropped)."""

    def __init__(self) -> None:
        self.attempts = 0
        self.answer = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.answer:
            self.answer = False
            return httpx.Response(200, json=[])
        raise httpx.ConnectTimeout("timed out", request=request)


def test_a_blackholed_host_costs_one_connect_time_out_not_one_per_retry() -> None:
    hole = _Blackhole()
    slept: list[float] = []
    woo = WooCommerceCart(
        "https://shop.example",
        "ck_x",
        "cs_x",
        transport=httpx.MockTransport(hole.handle),
        requests_per_second=1000.0,
        burst=1000.0,
        mute_emails=False,
        sleep=slept.append,
    )
    report = SyncEngine(woo, MemoryCart()).full_migrate()
    (failure,) = report.failures
    assert failure.error == "StoreUnreachable" and "ConnectTimeout" in failure.message
    assert "source woocommerce:https://shop.example" in failure.message
    assert hole.attempts == 1 and slept == []  # one time-out, no backoff, nothing else sent
    check = SyncEngine(woo, MemoryCart()).check()
    assert not check.ok and hole.attempts == 2


def test_a_connect_time_out_after_the_host_answered_is_still_retried() -> None:
    hole = _Blackhole()
    client = HttpClient(
        "https://shop.example/",
        platform="x",
        transport=httpx.MockTransport(hole.handle),
        sleep=lambda _: None,
    )
    hole.answer = True
    client.request("GET", "ping")
    with pytest.raises(StoreUnreachable):
        client.request("GET", "ping")
    assert hole.attempts == 1 + RetryPolicy().attempts
