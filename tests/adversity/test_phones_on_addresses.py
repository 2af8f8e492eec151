"""A customer's phone where the target keeps phones on addresses only.

Magento and PrestaShop hold a phone on each address, none on the customer:
the customer's own phone travels on its first address. A customer with no
address, or whose first address has a phone of its own, lost its phone with a
report that said ``ok``, and ``verify=True`` then updated it on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cartmigrate import Address, Cart, Customer, MemoryCart, MemoryStateStore, SyncEngine
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.testing.magento import MagentoSimulator
from cartmigrate.testing.prestashop import PrestaShopSimulator


def _magento(tmp: Path) -> Cart:
    sim = MagentoSimulator()
    return MagentoCart(sim.url, sim.token, transport=sim.transport)


def _prestashop(tmp: Path) -> Cart:
    sim = PrestaShopSimulator()
    return PrestaShopCart(
        sim.url,
        sim.key,
        transport=sim.transport,
        mail_record_dir=tmp / "mails",
        requests_per_second=10_000.0,
        burst=10_000.0,
    )


def _address(phone: str | None, region: str | None) -> Address:
    return Address(
        first_name="Ann",
        last_name="Lee",
        line1="1 Main St",
        city="Springfield",
        postcode="12345",
        country="US",
        region=region,
        phone=phone,
    )


# Magento requires a US address's state; the simulated PrestaShop has no US states.
@pytest.mark.parametrize(
    ("make_target", "region"),
    [(_magento, "IL"), (_prestashop, None)],
    ids=["magento", "prestashop"],
)
def test_a_phone_the_target_cannot_keep_is_reported_and_not_written_again(
    make_target: Callable[[Path], Cart], region: str | None, tmp_path: Path
) -> None:
    source = MemoryCart(
        [
            Customer(id="none", email="none@example.com", phone="+1 555 0100"),
            Customer(
                id="other",
                email="other@example.com",
                phone="+1 555 0101",
                addresses=[_address("+1 555 0199", region)],
            ),
            Customer(
                id="kept",
                email="kept@example.com",
                phone="+1 555 0102",
                addresses=[_address(None, region)],
            ),
        ]
    )
    target = make_target(tmp_path)
    engine = SyncEngine(source, target, state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    named = {(w.entity, w.source_id, w.field) for w in report.warnings}
    assert ("customer", "none", "phone") in named
    assert ("customer", "other", "phone") in named
    assert not [w for w in report.warnings if w.source_id == "kept"]
    kept = target.find(Customer, "kept@example.com")
    assert kept is not None and kept.phone == "+1 555 0102"

    for fields in (None, {Customer: ("phone",)}):
        again = engine.smart_update(verify=True, fields=fields)
        assert again.failures == [] and again.total("updated") == 0
