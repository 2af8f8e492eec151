"""Products: simple ones, and configurable ones with their children as variants.

Reading: the product list, sorted by id, a hundred a page; children of a
configurable product are simple products of their own in that list, so an
index of which product is whose child (the configurables' links, two small
requests) keeps them out of the top level. A page's configurables get their
children in one ``entity_id in`` request (those read earlier on are kept), and
stock comes from the source items: all of them in a few pages for a full
read, or the page's SKUs in one request.

Writing checks first: ``POST /products`` with a SKU that exists updates that
product rather than failing, so a lost answer can never duplicate a product
but a blind create could overwrite one the target's staff edited. A product
whose SKU is taken is reported as a duplicate (the engine adopts it) and never
written. A configurable product is written as its children first (in the
parent's attribute set, each with a value for every configurable attribute),
then the parent linking them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import attrs

from ..._exceptions import (
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    InvalidEntity,
    WriteOutcomeUnknown,
)
from ...models import Product, ProductStatus, ProductType, StockStatus, Variant, WeightUnit
from .._base import Created, WriteNote
from .._records import positive_int_id, tracked
from .._rest import chunked
from ._api import PAGE_SIZE, Filter
from ._attributes import Attribute
from ._categories import custom_attribute
from ._grouped import children_of, links_for
from ._partial_types import not_read
from ._product_payload import product_from_raw, product_payload, slugify, variant_from_raw
from ._resource import Context, Resource
from ._stock import SOLD_OUT_UNTRACKED, Level, Stock, magento_quantity
from ._units import WeightUnits

__all__ = ["ProductResource"]

#: Attributes a store view can hold a value of its own of, which a global
#: save does not change there (store-view scope in Magento's catalog).
_STORE_VIEW_SCOPED = frozenset({"description", "meta_title", "meta_description"})


def _text_of(value: Any) -> str:
    return "" if value is None else str(value)


_WRITABLE = frozenset(
    {
        "name",
        "description",
        "price",
        "compare_at_price",
        "quantity",
        "stock_status",
        "status",
        "category_ids",
        "manufacturer_id",
        "slug",
        "meta_title",
        "meta_description",
        "weight",
        "weight_unit",
        "grouped_product_ids",
    }
)
_VARIANT_WRITABLE = frozenset({"price", "compare_at_price", "quantity", "stock_status"})
_STOCK = frozenset({"quantity", "stock_status"})


def _sku_path(sku: str) -> str:
    return f"products/{quote(sku, safe='')}"


@attrs.define
class _ReadState:
    """Kept by one full read from page to page."""

    levels: dict[str, Level] | None
    children: dict[str, Mapping[str, Any]] = attrs.field(factory=dict)


@attrs.define
class _Page:
    """What one page of products needs beside it."""

    children: dict[str, Mapping[str, Any]]
    levels: dict[str, Level]
    roots: frozenset[str]
    #: the store's weight unit, asked here (not per record) when the page has weights
    weight_unit: WeightUnit | None = None
    #: each grouped product's children, by id
    grouped: dict[str, tuple[str, ...]] = attrs.field(factory=dict)


class ProductResource(Resource[Product]):
    kind = Product
    list_path = "products"
    # A stock change moves no updated_at: an incremental read would miss it.
    incremental = False

    def __init__(
        self,
        ctx: Context,
        *,
        stock: Stock,
        units: WeightUnits,
        attribute_set: str | None,
        website: str | None,
    ) -> None:
        super().__init__(ctx)
        self.stock = stock
        self.units = units
        self._attribute_set = attribute_set
        self._website = website
        self._roots: frozenset[str] | None = None

    # -- store facts ----------------------------------------------------------
    def roots(self) -> frozenset[str]:
        """Root categories (levels 0 and 1): not categories of the models."""
        if self._roots is None:
            items, _ = self.api.page("categories/list", [Filter("level", "1", "lteq")], size=50)
            self._roots = frozenset(str(raw["id"]) for raw in items)
        return self._roots

    def website(self) -> int:
        if self._website is None:
            code = self.api.store_code or "default"
            views = self.api.get("store/storeViews")
            found = [v for v in views if v.get("code") == code] or [
                v for v in views if int(v.get("id") or 0) > 0
            ]
            self._website = str(found[0].get("website_id")) if found else "1"
        return int(self._website)

    def attribute_set(self) -> str:
        if self._attribute_set is None:
            self._attribute_set = "4"  # Magento's "Default" product attribute set
        return self._attribute_set

    def child_index(self) -> dict[str, str]:
        """child product id -> its configurable parent's id."""
        index: dict[str, str] = {}
        fields = "items[id,extension_attributes[configurable_product_links]],total_count"
        for page in self.api.search(
            self.list_path, [Filter("type_id", "configurable")], fields=fields
        ):
            for raw in page:
                # A malformed record is skipped here and reported when it is read.
                extension = raw.get("extension_attributes") if isinstance(raw, Mapping) else None
                if not isinstance(extension, Mapping) or not positive_int_id(raw.get("id")):
                    continue
                links = extension.get("configurable_product_links")
                for child in links if isinstance(links, list) else ():
                    index.setdefault(str(child), str(raw["id"]))
        return index

    # -- reading ----------------------------------------------------------------
    def read(self, since: dt.datetime | None) -> Iterator[Product]:
        index = self.child_index()
        state = _ReadState(levels=self.stock.everything() if self.stock.msi else None)
        for raws in self.pages(None):
            tops = []
            for raw in raws:
                if isinstance(raw, Mapping) and str(raw.get("id")) in index:
                    state.children[str(raw["id"])] = raw
                else:
                    tops.append(raw)
            yield from self.convert_all(tops, state)

    def count(self) -> int | None:
        return self.api.total(self.list_path) - len(self.child_index())

    def context_for(self, raws: Sequence[Mapping[str, Any]], state: _ReadState | None) -> _Page:
        links = [
            str(child)
            for raw in raws
            for child in (raw.get("extension_attributes") or {}).get("configurable_product_links")
            or ()
        ]
        seen = state.children if state is not None else {}
        children = {c: seen.pop(c) for c in links if c in seen}
        missing = [c for c in links if c not in children]
        for raw in self.raw_by_ids(missing) if missing else ():
            children[str(raw["id"])] = raw
        skus = [str(r.get("sku")) for r in [*raws, *children.values()]]
        if state is not None and state.levels is not None:
            levels = {s: state.levels[s] for s in skus if s in state.levels}
        else:
            levels = self.stock.for_skus(skus)
        stocked = [
            str(r.get("sku"))
            for r in [*raws, *children.values()]
            if r.get("type_id") not in ("configurable", "grouped", "bundle")
        ]
        levels.update(self.stock.unmanaged(stocked, levels))
        weighed = any(raw.get("weight") not in (None, "") for raw in raws)
        return _Page(
            children=children,
            levels=levels,
            roots=self.roots(),
            weight_unit=self.units.unit() if weighed else None,
            grouped=children_of(self.api, raws),
        )

    def _options_of(self, raw: Mapping[str, Any]) -> list[tuple[str, Attribute | None]]:
        options = (raw.get("extension_attributes") or {}).get("configurable_product_options")
        ordered = sorted(options or (), key=lambda o: o.get("position") or 0)
        return [
            (
                str(o.get("label") or ""),
                self.ctx.attributes.by_id(str(o.get("attribute_id"))),
            )
            for o in ordered
        ]

    def to_model(self, raw: Mapping[str, Any], context: _Page) -> Product:
        variants: list[Variant] = []
        if raw.get("type_id") == "configurable":
            options = self._options_of(raw)
            links = (raw.get("extension_attributes") or {}).get("configurable_product_links")
            for child_id in links or ():
                child = context.children.get(str(child_id))
                if child is None:
                    continue  # deleted between the two requests
                # Read apart from the product: a bad value is named "variants[<id>].price".
                child = tracked(child, f"variants[{child_id}]")
                values: dict[str, str] = {}
                for label, attribute in options:
                    if attribute is None:
                        continue
                    option = custom_attribute(child, attribute.code)
                    text = self.ctx.attributes.option_label(attribute, str(option))
                    if text is None and option not in (None, ""):
                        self.ctx.attributes.refresh(attribute)
                        text = self.ctx.attributes.option_label(attribute, str(option))
                    if text is not None:
                        values[label or attribute.label] = text
                    elif option not in (None, ""):
                        self.ctx.report_not_read(
                            Product,
                            str(raw["id"]),
                            f"variants[{child_id}].options.{label or attribute.label}",
                            f"the option value {option!r} of attribute {attribute.code!r}"
                            " has no label on the store: the variant is read without it",
                        )
                level = context.levels.get(str(child.get("sku")))
                variants.append(variant_from_raw(child, level, values))
                self._other_sources(raw, f"variants[{child_id}].quantity", level)
        for field, why in not_read(raw):
            self.ctx.report_not_read(Product, str(raw["id"]), field, why)
        level = context.levels.get(str(raw.get("sku")))
        self._other_sources(raw, "quantity", level)
        return product_from_raw(
            raw,
            level=level,
            variants=variants,
            roots=context.roots,
            media_url=f"{self.api.base}/media/catalog/product",
            weight_unit=context.weight_unit,
            grouped=context.grouped.get(str(raw.get("id")), ()),
        )

    def _other_sources(self, raw: Mapping[str, Any], field: str, level: Level | None) -> None:
        """Say what MSI sources other than the default hold of a SKU: the
        models keep one quantity, the default source's."""
        if level is None or not level.elsewhere:
            return
        held = ", ".join(f"{code} {quantity}" for code, quantity in level.elsewhere)
        self.ctx.report_not_read(
            Product,
            str(raw["id"]),
            field,
            f"stock at Magento sources other than 'default' is not read (the models hold"
            f" one quantity, the default source's): {held}",
        )

    def raw_by_sku(self, sku: str) -> Mapping[str, Any] | None:
        try:
            raw = self.api.get(_sku_path(sku))
        except EntityNotFound:
            return None
        return raw if isinstance(raw, Mapping) else None

    def find(self, natural_key: str) -> Product | None:
        raw = self.raw_by_sku(natural_key.strip()) if natural_key.strip() else None
        if raw is None:
            return None
        return self.get_many([str(raw["id"])]).get(str(raw["id"]))

    def derived(self, entity: Product) -> frozenset[str]:
        # A configurable product's price and stock are its children's; a
        # grouped product has neither (each child is bought on its own).
        if entity.variants or entity.product_type is ProductType.GROUPED:
            return frozenset({"price", "compare_at_price", "quantity", "stock_status"})
        return frozenset()

    def notes(self) -> tuple[str, ...]:
        return (
            "a product is written to the store's website and its Default attribute set;"
            " a configurable product to an attribute set holding all its option attributes",
            "a manufacturer is written only where the product's attribute set holds the"
            " 'manufacturer' attribute (Magento ignores values of attributes outside the set)",
            "a backorder stock status is written as in stock (backorders are a stock"
            " setting in Magento), and an archived product as disabled",
            "a product or variant that does not track stock and is out of stock is"
            " written tracking stock at quantity 0, out of stock (Magento keeps one that"
            " does not manage stock in stock)",
        )

    # -- writing ----------------------------------------------------------------
    def _check_free(self, sku: str, what: str) -> None:
        raw = self.raw_by_sku(sku)
        if raw is not None:
            raise DuplicateEntity(
                f"magento: a product with SKU {sku!r} exists ({what} {raw['id']});"
                " not written, since POST /products would overwrite it",
                existing_id=str(raw["id"]),
                entity="product",
                field="sku",
            )

    def _stock_item(self, quantity: int | None, status: StockStatus) -> dict[str, Any]:
        if magento_quantity(quantity, status) != quantity:  # tracked at 0, explicitly
            return {
                "qty": 0,
                "is_in_stock": False,
                "manage_stock": True,
                "use_config_manage_stock": False,
            }
        if quantity is None:
            return {
                "manage_stock": False,
                "use_config_manage_stock": False,
                "is_in_stock": status is not StockStatus.OUT_OF_STOCK,
            }
        return {"qty": quantity, "is_in_stock": status is not StockStatus.OUT_OF_STOCK}

    def _extension(self, product: Product) -> dict[str, Any]:
        return {
            "website_ids": [self.website()],
            "category_links": [
                {"position": position, "category_id": category}
                for position, category in enumerate(product.category_ids)
            ],
        }

    def _manufacturer(self, product: Product, attribute_set: str) -> list[dict[str, Any]]:
        if "manufacturer" not in self.ctx.attributes.set_codes(attribute_set):
            return []
        return [{"attribute_code": "manufacturer", "value": product.manufacturer_id or ""}]

    def _post(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        try:
            answer = self.api.send("POST", "products", {"product": body}, admin=True)
        except WriteOutcomeUnknown:
            # It may be in: look it up by SKU rather than leave it to chance.
            found = self.raw_by_sku(str(body["sku"]))
            if found is None:
                raise
            answer = found
        if not isinstance(answer, Mapping) or "id" not in answer:
            raise EntityRejected("magento: POST /products answered without an id")
        return answer

    def create(self, entity: Product) -> Created:
        if not entity.sku:
            raise EntityRejected("magento: a product needs a SKU", entity="product", field="sku")
        self._check_free(entity.sku, "product")
        if entity.variants:
            return self._create_configurable(entity)
        # A grouped product has no price or stock of its own: Magento shows each child's.
        grouped = entity.product_type is ProductType.GROUPED
        plain, attributes = product_payload(
            entity, fields=None, name=entity.name, slug=self._slug(entity), **self._unit(entity)
        )
        if grouped:
            plain.pop("price", None)
            attributes = [a for a in attributes if a["attribute_code"] != "special_price"]
        attribute_set = self.attribute_set()
        stock = (
            {"is_in_stock": True}
            if grouped
            else self._stock_item(entity.quantity, entity.stock_status)
        )
        body = {
            "sku": entity.sku,
            "attribute_set_id": int(attribute_set),
            "type_id": "grouped" if grouped else "simple",
            "visibility": 4,
            **plain,
            "extension_attributes": {**self._extension(entity), "stock_item": stock},
            "custom_attributes": attributes + self._manufacturer(entity, attribute_set),
        }
        if grouped:
            body["product_links"] = links_for(entity, self.raw_by_ids)
        notes: tuple[WriteNote, ...] = ()
        if (
            not grouped
            and magento_quantity(entity.quantity, entity.stock_status) != entity.quantity
        ):
            notes = (WriteNote(field="quantity", message=SOLD_OUT_UNTRACKED),)
        created = str(self._post(body)["id"])
        if not grouped:
            self._sold_out_source_item(entity)
        return Created(id=created, notes=notes)

    def _unit(self, product: Product) -> dict[str, WeightUnit | None]:
        """The store's weight unit for ``product_payload``, asked only for a weight."""
        return {"weight_unit": self.units.unit() if product.weight is not None else None}

    @staticmethod
    def _slug(product: Product) -> str:
        return product.slug or f"{slugify(product.name)}-{slugify(product.sku or '')}"

    def _create_configurable(self, product: Product) -> Created:
        names: list[str] = []
        for variant in product.variants:
            for name in variant.options:
                if name not in names:
                    names.append(name)
        attributes: list[Attribute] = []
        for name in names:
            attribute = self.ctx.attributes.by_label(name)
            if attribute is None:
                raise EntityRejected(
                    f"magento: no select attribute {name!r} for the options of {product.sku!r};"
                    " create it (and add it to an attribute set) in the admin",
                    entity="product",
                    field="variants.options",
                )
            attributes.append(attribute)
        codes = frozenset(a.code for a in attributes)
        attribute_set = self.ctx.attributes.set_with(codes, preferred=self.attribute_set())
        if attribute_set is None:
            raise EntityRejected(
                f"magento: no attribute set holds all of {sorted(codes)}; add them to one in"
                " the admin (then clean the EAV cache)",
                entity="product",
                field="variants.options",
            )
        child_ids: list[str] = []
        values: dict[str, list[str]] = {a.id: [] for a in attributes}
        for variant in product.variants:
            option_values = []
            for name, attribute in zip(names, attributes, strict=True):
                label = variant.options.get(name)
                if label is None:
                    raise EntityRejected(
                        f"magento: variant {variant.sku!r} has no {name!r}; every child of a"
                        " configurable product needs a value for each option",
                        entity="product",
                        field="variants.options",
                    )
                option = self.ctx.attributes.option_id(attribute, label, create=True)
                option_values.append({"attribute_code": attribute.code, "value": option})
                if option not in values[attribute.id]:
                    values[attribute.id].append(option)
            child_ids.append(self._create_child(product, variant, attribute_set, option_values))
        plain, extra_attributes = product_payload(
            product, fields=None, name=product.name, slug=self._slug(product), **self._unit(product)
        )
        plain.pop("price", None)
        body = {
            "sku": product.sku,
            "attribute_set_id": int(attribute_set),
            "type_id": "configurable",
            "visibility": 4,
            "price": 0,
            **plain,
            "extension_attributes": {
                **self._extension(product),
                "stock_item": {"is_in_stock": True},
                "configurable_product_options": [
                    {
                        "attribute_id": attribute.id,
                        "label": name,
                        "position": position,
                        "values": [{"value_index": int(v)} for v in values[attribute.id]],
                    }
                    for position, (name, attribute) in enumerate(
                        zip(names, attributes, strict=True)
                    )
                ],
                "configurable_product_links": [int(c) for c in child_ids],
            },
            "custom_attributes": [
                a for a in extra_attributes if a["attribute_code"] != "special_price"
            ]
            + self._manufacturer(product, attribute_set),
        }
        sold_out = [
            str(v.sku)
            for v in product.variants
            if magento_quantity(v.quantity, v.stock_status) != v.quantity
        ]
        notes = (
            (
                WriteNote(
                    field="variants.quantity",
                    message=f"{', '.join(sold_out)}: {SOLD_OUT_UNTRACKED}",
                ),
            )
            if sold_out
            else ()
        )
        return Created(id=str(self._post(body)["id"]), variant_ids=child_ids, notes=notes)

    def _create_child(
        self,
        product: Product,
        variant: Variant,
        attribute_set: str,
        option_values: list[dict[str, Any]],
    ) -> str:
        if not variant.sku:
            raise EntityRejected(
                "magento: every variant needs a SKU", entity="product", field="variants.sku"
            )
        existing = self.raw_by_sku(variant.sku)
        if existing is not None:
            # Left by an earlier attempt whose parent was not created: reuse it
            # when it is what this attempt would write, never anything else.
            same_set = str(existing.get("attribute_set_id")) == attribute_set
            same_values = all(
                str(custom_attribute(existing, o["attribute_code"])) == str(o["value"])
                for o in option_values
            )
            if existing.get("type_id") == "simple" and same_set and same_values:
                return str(existing["id"])
            raise DuplicateEntity(
                f"magento: variant SKU {variant.sku!r} is taken by product {existing['id']}",
                entity="product",
                field="variants.sku",
            )
        plain, attributes = product_payload(variant, fields=None, name="", slug=None)
        name = f"{product.name} {' '.join(variant.options.values())}".strip()
        body = {
            "sku": variant.sku,
            "name": name,
            "attribute_set_id": int(attribute_set),
            "type_id": "simple",
            "visibility": 1,
            "status": 1 if product.status is ProductStatus.ACTIVE else 2,
            **plain,
            "extension_attributes": {
                "website_ids": [self.website()],
                "stock_item": self._stock_item(variant.quantity, variant.stock_status),
            },
            "custom_attributes": [
                *attributes,
                *option_values,
                {
                    "attribute_code": "url_key",
                    "value": f"{slugify(product.name)}-{slugify(variant.sku)}",
                },
            ],
        }
        created = str(self._post(body)["id"])
        self._sold_out_source_item(variant)
        return created

    def _sold_out_source_item(self, entity: Product | Variant) -> None:
        """Out of stock on the source, out of stock on Magento: a product save
        does not take ``is_in_stock`` into the MSI source item (observed on
        2.4.7: the item it makes is in stock, or, where the save sets
        ``manage_stock``, there is none), so the item is written after it."""
        if entity.stock_status is not StockStatus.OUT_OF_STOCK or not self.stock.msi:
            return
        quantity = magento_quantity(entity.quantity, entity.stock_status)
        self.stock.write({str(entity.sku): Level(quantity, False)})

    def _raw(self, id: str) -> Mapping[str, Any]:
        found = self.raw_by_ids([id])
        if not found:
            raise EntityNotFound(f"magento: no product {id}", entity="product", status_code=404)
        raw: Mapping[str, Any] = found[0]
        return raw

    def update(self, id: str, changes: Mapping[str, Any], *, parent_id: str | None) -> None:
        current = self.current(id)
        updated = self.evolve(current, changes, _WRITABLE)
        fields = frozenset(changes)
        if updated.variants and fields & _STOCK:
            raise EntityRejected(
                "magento: a configurable product's stock is its children's",
                entity="product",
                field=sorted(fields & _STOCK)[0],
            )
        if fields & _STOCK:
            self._write_stock(str(updated.sku), current.quantity, updated)
        rest = fields - _STOCK
        if not rest:
            return
        plain, attributes = product_payload(
            updated, fields=rest, name=updated.name, slug=updated.slug, **self._unit(updated)
        )
        if updated.variants:
            plain.pop("price", None)
            attributes = [a for a in attributes if a["attribute_code"] != "special_price"]
        body: dict[str, Any] = {"sku": updated.sku, **plain}
        if "manufacturer_id" in rest:
            attribute_set = str(current.extra.get("attribute_set_id") or self.attribute_set())
            attributes += self._manufacturer(updated, attribute_set)
        if attributes:
            body["custom_attributes"] = attributes
        if "category_ids" in rest:
            body["extension_attributes"] = {
                "category_links": self._extension(updated)["category_links"]
            }
        if "grouped_product_ids" in rest:  # all of them: a save replaces the links
            if current.product_type is not ProductType.GROUPED:
                raise EntityRejected(
                    f"magento: product {current.sku!r} is not a grouped product on the store;"
                    " its type cannot be changed, so it holds no children",
                    entity="product",
                    field="grouped_product_ids",
                )
            body["product_links"] = links_for(updated, self.raw_by_ids)
        self.api.send("PUT", _sku_path(str(current.sku)), {"product": body}, admin=True)
        self._through_store_view(body)
        if "category_ids" in rest and updated.category_ids:
            self._unlink_categories(current, updated)

    def _through_store_view(self, body: Mapping[str, Any]) -> None:
        """Write again, in the store view, the values it holds its own of.

        A global save leaves a store view's own values (a name translated or
        edited there): the store view, which the shop shows and this cart
        reads, keeps saying the old one (observed on 2.4.7), and the update
        would be written again on every call. So after a save of such
        values, the store view is read once; those it still says otherwise
        are saved in the store view too. A value it does not hold of its own
        reads as the global one, so none is made its own.
        """
        sent = {"name": body["name"]} if "name" in body else {}
        sent.update(
            {
                str(a["attribute_code"]): a.get("value")
                for a in body.get("custom_attributes") or ()
                if a.get("attribute_code") in _STORE_VIEW_SCOPED
            }
        )
        if not sent:
            return
        shown = self.api.get(_sku_path(str(body["sku"])))
        own = {
            key: value
            for key, value in sent.items()
            if _text_of(shown.get("name") if key == "name" else custom_attribute(shown, key))
            != _text_of(value)
        }
        if not own:
            return
        again: dict[str, Any] = {"sku": body["sku"]}
        if "name" in own:
            again["name"] = own.pop("name")
        if own:
            again["custom_attributes"] = [
                {"attribute_code": code, "value": value} for code, value in own.items()
            ]
        self.api.send("PUT", _sku_path(str(body["sku"])), {"product": again})

    def _unlink_categories(self, current: Product, updated: Product) -> None:
        """Take ``current`` out of the categories ``updated`` left.

        A save's ``category_links`` are merged into the product's (Magento's
        ``Category\\Link\\SaveHandler``; magento/magento2#25646): a category
        is added, never removed, with a 200 either way, except by an empty
        list, which removes all. So each category left is unlinked by its
        own route; one already unlinked (a retried call) answers 400.
        """
        kept = set(updated.category_ids)
        for category in sorted(set(current.category_ids) - kept):
            if not category.isdigit():
                continue
            path = f"categories/{category}/products/{quote(str(current.sku), safe='')}"
            try:
                self.api.send("DELETE", path, admin=True)
            except EntityNotFound:
                continue  # the category is gone, and the link with it
            except EntityRejected as error:
                if "doesn't contain the specified product" not in str(error):
                    raise

    def update_variant(self, id: str, changes: Mapping[str, Any]) -> None:
        for field in changes:
            if field not in _VARIANT_WRITABLE:
                raise EntityRejected(
                    f"magento: variant.{field} cannot be changed (it is the child's identity)",
                    entity="variant",
                    field=field,
                )
        raw = self._raw(id)
        sku = str(raw.get("sku"))
        levels = self.stock.for_skus([sku])
        levels.update(self.stock.unmanaged([sku], levels))
        variant = variant_from_raw(raw, levels.get(sku), {})
        updated = self.evolve_variant(variant, changes)
        if set(changes) & _STOCK:
            self._write_stock(sku, variant.quantity, updated)
        if {"price", "compare_at_price"} & set(changes):
            plain, attributes = product_payload(
                updated, fields=frozenset(changes), name="", slug=None
            )
            body = {"sku": sku, **plain, "custom_attributes": attributes}
            self.api.send("PUT", _sku_path(sku), {"product": body}, admin=True)

    def _write_stock(self, sku: str, before: int | None, after: Product | Variant) -> None:
        """Write ``after``'s stock, and its stock management where it turns
        tracked or untracked (``quantity`` None) (``Stock.write``)."""
        quantity = magento_quantity(after.quantity, after.stock_status)
        tracked = quantity is not None
        changes = (before is not None) != tracked
        self.stock.write(
            {sku: Level(quantity, after.stock_status is not StockStatus.OUT_OF_STOCK)},
            managing={sku: tracked} if changes else None,
        )

    @staticmethod
    def evolve_variant(variant: Variant, changes: Mapping[str, Any]) -> Variant:
        try:
            return attrs.evolve(variant, **dict(changes))
        except InvalidEntity as error:
            raise EntityRejected(str(error), entity="variant", field=error.field) from error

    def delete(self, id: str) -> None:
        if not id.isdigit():
            raise EntityNotFound(f"magento: no product {id}", entity="product", status_code=404)
        raw = self._raw(id)
        links = (raw.get("extension_attributes") or {}).get("configurable_product_links") or ()
        self.api.send("DELETE", _sku_path(str(raw.get("sku"))), admin=True)
        for chunk in chunked([str(c) for c in links], PAGE_SIZE):
            for child in self.raw_by_ids(chunk):
                with contextlib.suppress(EntityNotFound):
                    self.api.send("DELETE", _sku_path(str(child.get("sku"))), admin=True)
