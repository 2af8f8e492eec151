"""The HTTP layer's etiquette: retries, never-blind creates, typed errors, throttling, secrets."""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable

import httpx
import pytest

from cartmigrate import (
    AuthenticationError,
    ConnectorError,
    EntityNotFound,
    EntityRejected,
    TransientError,
    WriteOutcomeUnknown,
)
from cartmigrate.connectors._http import (
    CostBucket,
    HttpClient,
    RetryPolicy,
    Secret,
    parse_retry_after,
    run_concurrently,
)
from cartmigrate.testing import FakeClock

Handler = Callable[[httpx.Request], httpx.Response]


def client_for(handler: Handler, **kw: object) -> tuple[HttpClient, list[float]]:
    slept: list[float] = []
    client = HttpClient(
        "https://shop.example.com/api/",
        platform="test",
        transport=httpx.MockTransport(handler),
        sleep=slept.append,
        **kw,  # type: ignore[arg-type]
    )
    return client, slept


def sequence(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler, seen


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), ("0", None), ("-3", None), ("", None), ("soon", None), (None, None), ("1.5", 1.5)],
)
def test_retry_after_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_http_date() -> None:
    now = time.time()
    header = email.utils.formatdate(now + 30, usegmt=True)
    wait = parse_retry_after(header, now=now)
    assert wait is not None
    assert 28 <= wait <= 31
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) is None


def test_429_waits_as_told_then_succeeds() -> None:
    handler, seen = sequence(
        httpx.Response(429, headers={"Retry-After": "4"}), httpx.Response(200, json={"ok": True})
    )
    client, slept = client_for(handler)
    assert client.request("GET", "items").json() == {"ok": True}
    assert len(seen) == 2
    assert slept == [4.0]


def test_retry_after_zero_falls_back_to_backoff() -> None:
    handler, _ = sequence(httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(200))
    client, slept = client_for(handler, retry=RetryPolicy(initial=0.5, jitter=0))
    client.request("GET", "items")
    assert slept == [0.5]


def test_server_errors_are_retried_with_growing_backoff_then_give_up() -> None:
    handler, seen = sequence(*[httpx.Response(503) for _ in range(4)])
    client, slept = client_for(handler, retry=RetryPolicy(attempts=4, initial=1, jitter=0))
    with pytest.raises(TransientError) as caught:
        client.request("GET", "items")
    assert caught.value.status_code == 503
    assert len(seen) == 4
    assert slept == [1.0, 2.0, 4.0]


def test_each_wait_and_the_attempts_are_capped() -> None:
    handler, seen = sequence(
        *[httpx.Response(429, headers={"Retry-After": "600"}) for _ in range(5)]
    )
    client, slept = client_for(handler, retry=RetryPolicy(attempts=5, max_wait=60))
    with pytest.raises(TransientError) as caught:
        client.request("GET", "x")
    assert caught.value.status_code == 429
    assert len(seen) == 5
    assert slept == [60.0] * 4


def test_a_create_whose_answer_is_lost_is_not_repeated() -> None:
    handler, seen = sequence(httpx.ReadTimeout("slow"), httpx.Response(201))
    client, _ = client_for(handler)
    with pytest.raises(WriteOutcomeUnknown):
        client.request("POST", "items", json={"sku": "A"})
    assert len(seen) == 1


def test_a_create_answered_by_a_gateway_error_is_not_repeated() -> None:
    handler, seen = sequence(httpx.Response(502), httpx.Response(201))
    client, _ = client_for(handler)
    with pytest.raises(WriteOutcomeUnknown):
        client.request("POST", "items", json={"sku": "A"})
    assert len(seen) == 1


def test_a_create_that_never_reached_the_server_is_retried() -> None:
    handler, seen = sequence(httpx.ConnectError("refused"), httpx.Response(201, json={"id": 1}))
    client, _ = client_for(handler)
    assert client.request("POST", "items", json={"sku": "A"}).json() == {"id": 1}
    assert len(seen) == 2


def test_an_idempotent_post_may_be_retried() -> None:
    handler, seen = sequence(httpx.ReadTimeout("slow"), httpx.Response(200, json={}))
    client, _ = client_for(handler)
    client.request("POST", "graphql", json={"query": "{ shop { name } }"}, idempotent=True)
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, EntityNotFound),
        (400, EntityRejected),
        (422, EntityRejected),
    ],
)
def test_client_errors_are_typed_and_not_retried(status: int, error: type[Exception]) -> None:
    handler, seen = sequence(httpx.Response(status, json={"message": "nope"}), httpx.Response(200))
    client, _ = client_for(handler)
    with pytest.raises(error) as caught:
        client.request("GET", "items/1")
    assert len(seen) == 1
    assert "nope" in str(caught.value)


def test_the_connector_hook_shapes_client_errors() -> None:
    def error_for(response: httpx.Response) -> EntityRejected:
        body = response.json()
        return EntityRejected(body["message"], field=body["field"])

    handler, _ = sequence(httpx.Response(400, json={"message": "bad sku", "field": "sku"}))
    client, _ = client_for(handler, error_for=error_for)
    with pytest.raises(EntityRejected) as caught:
        client.request("POST", "items", json={})
    assert (str(caught.value), caught.value.field) == ("bad sku", "sku")


def test_secrets_never_show(caplog: pytest.LogCaptureFixture) -> None:
    token = Secret("shpat_supersecret")
    assert "supersecret" not in repr(token)
    assert "supersecret" not in f"{token}"
    assert token.reveal() == "shpat_supersecret"
    handler, _ = sequence(*[httpx.Response(503) for _ in range(3)])
    client = HttpClient(
        "https://shop.example.com/",
        platform="t",
        transport=httpx.MockTransport(handler),
        headers={"X-Token": token.reveal()},
        auth=httpx.BasicAuth("ck_key", "cs_secret"),
        retry=RetryPolicy(attempts=3),
        sleep=lambda _: None,
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TransientError) as caught:
        client.request("GET", "items", params={"consumer_secret": "cs_secret"})
    text = caplog.text + str(caught.value) + repr(client)
    for secret in ("supersecret", "cs_secret", "ck_key"):
        assert secret not in text


def test_pagination_follows_tokens_and_refuses_loops() -> None:
    pages = {None: ([1, 2], "b"), "b": ([3], "c"), "c": ([4], None)}
    assert list(HttpClient.paginate(lambda token: pages[token])) == [1, 2, 3, 4]
    looping = {None: ([1], "x"), "x": ([2], "x")}
    with pytest.raises(TransientError, match="repeated"):
        list(HttpClient.paginate(lambda token: looping[token]))


def test_cost_bucket_waits_exactly_enough() -> None:
    clock = FakeClock()
    bucket = CostBucket(100, 50, clock=clock.monotonic, sleep=clock.sleep)
    bucket.acquire(100)
    bucket.acquire(50)
    assert clock.slept == pytest.approx(1.0)
    bucket.observe(available=10, capacity=200, restore_rate=100)
    bucket.acquire(60)
    assert clock.slept == pytest.approx(1.5)
    assert bucket.capacity == 200


def test_run_concurrently_keeps_order() -> None:
    assert run_concurrently(lambda n: n * n, range(20), max_workers=4) == [n * n for n in range(20)]


def test_a_users_own_client_is_not_modified_and_still_authenticates() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    own = httpx.Client(base_url="https://shop.example.com", transport=httpx.MockTransport(handler))
    auth_before = own.auth
    client = HttpClient(
        "https://ignored.example.com", platform="t", client=own, auth=httpx.BasicAuth("ck", "cs")
    )
    client.request("GET", "items")
    assert seen[0].headers["Authorization"].startswith("Basic ")
    assert own.auth is auth_before
    own.close()


def test_fake_clock_sleeps_at_least_a_microsecond() -> None:
    clock = FakeClock()
    before = clock.monotonic()
    clock.sleep(1e-9)
    assert clock.monotonic() > before
    bucket = CostBucket(10, 1000, clock=clock.monotonic, sleep=clock.sleep)
    for _ in range(50):
        bucket.acquire(10)  # would spin forever if tiny waits did not move time
    assert clock.slept == pytest.approx(0.49, abs=0.01)


def test_try_acquire_refuses_instead_of_waiting() -> None:
    clock = FakeClock()
    bucket = CostBucket(100, 10, clock=clock.monotonic, sleep=clock.sleep)
    assert bucket.try_acquire(80)
    assert not bucket.try_acquire(30)
    clock.advance(1.0)
    assert bucket.try_acquire(30)
    assert clock.slept == pytest.approx(1.0)  # only the advance: nothing waited


def test_redirects_are_refused_so_credentials_stay_home() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(301, headers={"Location": "https://attacker.example/steal?x=1"})

    client = HttpClient(
        "https://shop.example.com/",
        platform="t",
        transport=httpx.MockTransport(handler),
        headers={"X-Shopify-Access-Token": "shpat_secret"},
    )
    with pytest.raises(ConnectorError, match=r"redirected to https://attacker\.example/steal"):
        client.request("GET", "items")
    assert [r.url.host for r in seen] == ["shop.example.com"]


def test_a_users_client_without_base_url_and_with_redirects_on_is_safe() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "shop.example.com":
            return httpx.Response(302, headers={"Location": "https://evil.example/x"})
        return httpx.Response(200)

    own = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    client = HttpClient(
        "https://shop.example.com/api/", platform="t", client=own, headers={"X-Token": "secret"}
    )
    with pytest.raises(ConnectorError, match="redirected"):
        client.request("GET", "items")
    assert [str(r.url) for r in seen] == ["https://shop.example.com/api/items"]
    own.close()
