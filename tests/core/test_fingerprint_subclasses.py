"""Fingerprints of nested models held as subclasses (each test failed before its fix)."""

from __future__ import annotations

import attrs

from cartmigrate import Address, Customer, Product, Variant
from cartmigrate.models import fingerprint


@attrs.define(frozen=True, kw_only=True)
class _GiftVariant(Variant):
    """A connector's own variant model, with one more compared field."""

    gift_wrap: bool = False


@attrs.define(frozen=True, kw_only=True)
class _GeoAddress(Address):
    latitude: str | None = None


def test_fingerprint_sees_fields_of_a_nested_model_subclass() -> None:
    plain_one = Product(name="Tee", variants=[_GiftVariant(sku="T-1", gift_wrap=False)])
    wrapped = Product(name="Tee", variants=[_GiftVariant(sku="T-1", gift_wrap=True)])
    assert plain_one != wrapped
    assert fingerprint(plain_one) != fingerprint(wrapped)


def test_fingerprint_tells_a_nested_subclass_from_its_base() -> None:
    base = Customer(email="a@example.com", addresses=[Address(city="Bern")])
    geo = Customer(email="a@example.com", addresses=[_GeoAddress(city="Bern", latitude="46.9")])
    assert base != geo
    assert fingerprint(base) != fingerprint(geo)
