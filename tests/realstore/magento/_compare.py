"""Field-by-field comparison of a source store with what a target cart holds of it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from cartmigrate import Cart, Category, Customer, Manufacturer, Order, Product
from cartmigrate.models import Address, Entity
from cartmigrate.state import StateStore

#: What the models cover and Magento keeps (write_notes name what it does not).
COMPARED: dict[type[Entity], tuple[str, ...]] = {
    Category: ("name", "slug", "description", "parent_id"),
    Manufacturer: ("name",),
    Product: ("name", "sku", "description", "price", "slug", "weight", "status", "category_ids"),
    Customer: ("email", "first_name", "last_name", "addresses", "group", "created_at"),
    Order: (
        "number",
        "customer_id",
        "email",
        "status",
        "currency",
        "subtotal",
        "shipping_total",
        "tax_total",
        "total",
        "billing_address",
        "shipping_address",
        "status_history",
        "shipments",
        "created_at",
    ),
}
_REFERENCES = {"parent_id": "category", "category_ids": "category", "customer_id": "customer"}


def _target_ids(state: StateStore, kind: str, ids: Any) -> Any:
    """Source ids (one, or a tuple) as the target's, from the id map."""
    if ids is None:
        return None
    many = [ids] if isinstance(ids, str) else list(ids)
    records = state.get(kind, many)
    mapped = [records[i].target_id if i in records else f"unmapped:{i}" for i in many]
    return mapped[0] if isinstance(ids, str) else tuple(mapped)


def mismatches(source: Cart, target: Cart, state: StateStore) -> Counter[str]:
    """``kind.field`` -> how many migrated entities differ there (plus missing ones)."""
    counts: Counter[str] = Counter()
    for kind, fields in COMPARED.items():
        if kind not in target.capabilities.reads:
            continue
        entities = list(source.read(kind))
        records = state.get(kind.kind, [e.id for e in entities if e.id])
        targets = target.get_many(kind, [r.target_id for r in records.values() if r.target_id])
        for entity in entities:
            record = records.get(str(entity.id))
            found = targets.get(record.target_id) if record and record.target_id else None
            if found is None:
                counts[f"{kind.kind}.missing"] += 1
                continue
            for field in fields:
                want = getattr(entity, field)
                if field in _REFERENCES and want:
                    want = _target_ids(state, _REFERENCES[field], want)
                have = getattr(found, field)
                if field == "group":  # Magento's group codes ignore case
                    want, have = str(want).casefold(), str(have).casefold()
                if want != have:  # Decimal("4.90") is 4.9; models compare by value
                    counts[f"{kind.kind}.{field}"] += 1
            if isinstance(entity, Product) and isinstance(found, Product):
                variants = {v.sku: v for v in found.variants}
                for variant in entity.variants:
                    other = variants.get(variant.sku)
                    for field in ("price", "quantity", "stock_status", "options"):
                        if other is None or getattr(variant, field) != getattr(other, field):
                            counts[f"variant.{field}"] += 1
                if not entity.variants and entity.quantity != found.quantity:
                    counts["product.quantity"] += 1
            if isinstance(entity, Order) and isinstance(found, Order):
                lines = [(ln.sku, ln.quantity, ln.price) for ln in entity.lines]
                if lines != [(ln.sku, ln.quantity, ln.price) for ln in found.lines]:
                    counts["order.lines"] += 1
                products = [_target_ids(state, "product", ln.product_id) for ln in entity.lines]
                if products != [ln.product_id for ln in found.lines]:
                    counts["order.lines.product_id"] += 1
                variants = [_target_ids(state, "variant", ln.variant_id) for ln in entity.lines]
                if variants != [ln.variant_id for ln in found.lines]:
                    counts["order.lines.variant_id"] += 1
    return counts


def with_regions(address: Address | None) -> Address | None:
    """The generator's addresses, with the regions Magento requires (US, PT) filled in."""
    if address is None:
        return None
    if address.country == "US":
        return attrs.evolve(address, region="TX")
    if address.country == "PT":
        return attrs.evolve(address, country="FR", city="Lyon", postcode="69001")
    return address
