"""WooCommerce customers as a scan with change tokens, on the real store.

REST v3 cannot list customers by modification date, so every smart update
reads them all; but WooCommerce moves a customer's ``date_modified`` on every
save (observed here for names, billing, shipping, meta and e-mail). The cart
declares ``change_tokens={Customer}``, and an unchanged customer then costs
no digest. This checks that on the store: the edited customer is found and
written, and the others are decided by their time stamps alone.
"""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

import cartmigrate.engine._records as records
from cartmigrate import Customer, MemoryCart, MemoryStateStore, SyncEngine
from cartmigrate.connectors.woocommerce import WooCommerceCart

from .._stores import RealStore
from .conftest import URL

#: The engine's overlap in this test: time stamps younger than this are no tokens.
OVERLAP = dt.timedelta(seconds=2)


def _rest(creds: dict[str, str], method: str, path: str, body: object) -> dict[str, object]:
    response = httpx.request(
        method,
        f"{URL}/wp-json/wc/v3/{path}",
        json=body,
        auth=(creds["WOO_CK"], creds["WOO_CS"]),
        timeout=60,
    )
    response.raise_for_status()
    found: dict[str, object] = response.json()
    return found


def test_unchanged_customers_are_decided_by_date_modified(
    real_woocommerce: RealStore, woo: WooCommerceCart, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_woocommerce.reset()
    creds = real_woocommerce.credentials
    assert Customer in woo.capabilities.change_tokens
    assert Customer not in woo.capabilities.incremental  # a scan, every time
    made = [
        _rest(creds, "POST", "customers", {"email": f"token{i}@example.com", "first_name": "Ann"})
        for i in range(3)
    ]
    time.sleep(OVERLAP.total_seconds() + 1.5)  # older than the overlap: tokens
    memory = MemoryCart()
    engine = SyncEngine(woo, memory, state=MemoryStateStore(), overlap=OVERLAP)
    assert engine.full_migrate(entities=[Customer]).ok
    assert memory.count(Customer) >= 3

    taken: set[str] = set()  # the source ids of the customers digested
    selected, whole = records._Selector.digest, records.fingerprint

    def count_selected(self: records._Selector, entity: Customer) -> str:
        taken.add(str(entity.id))
        return selected(self, entity)

    def count_whole(entity: Customer) -> str:
        taken.add(str(entity.id))
        return whole(entity)

    monkeypatch.setattr(records._Selector, "digest", count_selected)
    monkeypatch.setattr(records, "fingerprint", count_whole)
    ours = {str(c["id"]) for c in made}
    fields = {Customer: ["first_name"]}
    idle = engine.smart_update(entities=[Customer], fields=fields)
    assert idle.ok and idle.total("updated") == 0, idle.summary()
    assert not taken & ours  # by their time stamps alone

    edited = str(made[1]["id"])
    _rest(creds, "PUT", f"customers/{edited}", {"first_name": "Tokened"})
    taken.clear()
    report = engine.smart_update(entities=[Customer], fields=fields)
    assert report.summary()["customer"]["updated"] == 1, report.summary()
    assert taken & ours == {edited}
    names = {c.email: c.first_name for c in memory.list(Customer)}
    assert names["token1@example.com"] == "Tokened"
    assert names["token0@example.com"] == names["token2@example.com"] == "Ann"
