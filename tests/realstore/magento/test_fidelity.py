"""The simulator answers the connector's requests as the real store does (>= 95% alike)."""

from __future__ import annotations

import httpx

from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing.magento import MagentoSimulator

from .._stores import RealStore
from ._fidelity import Recorder, compare, scenario


def test_the_simulator_answers_like_the_store(real_magento: RealStore) -> None:
    real_magento.reset()
    credentials = real_magento.credentials
    real = Recorder(httpx.HTTPTransport())
    with MagentoCart(
        credentials["MAGENTO_REST"], credentials["MAGENTO_ACCESS_TOKEN"], transport=real
    ) as cart:
        scenario(cart, "f1d3a7")
    sim = MagentoSimulator()
    simulated = Recorder(sim.transport)
    with MagentoCart(sim.url, sim.token, transport=simulated) as cart:
        scenario(cart, "f1d3a7")
    share, differences = compare(real.exchanges, simulated.exchanges)
    print(f"fidelity: {share:.1%} of {len(real.exchanges)} exchanges alike")
    for line in differences:
        print("  ", line)
    assert len(real.exchanges) >= 60
    # The store's weight unit, asked once for the weighed products it writes.
    assert [e.path for e in real.exchanges].count("store/storeConfigs") == 1
    assert share >= 0.95, differences
    real_magento.reset()
