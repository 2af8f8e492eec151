"""Seeded synthetic stores with realistic shapes, generated on the fly.

Shapes follow real shops: a category tree, products with three variants
(size), HTML descriptions and unicode names, customers with two addresses,
orders of one to five lines with status history. The same seed always gives
the same store, and nothing is held in memory: each entity is built when
iterated, so a million-order store costs no more memory than a small one.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
from collections.abc import Callable, Iterator

import attrs

from ..models import (
    Address,
    Category,
    Customer,
    Entity,
    Manufacturer,
    Order,
    OrderLine,
    Product,
    Review,
    StatusChange,
    Variant,
)

__all__ = ["StoreGenerator", "generate_store"]

_WORDS = (
    "Linen",
    "Wool",
    "Café",
    "Ørsted",
    "Señor",
    "Straße",
    "Zoë",
    "Kyōto",
    "Naïve",
    "Jalapeño",
    "Classic",
    "Urban",
    "Summer",
    "Alpine",
    "Coastal",
    "Vintage",
    "Organic",
    "Merino",
    "Rāmen",
)
_THINGS = ("Shirt", "Hoodie", "Mug", "Backpack", "Cap", "Scarf", "Sneaker", "Lamp", "Notebook")
_FIRST = ("Ana", "Björn", "Chloé", "Dmitri", "Émile", "Fatima", "Goran", "Hiroshi", "Inés", "Józef")
_LAST = ("Müller", "García", "Nakamura", "O'Brien", "Søndergaard", "Dubois", "Kowalski", "Rossi")
_CITIES = (
    ("Berlin", "DE", "10115"),
    ("Lyon", "FR", "69001"),
    ("Austin", "US", "78701"),
    ("Osaka", "JP", "530-0001"),
    ("Porto", "PT", "4000-001"),
)
_SIZES = ("S", "M", "L")
_EPOCH = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


@attrs.define(frozen=True, kw_only=True)
class StoreGenerator:
    """A recipe for a store: how many of each entity, and the seed.

    Ids are the source's own and predictable (``p12``, ``p12-v2``, ``c7``,
    ``o99``), so orders can point at products and customers without keeping
    them in memory.
    """

    seed: int = 0
    categories: int = 20
    manufacturers: int = 10
    products: int = 100
    customers: int = 100
    orders: int = 200
    reviews: int = 50
    variants_per_product: int = 3

    @property
    def size(self) -> int:
        """Top-level entities in the store (variants travel inside products)."""
        return (
            self.categories
            + self.manufacturers
            + self.products
            + self.customers
            + self.orders
            + self.reviews
        )

    def _rng(self, stream: str, index: int) -> random.Random:
        # One generator per entity: any entity can be rebuilt alone, in any order.
        return random.Random(f"{self.seed}:{stream}:{index}")

    def iter_categories(self) -> Iterator[Category]:
        return map(self._category, range(self.categories))

    def iter_manufacturers(self) -> Iterator[Manufacturer]:
        return map(self._manufacturer, range(self.manufacturers))

    def iter_products(self) -> Iterator[Product]:
        return map(self._product, range(self.products))

    def iter_customers(self) -> Iterator[Customer]:
        return map(self._customer, range(self.customers))

    def iter_orders(self) -> Iterator[Order]:
        return map(self._order, range(self.orders))

    def iter_reviews(self) -> Iterator[Review]:
        return map(self._review, range(self.reviews))

    def entity(self, kind: type[Entity], id: str) -> Entity | None:
        """The entity of ``kind`` with this id, rebuilt alone; None if the store has none.

        Every entity has its own seeded generator, so a streaming source can
        answer ``get`` without keeping the store in memory.
        """
        builders: dict[type[Entity], tuple[str, int, Callable[[int], Entity]]] = {
            Category: ("cat", self.categories, self._category),
            Manufacturer: ("m", self.manufacturers, self._manufacturer),
            Product: ("p", self.products, self._product),
            Customer: ("c", self.customers, self._customer),
            Order: ("o", self.orders, self._order),
            Review: ("r", self.reviews, self._review),
        }
        if kind not in builders:
            return None
        prefix, count, build = builders[kind]
        number = id.removeprefix(prefix)
        if number == id or not number.isdigit() or int(number) >= count:
            return None
        return build(int(number))

    def _category(self, i: int) -> Category:
        parent = f"cat{(i - 1) // 3}" if i > 0 else None
        name = f"{_WORDS[i % len(_WORDS)]} {_THINGS[i % len(_THINGS)]}s {i}"
        return Category(
            id=f"cat{i}",
            name=name,
            parent_id=parent,
            slug=f"category-{i}",
            description=f"<p>All {name.lower()}.</p>",
        )

    def _manufacturer(self, i: int) -> Manufacturer:
        return Manufacturer(id=f"m{i}", name=f"{_WORDS[(i * 7) % len(_WORDS)]} Works {i}")

    def _product(self, i: int) -> Product:
        rng = self._rng("product", i)
        price = decimal.Decimal(rng.randrange(500, 20000)) / 100
        name = f"{rng.choice(_WORDS)} {rng.choice(_THINGS)} {i}"
        variants = [
            Variant(
                id=f"p{i}-v{j}",
                sku=f"SKU-{i}-{_SIZES[j % 3]}{j // 3 or ''}",
                price=price,
                quantity=rng.randrange(0, 50),
                options={"Size": _SIZES[j % 3] + (str(j // 3) if j >= 3 else "")},
            )
            for j in range(self.variants_per_product)
        ]
        stamp = _EPOCH + dt.timedelta(minutes=i)
        return Product(
            id=f"p{i}",
            name=name,
            sku=f"SKU-{i}",
            price=price,
            description=f"<p>The <strong>{name}</strong>, made to last.</p>"
            "<ul><li>Care: 30 °C</li><li>Origin: EU</li></ul>",
            quantity=sum(v.quantity or 0 for v in variants),
            category_ids=[f"cat{rng.randrange(self.categories)}"] if self.categories else [],
            manufacturer_id=(
                f"m{rng.randrange(self.manufacturers)}" if self.manufacturers else None
            ),
            images=[f"https://img.example.com/p{i}/{k}.jpg" for k in range(2)],
            variants=variants,
            slug=f"product-{i}",
            weight=decimal.Decimal("0.4"),
            created_at=stamp,
            updated_at=stamp,
        )

    def _address(self, rng: random.Random, first: str, last: str) -> Address:
        city, country, postcode = rng.choice(_CITIES)
        return Address(
            first_name=first,
            last_name=last,
            line1=f"{rng.randrange(1, 200)} Main St",
            city=city,
            postcode=postcode,
            country=country,
        )

    def _customer(self, i: int) -> Customer:
        rng = self._rng("customer", i)
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        stamp = _EPOCH + dt.timedelta(minutes=i)
        return Customer(
            id=f"c{i}",
            email=f"customer{i}@example.com",
            first_name=first,
            last_name=last,
            addresses=[self._address(rng, first, last) for _ in range(2)],
            group="retail" if i % 5 else "wholesale",
            created_at=stamp,
            updated_at=stamp,
        )

    def _order(self, i: int) -> Order:
        rng = self._rng("order", i)
        lines = []
        for _ in range(rng.randint(1, 5) if self.products else 0):
            p = rng.randrange(self.products)
            v = rng.randrange(self.variants_per_product) if self.variants_per_product else None
            price = decimal.Decimal(rng.randrange(500, 20000)) / 100
            lines.append(
                OrderLine(
                    product_id=f"p{p}",
                    variant_id=f"p{p}-v{v}" if v is not None else None,
                    sku=f"SKU-{p}",
                    name=f"Item {p}",
                    quantity=rng.randint(1, 3),
                    price=price,
                )
            )
        subtotal = sum((line.price * line.quantity for line in lines), decimal.Decimal(0))
        shipping = decimal.Decimal("4.90")
        # One a minute: a million orders span two years, all in the past, so an
        # incremental read never keeps returning orders "from the future".
        placed = _EPOCH + dt.timedelta(minutes=i)
        status = rng.choice(("processing", "completed", "completed", "on_hold", "cancelled"))
        customer = f"c{rng.randrange(self.customers)}" if self.customers and i % 10 else None
        address = self._address(rng, rng.choice(_FIRST), rng.choice(_LAST))
        return Order(
            id=f"o{i}",
            number=str(1000 + i),
            customer_id=customer,
            email=f"customer{customer[1:]}@example.com" if customer else f"guest{i}@example.com",
            status=status,
            lines=lines,
            currency="EUR",
            subtotal=subtotal,
            shipping_total=shipping,
            tax_total=decimal.Decimal(0),
            total=subtotal + shipping,
            billing_address=address,
            shipping_address=address,
            status_history=[
                StatusChange(status="pending", at=placed),
                StatusChange(status=status, at=placed + dt.timedelta(hours=2)),
            ],
            created_at=placed,
            updated_at=placed + dt.timedelta(hours=2),
        )

    def _review(self, i: int) -> Review:
        rng = self._rng("review", i)
        return Review(
            id=f"r{i}",
            product_id=f"p{rng.randrange(self.products)}" if self.products else None,
            customer_id=f"c{rng.randrange(self.customers)}" if self.customers else None,
            rating=rng.randint(1, 5),
            title="Nice",
            body=f"Très bien — would buy again (review {i}).",  # platforms refuse twins
            author=rng.choice(_FIRST),
            created_at=_EPOCH + dt.timedelta(days=i % 300),
        )

    def __iter__(self) -> Iterator[Entity]:
        yield from self.iter_categories()
        yield from self.iter_manufacturers()
        yield from self.iter_products()
        yield from self.iter_customers()
        yield from self.iter_orders()
        yield from self.iter_reviews()


def generate_store(
    *,
    seed: int = 0,
    products: int = 100,
    customers: int = 100,
    orders: int = 200,
    categories: int = 20,
    manufacturers: int = 10,
    reviews: int = 50,
) -> list[Entity]:
    """A whole synthetic store as a list, e.g. for ``MemoryCart(generate_store())``."""
    return list(
        StoreGenerator(
            seed=seed,
            products=products,
            customers=customers,
            orders=orders,
            categories=categories,
            manufacturers=manufacturers,
            reviews=reviews,
        )
    )
