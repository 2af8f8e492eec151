"""Products: the product object, its combinations (variants) and their stock.

Reading a page of products costs four listings: the products, their
combinations (``filter[id_product]=[..]``), their stock rows and their
specific prices (sales, see ``_prices``); option names and tags come from
cached tables. A combination's price is an *impact* on
the product's price; a variant's price here is the sum. A combination whose
``reference`` is empty or the product's own (the demo's combinations all
repeat it) has no SKU of its own: the variant's ``sku`` is None and the raw
reference stays in ``extra``.

Creating one is a look-up by reference, a POST of the product as
*temporary* (``state=0``; with ``available_for_order``, ``show_price`` and
``minimal_quantity``, which a POST otherwise leaves 0), a POST per
combination (options and values matched by name or created), one stock
listing and a PATCH per stock row that differs, the images (if asked), and a
PATCH making it real (``state=1``) with its default combination. A create
whose answer was lost is resolved by reference (the ids with that reference
before the POST against after), never by posting again; a product whose
follow-ups failed is deleted and the error raised, so the next call creates
it whole; one a killed process left temporary is removed by the next create.
"""

from __future__ import annotations

import decimal
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ..._exceptions import (
    CartMigrateError,
    EntityNotFound,
    EntityRejected,
    TransientError,
)
from ...models import Dimensions, Product, ProductStatus, StockStatus, Variant, WeightUnit
from .._base import Created
from .._records import tracked
from ._images import ImageUploader
from ._lookups import Lookups
from ._prices import SalePrices, regular_and_sale
from ._resource import Resource, Row
from ._stock import StockRows, out_of_stock_policy, stock_status
from ._values import (
    associated_ids,
    field,
    flag,
    money,
    optional_id,
    ps_amount,
    slugify,
    text,
    timestamp,
)
from ._ws import Webservice
from ._xml import Assoc, Lang

__all__ = ["ProductResource"]

logger = logging.getLogger("cartmigrate.prestashop")

_EXTRA = ("wholesale_price", "ean13", "upc", "isbn", "mpn", "condition", "visibility", "on_sale")
_PRODUCT_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "sku": ("reference",),
    "description": ("description",),
    "price": ("price",),
    "compare_at_price": ("price",),
    "status": ("active",),
    "category_ids": ("id_category_default", "associations"),
    "manufacturer_id": ("id_manufacturer",),
    "slug": ("link_rewrite",),
    "meta_title": ("meta_title",),
    "meta_description": ("meta_description",),
    "weight": ("weight",),
    "weight_unit": ("weight",),
    "tags": ("tag_rows",),
}
_STOCK_FIELDS = frozenset({"quantity", "stock_status"})


@attrs.define(frozen=True)
class _PageExtras:
    combinations: dict[str, list[Row]]
    stock: dict[tuple[str, str], Row]
    sales: dict[tuple[str, str], Row]
    other_prices: dict[str, int]


class ProductResource(Resource[Product]):
    kind = Product
    route = "products"
    element = "product"
    #: A stock change does not move ``date_upd``: products are read in full.
    incremental = False
    writable = frozenset(_PRODUCT_KEYS) | _STOCK_FIELDS
    variant_writable = frozenset({"sku", "price", "compare_at_price"}) | _STOCK_FIELDS

    #: Set by the cart: where product images are served, and the tax rules
    #: group written on products (0: prices as given, no tax added).
    image_base: str = ""
    tax_rules_group: int = 0

    def __init__(self, ws: Webservice, lookups: Lookups, *, model_from: Callable[..., Any]) -> None:
        super().__init__(ws, lookups, model_from=model_from)
        self.stock = StockRows(ws)
        self.sales = SalePrices(ws)
        #: Set by the cart when images are to be uploaded.
        self.images: ImageUploader | None = None

    # -- reading --------------------------------------------------------------
    def follow_ups(self, rows: Sequence[Row]) -> _PageExtras:
        ids = [str(r["id"]) for r in rows]
        combinations: dict[str, list[Row]] = {}
        with_combinations = [str(r["id"]) for r in rows if associated_ids(r, "combinations")]
        if with_combinations:
            for row in self.ws.where("combinations", "id_product", with_combinations):
                combinations.setdefault(field(row, "id_product"), []).append(row)
        stock = self.stock.of_products(ids) if ids else {}
        sales, others = self.sales.of_products(ids, self.zone)
        return _PageExtras(combinations, stock, sales, others)

    def to_model(self, row: Row, extras: Any) -> Product:
        page: _PageExtras = extras
        product_id = str(row["id"])
        reference = field(row, "reference")
        base = money(row.get("price"))
        own_sale = page.sales.get((product_id, "0"))
        price, compare_at = regular_and_sale(base, decimal.Decimal(0), own_sale)
        own_stock = page.stock.get((product_id, "0"))
        weight = money(row.get("weight"))
        variants = [
            self._variant(
                c,
                reference,
                base,
                page.stock.get((product_id, str(c["id"]))),
                page.sales.get((product_id, str(c["id"])), own_sale),
                weight,
            )
            # Read apart from the product: a bad value is named "variants[0].price".
            for c in tracked(
                sorted(page.combinations.get(product_id, []), key=lambda c: int(c["id"])),
                "variants",
            )
        ]
        structural = self.lookups.structural_categories()
        categories = [c for c in associated_ids(row, "categories") if c not in structural]
        active = flag(row, "active") and flag(row, "state")
        extra: dict[str, Any] = {key: field(row, key) for key in _EXTRA if key in row}
        extra["product_type"] = field(row, "product_type")
        extra["id_tax_rules_group"] = field(row, "id_tax_rules_group", "0")
        extra["state"] = field(row, "state", "0")
        # The summary shown beside the price: no model field holds it.
        if short := text(row, "description_short", self.language):
            extra["description_short"] = short
        dimensions = self._dimensions(row)
        if isinstance(dimensions, dict):  # a unit the models do not know: kept as read
            extra["dimensions"], dimensions = dimensions, None
        if page.other_prices.get(product_id):
            # For a group, a customer, a quantity or a later date: no model field holds them.
            extra["specific_prices"] = page.other_prices[product_id]
        return Product(
            id=product_id,
            name=text(row, "name", self.language),
            sku=reference or None,
            description=text(row, "description", self.language) or None,
            price=price,
            compare_at_price=compare_at,
            quantity=int(field(own_stock, "quantity", "0")) if own_stock else None,
            stock_status=stock_status(own_stock),
            status=ProductStatus.ACTIVE if active else ProductStatus.DRAFT,
            category_ids=categories,
            manufacturer_id=optional_id(row, "id_manufacturer"),
            images=[self._image_url(i) for i in associated_ids(row, "images")],
            variants=variants,
            tags=[self.lookups.tags().get(t, t) for t in associated_ids(row, "tags")],
            slug=text(row, "link_rewrite", self.language) or None,
            meta_title=text(row, "meta_title", self.language) or None,
            meta_description=text(row, "meta_description", self.language) or None,
            weight=weight or None,
            weight_unit=self.lookups.weight_unit() if weight else None,
            virtual=field(row, "is_virtual", "0") == "1",
            dimensions=dimensions,
            created_at=timestamp(row, "date_add", self.zone),
            updated_at=timestamp(row, "date_upd", self.zone),
            extra=extra,
        )

    def _variant(
        self,
        row: Row,
        product_reference: str,
        base: decimal.Decimal,
        stock: Row | None,
        sale: Row | None,
        product_weight: decimal.Decimal,
    ) -> Variant:
        reference = field(row, "reference")
        values = self.lookups.option_values()
        options: dict[str, str] = {}
        for value_id in sorted(associated_ids(row, "product_option_values"), key=int):
            option_id, name = values.get(value_id, ("", value_id))
            options[self.lookups.options().get(option_id, option_id)] = name
        impact = money(row.get("price"))
        price, compare_at = regular_and_sale(base, impact, sale)
        # A combination's weight is an impact on the product's: 0 is the
        # product's own (a variant without a weight of its own, as elsewhere).
        weight_impact = money(row.get("weight"))
        weight = product_weight + weight_impact if weight_impact else None
        return Variant(
            id=str(row["id"]),
            sku=reference if reference and reference != product_reference else None,
            price=price,
            compare_at_price=compare_at,
            quantity=int(field(stock, "quantity", "0")) if stock else None,
            stock_status=stock_status(stock),
            options=options,
            weight=weight,
            weight_unit=self.lookups.weight_unit() if weight is not None else None,
            extra={
                "reference": reference,
                "price_impact": str(impact),
                "default_on": flag(row, "default_on"),
            },
        )

    def _dimensions(self, row: Row) -> Dimensions | dict[str, str] | None:
        """The package size (width, height and depth, as length) in the shop's
        PS_DIMENSION_UNIT; None when all are 0 (the shop's "none"). In a unit
        the models do not know, the numbers as read, with the unit's name."""
        sizes = {key: money(row.get(key)) for key in ("depth", "width", "height")}
        if not any(sizes.values()):
            return None
        unit = self.lookups.dimension_unit()
        if unit is None:
            named = self.lookups.settings().get("PS_DIMENSION_UNIT") or ""
            return {**{key: str(value) for key, value in sizes.items()}, "unit": named}
        return Dimensions(
            length=sizes["depth"] or None,
            width=sizes["width"] or None,
            height=sizes["height"] or None,
            unit=unit,
        )

    def _image_url(self, image_id: str) -> str:
        return f"{self.image_base}/img/p/{'/'.join(image_id)}/{image_id}.jpg"

    def find_params(self, natural_key: str) -> list[dict[str, Any]]:
        # A temporary product (state=0) is an unfinished create: never found.
        return [
            {"filter[reference]": f"[{natural_key}]", "filter[state]": "[1]"},
            {"filter[link_rewrite]": f"[{natural_key}]", "filter[state]": "[1]"},
        ]

    # -- writing --------------------------------------------------------------
    def tag_rows(self, product: Product) -> dict[str, Any]:
        """``associations/tags``, tags matched by name or created (a write, so only when sent)."""
        rows = [{"id": self.lookups.tag_id(tag)} for tag in dict.fromkeys(product.tags) if tag]
        return {"tags": Assoc("tag", rows)}

    def fields(self, product: Product) -> dict[str, Any]:
        categories = list(product.category_ids) or [self.lookups.home_category()]
        base = self._base_price(product)
        return {
            "price": ps_amount(base),
            "id_tax_rules_group": self.tax_rules_group,
            "reference": product.sku or "",
            "name": Lang(product.name),
            "link_rewrite": Lang(slugify(product.slug or product.name)),
            "description": Lang(product.description or ""),
            "meta_title": Lang(product.meta_title or ""),
            "meta_description": Lang(product.meta_description or ""),
            "active": 1 if product.status == ProductStatus.ACTIVE else 0,
            "state": 1,
            "available_for_order": 1,
            "show_price": 1,
            "minimal_quantity": 1,
            "visibility": "both",
            "product_type": "combinations" if product.variants else "standard",
            "id_manufacturer": product.manufacturer_id or 0,
            "weight": ps_amount(_in_shop_unit(product, self.lookups.weight_unit())),
            "id_category_default": categories[0],
            "associations": {
                "categories": Assoc("category", [{"id": c} for c in categories]),
            },
        }

    @staticmethod
    def _base_price(product: Product) -> decimal.Decimal:
        """The product's regular price (before a sale): what PrestaShop keeps as ``price``."""
        own = _regular(product.price, product.compare_at_price)
        if own is not None:
            return own
        prices = [_regular(v.price, v.compare_at_price) for v in product.variants]
        known = [p for p in prices if p is not None]
        return min(known) if known else decimal.Decimal(0)

    @property
    def langs(self) -> Sequence[int]:
        return self.lookups.languages()

    def _ids_like(self, product: Product, state: str) -> set[str]:
        """Ids of products in ``state`` with this product's SKU (else its slug), exactly."""
        column, value = (
            ("reference", product.sku)
            if product.sku
            else ("link_rewrite", slugify(product.slug or product.name))
        )
        params = {"filter[state]": f"[{state}]"}
        if not any(c in value for c in "[]|,%<>"):
            params[f"filter[{column}]"] = f"[{value}]"  # else: all in that state, compared here
        rows = self.ws.all(self.route, params, display=f"[id,{column}]")
        wanted = value.casefold()
        return {str(r["id"]) for r in rows if text(r, column, self.language).casefold() == wanted}

    def finished(self, model: Product) -> bool:
        return model.extra.get("state") != "0"

    def create(self, entity: Product) -> Created:
        # A product is posted as "temporary" (state=0: PrestaShop's own mark of
        # a product being made, hidden from the back office) and made real only
        # once its combinations and stock are in. One left temporary by an
        # interrupted create is ours: it is removed, never adopted half-made.
        before = {
            unfinished
            for unfinished in sorted(self._ids_like(entity, "0"), key=int)
            if not self._discard(unfinished)
        }
        fields = {**self.fields(entity), "state": 0}
        if entity.tags:
            fields["associations"] = {**fields["associations"], **self.tag_rows(entity)}
        product_id = self.post_settled(
            fields, self.langs, lambda: self._ids_like(entity, "0"), before
        )
        try:
            variant_ids = self._create_variants(product_id, entity)
            self._write_stock(product_id, entity, variant_ids)
            self._write_sales(product_id, entity, variant_ids)
            if self.images is not None and entity.images:
                self.images.upload(product_id, entity.images)
            finish: dict[str, Any] = {"state": 1}
            if variant_ids:
                # The first combination does not become the default by itself.
                finish["id_default_combination"] = variant_ids[0]
            self.ws.patch(self.route, self.element, product_id, finish, [])
        except EntityRejected as error:
            self._discard(product_id)  # made again whole once the data is fixed
            error.entity = "product"
            raise
        except CartMigrateError as error:
            self.lookups.forget("options")
            self.lookups.forget("option_values")
            self._discard(product_id)
            raise TransientError(
                f"prestashop: combinations or stock of product {entity.sku or entity.name}"
                f" could not be written ({error}); the product was removed and will be"
                " created again"
            ) from error
        return Created(id=product_id, variant_ids=variant_ids)

    def _discard(self, product_id: str) -> bool:
        """Delete a half-made product; say whether it is gone."""
        try:
            self.ws.delete(self.route, product_id)
        except EntityNotFound:
            return True
        except CartMigrateError as error:
            logger.warning(
                "prestashop: could not remove half-created product %s: %s", product_id, error
            )
            return False
        return True

    def _create_variants(self, product_id: str, product: Product) -> list[str]:
        base = self._base_price(product)
        ids: list[str] = []
        for variant in product.variants:
            values = [
                {"id": self.lookups.option_value_id(option, value)}
                for option, value in variant.options.items()
            ]
            regular = _regular(variant.price, variant.compare_at_price)
            impact = (regular if regular is not None else base) - base
            answer = self.ws.create(
                "combinations",
                "combination",
                {
                    "id_product": product_id,
                    "minimal_quantity": 1,
                    "reference": variant.sku or "",
                    "price": ps_amount(impact),
                    "associations": {
                        "product_option_values": Assoc("product_option_value", values)
                    },
                },
                self.langs,
            )
            ids.append(str(answer["id"]))
        return ids

    def _write_sales(self, product_id: str, product: Product, variant_ids: Sequence[str]) -> None:
        """A sale for everyone where ``compare_at_price`` is above ``price``."""
        if not product.variants:
            off = _sale_off(product.price, product.compare_at_price)
            if off:
                self.sales.write(product_id, "0", off)
        for variant, variant_id in zip(product.variants, variant_ids, strict=True):
            off = _sale_off(variant.price, variant.compare_at_price)
            if off:
                self.sales.write(product_id, variant_id, off)

    def _write_stock(self, product_id: str, product: Product, variant_ids: Sequence[str]) -> None:
        rows = self.stock.of_products([product_id])
        wanted: list[tuple[str, int | None, StockStatus | str]] = [
            (variant_id, variant.quantity, variant.stock_status)
            for variant, variant_id in zip(product.variants, variant_ids, strict=True)
        ]
        if not product.variants:
            wanted.append(("0", product.quantity, product.stock_status))
        for combination_id, quantity, status in wanted:
            row = rows.get((product_id, combination_id))
            policy = out_of_stock_policy(status, quantity)
            if row is not None and (
                int(field(row, "quantity", "0")) == (quantity or 0)
                and field(row, "out_of_stock", "2") == policy
            ):
                continue  # already so: a new row holds 0, and the default policy
            self.stock.write(product_id, combination_id, quantity=quantity, status=status)

    def update(self, id: str, changes: Mapping[str, Any], parent_id: str | None) -> None:
        if parent_id is not None:
            self._update_variant(parent_id, id, changes)
            return
        self.check_fields(changes)
        current = self.current(id)
        updated = self.evolve(current, changes)
        full = self.fields(updated)
        body: dict[str, Any] = {}
        for name in changes:
            for key in _PRODUCT_KEYS.get(name, ()):
                if key == "tag_rows":
                    associations = body.setdefault("associations", {})
                    associations.update(self.tag_rows(updated))
                elif key == "associations":
                    body.setdefault("associations", {}).update(full["associations"])
                else:
                    body[key] = full[key]
        if body:
            self.ws.patch(self.route, self.element, id, body, self.langs)
        if {"price", "compare_at_price"} & set(changes):
            if updated.variants:
                # Combination prices are impacts on the product's: keep each variant's own.
                self._repatch_impacts(updated)
            else:
                self.sales.clear(id, "0")
                off = _sale_off(updated.price, updated.compare_at_price)
                if off:
                    self.sales.write(id, "0", off)
        if _STOCK_FIELDS & set(changes) and not updated.variants:
            self._write_stock_changes(id, "0", changes)

    def _repatch_impacts(self, product: Product) -> None:
        base = self._base_price(product)
        for variant in product.variants:
            regular = _regular(variant.price, variant.compare_at_price)
            if variant.id is not None and regular is not None:
                self.ws.patch(
                    "combinations",
                    "combination",
                    variant.id,
                    {"price": ps_amount(regular - base)},
                    [],
                )

    def _write_stock_changes(
        self, product_id: str, combination_id: str, changes: Mapping[str, Any]
    ) -> None:
        """Only the stock fields named: a quantity alone keeps the row's policy."""
        status = changes.get("stock_status")
        if status is not None:
            status = StockStatus(status)
        self.stock.write(
            product_id,
            combination_id,
            quantity=changes.get("quantity"),
            status=status,
            set_quantity="quantity" in changes,
        )

    def _update_variant(self, product_id: str, id: str, changes: Mapping[str, Any]) -> None:
        for name in changes:
            if name not in self.variant_writable and name != "id":
                raise EntityRejected(
                    f"the PrestaShop connector cannot change variant.{name}",
                    entity="variant",
                    field=name,
                )
        try:
            probe = Variant(**{k: v for k, v in changes.items() if k != "id"})
        except CartMigrateError as error:
            raise EntityRejected(str(error), entity="variant") from error
        body: dict[str, Any] = {}
        if {"sku", "price", "compare_at_price"} & set(changes):
            # A price is an impact on the product's: that needs the product.
            product = self.current(product_id)
            if not any(v.id == id for v in product.variants):
                raise EntityNotFound(
                    f"no combination {id} of product {product_id} in prestashop",
                    entity="variant",
                )
            if "sku" in changes:
                body["reference"] = probe.sku or ""
            priced = {"price", "compare_at_price"} & set(changes)
            current = next(v for v in product.variants if v.id == id)
            new = attrs.evolve(current, **{k: getattr(probe, k) for k in priced})
            regular = _regular(new.price, new.compare_at_price)
            if priced and regular is not None:
                body["price"] = ps_amount(regular - self._base_price(product))
        if body:
            self.ws.patch("combinations", "combination", id, body, [])
        if {"price", "compare_at_price"} & set(changes):
            self.sales.clear(product_id, id)
            off = _sale_off(new.price, new.compare_at_price)
            if off:
                self.sales.write(product_id, id, off)
        if _STOCK_FIELDS & set(changes):
            # Stock alone costs one PATCH: the row id is known from the last read.
            self._write_stock_changes(product_id, id, {**changes, **_converted(probe, changes)})


def _regular(
    price: decimal.Decimal | None, compare_at: decimal.Decimal | None
) -> decimal.Decimal | None:
    """The regular price: the compare-at price when it is above the price paid."""
    if price is not None and compare_at is not None and compare_at > price:
        return compare_at
    return price


def _sale_off(
    price: decimal.Decimal | None, compare_at: decimal.Decimal | None
) -> decimal.Decimal | None:
    if price is not None and compare_at is not None and compare_at > price:
        return compare_at - price
    return None


def _converted(variant: Variant, changes: Mapping[str, Any]) -> dict[str, Any]:
    return {name: getattr(variant, name) for name in _STOCK_FIELDS if name in changes}


def _in_shop_unit(product: Product, unit: WeightUnit | None) -> decimal.Decimal | None:
    """The product's weight in the shop's unit; as it is when either unit is unknown."""
    return product.weight if unit is None else product.weight_in(unit)
