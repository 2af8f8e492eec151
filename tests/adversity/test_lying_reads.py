"""Items 3-5: reads that lie.

- a record repeated within a read (in one page or across pages) is created once;
- a page repeating an earlier one, or a host ignoring ``?page``, is detected
  (same records as a page already seen; more pages than the totals allow) and
  fails the read with ``InconsistentRead``, keeping what was read;
- one odd id (-1, 1.5, a huge number, null) fails that record alone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from cartmigrate import (
    Customer,
    Manufacturer,
    MemoryCart,
    MemoryStateStore,
    Order,
    Product,
    Review,
    SyncEngine,
)
from cartmigrate._exceptions import InconsistentRead
from cartmigrate.connectors._http import HttpClient
from cartmigrate.connectors._rest import Paging, page_items
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.models import Entity
from cartmigrate.testing import FakeClock, generate_store
from cartmigrate.testing.woocommerce import WooCommerceSimulator

E = TypeVar("E", bound=Entity)
KEY, SECRET = "ck_lying_reads_key", "cs_lying_reads_secret"


class Repeating(MemoryCart):
    """A source returning some records twice in one read: right after
    themselves (one page) and again at the end (across pages)."""

    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        seen: list[E] = []
        for position, entity in enumerate(super().read(kind, since=since)):
            yield entity
            if position % 3 == 0:
                yield entity
            seen.append(entity)
        yield from seen[::2]


class Counting(MemoryCart):
    def __init__(self) -> None:
        super().__init__(check_references=False)
        self.creates: dict[str, int] = {}

    def create(self, entity: Any, *, source_ref: str | None = None) -> Any:
        self.creates[entity.kind] = self.creates.get(entity.kind, 0) + 1
        return super().create(entity, source_ref=source_ref)


def test_a_record_repeated_within_a_read_is_created_once() -> None:
    entities = generate_store(
        seed=4, products=8, customers=8, orders=10, categories=3, manufacturers=3, reviews=8
    )
    source = Repeating(entities)
    target = Counting()
    engine = SyncEngine(source, target, state=MemoryStateStore(), batch_size=4)
    report = engine.full_migrate()
    assert report.ok, report
    for kind in (Manufacturer, Product, Customer, Order, Review):
        unique = len(list(MemoryCart(entities).read(kind)))
        assert target.creates.get(kind.kind, 0) == unique, kind
        assert len(list(target.read(kind))) == unique
    assert any("twice in one read" in w.message for w in report.warnings)
    again = engine.smart_update()
    assert again.total("created") == 0 and again.ok


def _api(items: list[dict[str, Any]], *, per_page: int, serve_page: Callable[[int], int]) -> Any:
    """A REST collection of ``items``; ``serve_page(asked)`` says which page it really serves."""

    def handle(request: httpx.Request) -> httpx.Response:
        asked = int(request.url.params.get("page", "1"))
        page = serve_page(asked)
        chunk = items[(page - 1) * per_page : page * per_page]
        pages = -(-len(items) // per_page)
        headers = {"X-Total": str(len(items)), "X-Total-Pages": str(pages)}
        if asked < pages:
            headers["Link"] = f'<https://api.example/items?page={asked + 1}>; rel="next"'
        return httpx.Response(200, content=json.dumps(chunk).encode(), headers=headers)

    return httpx.MockTransport(handle)


ITEMS = [{"id": i, "name": f"item {i}"} for i in range(1, 8)]


@pytest.mark.parametrize(
    ("label", "serve"),
    [
        ("page 2 repeats page 1", lambda asked: 1 if asked == 2 else asked),
        ("the host ignores ?page", lambda asked: 1),
        ("page 3 repeats page 2", lambda asked: 2 if asked == 3 else asked),
    ],
)
def test_a_repeated_page_fails_the_read_and_keeps_what_came_before(
    label: str, serve: Callable[[int], int]
) -> None:
    client = HttpClient(
        "https://api.example/", platform="t", transport=_api(ITEMS, per_page=3, serve_page=serve)
    )
    got: list[Any] = []

    def read_all() -> None:
        got.extend(item["id"] for item in page_items(client, "items", paging=Paging(per_page=3)))

    with pytest.raises(InconsistentRead):
        read_all()
    assert got and len(got) == len(set(got))  # what came before the repeat, each once
    assert client.requests <= 4  # detected at once, no loop


def test_more_pages_than_the_totals_allow_fail_the_read() -> None:
    calls = {"n": 0}

    def handle(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        page = int(request.url.params.get("page", "1"))
        body = [{"id": page * 10 + i} for i in range(3)]  # new ids every time, for ever
        headers = {
            "X-Total": "6",
            "Link": f'<https://api.example/items?page={page + 1}>; rel="next"',
        }
        return httpx.Response(200, content=json.dumps(body).encode(), headers=headers)

    client = HttpClient("https://api.example/", platform="t", transport=httpx.MockTransport(handle))
    with pytest.raises(InconsistentRead):
        list(page_items(client, "items", paging=Paging(per_page=3)))
    assert calls["n"] <= 4


def _woo(sim: WooCommerceSimulator, transport: httpx.BaseTransport) -> WooCommerceCart:
    return WooCommerceCart(
        "https://shop.example",
        KEY,
        SECRET,
        transport=transport,
        clock=sim.clock.monotonic,
        sleep=sim.clock.sleep,
        requests_per_second=1e6,
        burst=1e6,
    )


def _rewriting(sim: WooCommerceSimulator, page_for: Callable[[int], int]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/customers"):
            asked = int(request.url.params.get("page", "1"))
            served = request.url.copy_set_param("page", str(page_for(asked)))
            request = httpx.Request("GET", served, headers=request.headers)
        return sim.handle(request)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    "page_for", [lambda p: 1 if p == 2 else p, lambda p: 1], ids=["repeat", "ignored"]
)
def test_woocommerce_source_repeating_pages_reports_the_gap_and_loses_nothing(
    page_for: Callable[[int], int],
) -> None:
    sim = WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET, clock=FakeClock())
    for i in range(230):
        sim.seed("customers", {"email": f"c{i}@example.com", "first_name": f"C{i}"})
    target = MemoryCart()
    state = MemoryStateStore()
    report = SyncEngine(_woo(sim, _rewriting(sim, page_for)), target, state=state).full_migrate(
        entities=[Customer]
    )
    stopped = [f for f in report.failures if f.entity == "customer" and f.source_id == "*"]
    assert stopped and stopped[0].error == "InconsistentRead"
    assert len(list(target.read(Customer))) == 100  # page 1, once: kept
    # The host is fixed: the next call migrates the rest, nothing twice.
    healed = SyncEngine(_woo(sim, sim.transport), target, state=state).full_migrate(
        entities=[Customer]
    )
    assert healed.ok, healed
    assert len({c.email for c in target.read(Customer)}) == len(list(target.read(Customer))) == 230


@pytest.mark.parametrize("odd", [-1, 1.5, 10**30, None, "abc"])
def test_one_odd_id_fails_that_record_alone(odd: Any) -> None:
    sim = WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET, clock=FakeClock())
    store = MemoryCart(
        generate_store(
            seed=2, products=6, customers=2, orders=2, categories=2, manufacturers=1, reviews=0
        )
    )
    assert SyncEngine(store, _woo(sim, sim.transport), state=MemoryStateStore()).full_migrate().ok
    victim = min(sim.store.products)

    def handle(request: httpx.Request) -> httpx.Response:
        response = sim.handle(request)
        if request.method == "GET" and request.url.path.endswith("/wc/v3/products"):
            body = json.loads(response.content)
            for item in body:
                if item["id"] == victim:
                    item["id"] = odd
            return httpx.Response(200, headers=response.headers, content=json.dumps(body).encode())
        return response

    target = MemoryCart(check_references=False)
    engine = SyncEngine(_woo(sim, httpx.MockTransport(handle)), target, state=MemoryStateStore())
    for _ in range(2):  # on every call
        report = engine.full_migrate(entities=[Product])
        failed = [f for f in report.failures if f.entity == "product"]
        assert len(failed) == 1 and failed[0].field == "id", report
        assert failed[0].source_id == ("?" if odd is None else str(odd)[:100])
        assert len(list(target.read(Product))) == len(sim.store.products) - 1


def test_one_odd_shopify_id_fails_that_record_alone(shared_dir: Path) -> None:
    from cartmigrate.connectors._http import CostBucket
    from cartmigrate.connectors.shopify import ShopifyCart
    from cartmigrate.testing.shopify import ShopifySimulator, load_schema

    from ..shopify.conftest import BucketClock

    schema = load_schema(
        shared_dir / "specs" / "shopify" / "admin_schema_2026-01_public.graphql.gz"
    )
    clock = FakeClock()
    sim = ShopifySimulator(schema=schema, clock=clock, access_token="shpat_odd_ids_0001")
    timer = BucketClock(clock)
    bucket = CostBucket(1000.0, 50.0, clock=timer.monotonic, sleep=timer.sleep)

    def cart(transport: httpx.BaseTransport) -> ShopifyCart:
        return ShopifyCart(
            "example", "shpat_odd_ids_0001", transport=transport, bucket=bucket, sleep=timer.sleep
        )

    store = MemoryCart(
        generate_store(
            seed=2, products=5, customers=1, orders=0, categories=1, manufacturers=1, reviews=0
        )
    )
    assert SyncEngine(store, cart(sim.transport), state=MemoryStateStore()).full_migrate().ok
    victim = next(iter(cart(sim.transport).read(Product))).id

    def rewrite(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (-1 if k == "id" and v == victim else rewrite(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [rewrite(v) for v in value]
        return value

    def handle(request: httpx.Request) -> httpx.Response:
        response = sim.handle(request)
        body = rewrite(json.loads(response.content))
        return httpx.Response(response.status_code, headers=response.headers, json=body)

    target = MemoryCart(check_references=False)
    report = SyncEngine(
        cart(httpx.MockTransport(handle)), target, state=MemoryStateStore()
    ).full_migrate(entities=[Product])
    failed = [f for f in report.failures if f.entity == "product"]
    assert [(f.source_id, f.field) for f in failed] == [("-1", "id")]
    assert len(list(target.read(Product))) == 4
