"""Authentication: a static ``shpat_`` token, or the client-credentials grant
with tokens refreshed before they expire and on a 401, none of it ever logged."""

from __future__ import annotations

import logging

import graphql
import pytest

from cartmigrate import (
    AuthenticationError,
    ConfigurationError,
    Customer,
    MemoryCart,
    SyncEngine,
)
from cartmigrate.connectors._http import CostBucket
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import BucketClock

CLIENT_ID = "0123456789abcdef0123456789abcdef"
SECRET = "shpss_0123456789abcdef0123456789abcdef"
DAY = 86_399.0


@pytest.fixture
def sim(schema: graphql.GraphQLSchema, clock: FakeClock) -> ShopifySimulator:
    return ShopifySimulator(
        schema=schema,
        clock=clock,
        access_token="shpat_not_this_one",
        client_credentials=(CLIENT_ID, SECRET),
        token_lifetime=DAY,
    )


def _cart(sim: ShopifySimulator, clock: FakeClock, secret: str = SECRET) -> ShopifyCart:
    timer = BucketClock(clock)
    return ShopifyCart(
        sim.shop,
        client_id=CLIENT_ID,
        client_secret=secret,
        transport=sim.transport,
        clock=clock.monotonic,
        max_concurrency=1,
        bucket=CostBucket(1000.0, 50.0, clock=timer.monotonic, sleep=timer.sleep),
    )


def test_a_token_is_fetched_once_and_used(sim: ShopifySimulator, clock: FakeClock) -> None:
    cart = _cart(sim, clock)
    cart.create(Customer(email="a@example.com"))
    assert cart.count(Customer) == 1
    assert sim.tokens_issued == 1


def test_a_token_is_replaced_before_it_expires(sim: ShopifySimulator, clock: FakeClock) -> None:
    cart = _cart(sim, clock)
    assert cart.count(Customer) == 0
    clock.advance(DAY - 60)  # within the refresh margin: replaced before it is refused
    assert cart.count(Customer) == 0
    assert sim.tokens_issued == 2
    assert sim.unauthorised == 0  # never refused


def test_a_refused_token_is_replaced_and_the_request_sent_again(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    cart = _cart(sim, clock)
    cart.create(Customer(email="a@example.com"))
    sim.revoke_tokens()  # rotated, revoked, or expired early
    cart.create(Customer(email="b@example.com"))  # a mutation: sent again, applied once
    assert len(sim.store.customers) == 2
    assert sim.tokens_issued == 2
    assert sim.unauthorised == 1


def test_an_expired_token_is_refreshed_mid_run_without_a_failure(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    sim = ShopifySimulator(
        schema=schema,
        clock=clock,
        client_credentials=(CLIENT_ID, SECRET),
        token_lifetime=400.0,  # shorter than the run: it expires midway, twice
        latency=2.0,
    )
    source = MemoryCart([Customer(id=f"c{n}", email=f"c{n}@example.com") for n in range(120)])
    cart = _cart(sim, clock)
    report = SyncEngine(source, cart, clock=clock.now).full_migrate()
    assert not report.failures
    assert len(sim.store.customers) == 120
    assert sim.tokens_issued >= 3
    assert sim.unauthorised == 0


def test_wrong_client_credentials_are_an_authentication_error(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    cart = _cart(sim, clock, secret="shpss_wrong")
    with pytest.raises(AuthenticationError) as refused:
        cart.count(Customer)
    assert "client id and secret" in str(refused.value)
    assert sim.requests == []


def test_credentials_are_never_logged_or_shown(
    sim: ShopifySimulator, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cart = _cart(sim, clock)
    cart.create(Customer(email="a@example.com"))
    sim.revoke_tokens()
    cart.create(Customer(email="b@example.com"))
    bad = _cart(sim, clock, secret="shpss_wrong_secret")
    with pytest.raises(AuthenticationError) as refused:
        bad.count(Customer)
    tokens = list(sim._issued) + [f"shpca_simulated{n:06d}" for n in (1, 2)]
    texts = [
        caplog.text,
        repr(cart),
        repr(cart.auth),
        str(cart.__dict__),
        str(cart.auth.__dict__),
        str(refused.value),
        repr(refused.value.__dict__),
    ]
    for secret in (SECRET, "shpss_wrong_secret", *tokens):
        assert all(secret not in text for text in texts), secret


def test_static_tokens_still_work_and_one_kind_of_credentials_is_asked(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    cart = ShopifyCart(sim.shop, "shpat_not_this_one", transport=sim.transport)
    assert cart.count(Customer) == 0
    with pytest.raises(ConfigurationError):
        ShopifyCart(sim.shop, "shpat_x", client_id=CLIENT_ID, client_secret=SECRET)
    with pytest.raises(ConfigurationError):
        ShopifyCart(sim.shop)
