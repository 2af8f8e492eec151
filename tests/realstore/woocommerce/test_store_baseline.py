"""The real-store fixtures themselves: a reset gives the documented baseline."""

from __future__ import annotations

import httpx

from .._stores import RealStore


def test_woocommerce_reset_gives_the_sample_store(real_woocommerce: RealStore) -> None:
    real_woocommerce.reset()
    creds = real_woocommerce.credentials
    response = httpx.get(
        "http://127.0.0.1:8089/wp-json/wc/v3/products",
        params={"per_page": 100},
        auth=(creds["WOO_CK"], creds["WOO_CS"]),
        timeout=30,
    )
    assert response.status_code == 200
    assert int(response.headers["X-WP-Total"]) == 18
