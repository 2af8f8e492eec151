"""An address the shop cannot place: a country it lacks, a region no state names.

PrestaShop writes the first in its default country and the second without a
state; both were said nowhere, and a comparison of addresses saw them differ
on every call.
"""

from __future__ import annotations

from cartmigrate import Address, Customer, MemoryCart, MemoryStateStore, SyncEngine
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.testing.prestashop import PrestaShopSimulator


def _address(country: str, region: str | None) -> Address:
    return Address(
        first_name="Ann",
        last_name="Lee",
        line1="1 Main St",
        city="Springfield",
        postcode="12345",
        country=country,
        region=region,
    )


def test_an_address_the_shop_cannot_place_is_reported(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    states = sim.shop.tables["states"].values()
    countries = sim.shop.tables["countries"]
    state = next(iter(states))
    home = countries[int(state["id_country"])]["iso_code"]
    source = MemoryCart(
        [
            Customer(
                id="odd",
                email="odd@example.com",
                addresses=[_address("ZZ", None), _address(home, "Nowhere")],
            ),
            Customer(
                id="fine",
                email="fine@example.com",
                addresses=[_address(home, state["iso_code"])],
            ),
        ]
    )
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    (notice,) = [w for w in report.warnings if (w.source_id, w.field) == ("odd", "addresses")]
    assert "address 1: 'ZZ' is not a country of this shop" in notice.message
    assert f"address 2: 'Nowhere' is no state of {home}" in notice.message
    assert not [w for w in report.warnings if w.source_id == "fine"]
    again = engine.smart_update(verify=True, fields={Customer: ("addresses",)})
    assert again.failures == [] and again.total("updated") == 0
