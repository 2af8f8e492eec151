"""A store migrated into the real PrestaShop, kept in step, and migrated again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import attrs
import httpx

from cartmigrate import MemoryCart, MemoryStateStore, SyncEngine
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.models import Category, Customer, Manufacturer, Product, plain
from cartmigrate.testing import generate_store

from .._stores import RealStore
from ._transports import RealTransport
from .conftest import Query

#: Fields the connector says it cannot carry (write_notes), or maps by a rule.
NOT_CARRIED = {
    Product: {"images", "created_at", "updated_at"},
    Customer: {"group", "created_at", "updated_at"},
    Category: set(),
    Manufacturer: set(),
}


def _source() -> MemoryCart:
    store = generate_store(
        # Orders have their own test (test_orders.py): the demo shop delivers to the US only.
        seed=12,
        products=5,
        customers=4,
        orders=0,
        categories=4,
        manufacturers=2,
        reviews=0,
    )
    cart = MemoryCart(store)
    first = cart.list(Product)[0]
    # A sale on a variant, and tags: both have a PrestaShop home of their own.
    on_sale = attrs.evolve(first.variants[0], compare_at_price=first.variants[0].price + 5)
    cart.add(attrs.evolve(first, tags=["linen", "summer"], variants=[on_sale, *first.variants[1:]]))
    return cart


def _field_mismatches(
    source: MemoryCart, target: PrestaShopCart, state: MemoryStateStore
) -> Counter[str]:
    """Per ``kind.field``: how many migrated entities differ from their source."""
    found: Counter[str] = Counter()
    for kind in (Category, Manufacturer, Product, Customer):
        records = {r.source_id: r.target_id for r in state.records(kind.kind) if r.target_id}
        on_target = target.get_many(kind, list(records.values()))
        for entity in source.list(kind):
            copy = on_target.get(records.get(str(entity.id), ""))
            if copy is None:
                found[f"{kind.kind}.missing"] += 1
                continue
            for name in plain(entity):
                if name in ("id", "extra") or name in NOT_CARRIED[kind]:
                    continue
                if name in ("parent_id", "manufacturer_id", "category_ids", "variants"):
                    continue  # ids differ by nature; compared below
                if name == "weight_unit" and getattr(entity, name) is None:
                    continue  # no unit: in the store's own, which the copy names
                if getattr(entity, name) != getattr(copy, name):
                    found[f"{kind.kind}.{name}"] += 1
            if isinstance(entity, Product) and isinstance(copy, Product):
                pairs = zip(entity.variants, copy.variants, strict=False)
                if len(entity.variants) != len(copy.variants):
                    found["variant.missing"] += 1
                for variant, copied in pairs:
                    for name in ("sku", "price", "quantity", "options"):
                        if getattr(variant, name) != getattr(copied, name):
                            found[f"variant.{name}"] += 1
    return found


def _references(shop_db: Query, prefix: str) -> Counter[str]:
    rows = shop_db(f"select reference from ps_product where reference like '{prefix}%'")
    return Counter(r[0] for r in rows)


def _emails(shop_db: Query) -> Counter[str]:
    rows = shop_db("select email from ps_customer where email like 'customer%@example.com'")
    return Counter(r[0] for r in rows)


def test_migrate_keep_in_step_and_migrate_again(
    real_prestashop: RealStore, make_presta: Callable[..., PrestaShopCart], shop_db: Query
) -> None:
    real_prestashop.reset()
    transport = RealTransport()
    presta = make_presta(transport=transport)
    mails = real_prestashop.mails()
    source = _source()
    state = MemoryStateStore()
    engine = SyncEngine(source, presta, state=state)

    report = engine.full_migrate()
    assert report.failures == []
    summary = report.summary()
    assert summary["product"]["created"] == 5
    assert summary["customer"]["created"] == 4
    assert _references(shop_db, "SKU-") == Counter({p.sku: 1 for p in source.list(Product)})
    assert _emails(shop_db) == Counter({c.email: 1 for c in source.list(Customer)})
    mismatches = _field_mismatches(source, presta, state)
    assert mismatches == Counter(), mismatches

    # Live changes on both sides.
    product = source.list(Product)[0]
    variant = product.variants[1]
    source.add(
        attrs.evolve(
            product,
            variants=[
                attrs.evolve(v, quantity=41) if v.id == variant.id else v for v in product.variants
            ],
        )
    )
    newcomer = Customer(email="customer99@example.com", first_name="Zoë", last_name="Naïve")
    source.add(newcomer)
    target_product = state.get("product", [str(product.id)])[str(product.id)].target_id
    assert target_product is not None
    presta.update(Product, target_product, {"name": "Renamed by the new shop"})

    transport.counts.clear()
    report = engine.smart_update()
    assert report.failures == []
    assert report.summary()["customer"]["created"] == 1
    # Stock has no date: the changed product's stock costs one listing of
    # stock_availables (and one PATCH), never a request per product.
    assert transport.counts[("GET", "stock_availables")] == 1, transport.counts
    assert transport.counts[("PATCH", "stock_availables")] == 1, transport.counts
    copy = presta.get(Product, target_product)
    assert copy is not None
    assert copy.name == "Renamed by the new shop", "a field not selected is the target's"
    assert [v.quantity for v in copy.variants][1] == 41
    report = engine.smart_update()
    assert report.failures == []
    for counts in report.summary().values():
        assert counts["created"] == 0 and counts["updated"] == 0, report.summary()

    report = engine.remigrate(confirm=True)
    assert report.failures == []
    assert _references(shop_db, "SKU-") == Counter({p.sku: 1 for p in source.list(Product)})
    assert _emails(shop_db) == Counter({c.email: 1 for c in source.list(Customer)})
    assert real_prestashop.mails() == mails, "no e-mail for customers or products"


def test_images_are_uploaded_to_the_real_store(
    real_prestashop: RealStore, make_presta: Callable[..., PrestaShopCart], shop_db: Query
) -> None:
    real_prestashop.reset()
    presta = make_presta(upload_images=True)
    # The demo's own photo, served by the store's web server, is the source image.
    source_image = "http://127.0.0.1:8090/img/p/1/1.jpg"
    created = presta.create(
        Product(name="Photo frame", sku="PHOTO-1", price="12.5", quantity=3, images=[source_image])
    )
    rows = shop_db(f"select count(*) from ps_image where id_product = {int(created.id)}")
    assert rows == [("1",)]
    copy = presta.get(Product, created.id)
    assert copy is not None and len(copy.images) == 1 and copy.quantity == 3
    served = httpx.get(copy.images[0], timeout=30)
    assert served.status_code == 200
    assert served.headers["Content-Type"].startswith("image/")
    assert served.content[:3] == b"\xff\xd8\xff"  # a JPEG, as uploaded
