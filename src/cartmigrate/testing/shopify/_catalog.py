"""The simulated shop's catalogue: collections, products, variants and stock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._records import StoreBase, UserError, _handleize, _money, parse_gid

__all__ = ["CatalogStore"]


class CatalogStore(StoreBase):
    """Collections, products and their variants, and inventory levels."""

    # -- collections --------------------------------------------------------
    def _unique_handle(
        self,
        table: Mapping[int, Mapping[str, Any]],
        wanted: str | None,
        title: str,
        own: int | None,
    ) -> str:
        taken = {r["handle"] for i, r in table.items() if i != own}
        if wanted:
            if wanted in taken:
                raise UserError(["handle"], f"Handle '{wanted}' has already been taken")
            return wanted
        base = _handleize(title)
        handle, n = base, 1
        while handle in taken:
            handle, n = f"{base}-{n}", n + 1
        return handle

    def collection_create(self, data: Mapping[str, Any]) -> int:
        title = (data.get("title") or "").strip()
        if not title:
            raise UserError(["title"], "Title can't be blank")
        handle = self._unique_handle(self.collections, data.get("handle"), title, None)
        record: dict[str, Any] = {"title": title, "handle": handle, "products": set()}
        self.set_metafields(record, data.get("metafields"), [], owner="COLLECTION")
        record["descriptionHtml"] = data.get("descriptionHtml") or ""
        number = self.new_id()
        record["id"] = number
        for product in data.get("products") or ():
            self._product_for(product, ["products"])
            record["products"].add(parse_gid(product, "Product"))
        self.stamp(record, created=True)
        self.collections[number] = record
        self.remember("COLLECTION", number)
        return number

    def collection_update(self, data: Mapping[str, Any]) -> int:
        number = parse_gid(data.get("id"), "Collection")
        record = self.collections.get(number or -1)
        if number is None or record is None:
            raise UserError(["id"], "Collection does not exist")
        changes: dict[str, Any] = {}
        if "title" in data:
            if not (data.get("title") or "").strip():
                raise UserError(["title"], "Title can't be blank")
            changes["title"] = data["title"]
        if "handle" in data:
            changes["handle"] = self._unique_handle(
                self.collections, data.get("handle"), record["title"], number
            )
        if "descriptionHtml" in data:
            changes["descriptionHtml"] = data.get("descriptionHtml") or ""
        self.set_metafields(record, data.get("metafields"), [], owner="COLLECTION", own=number)
        record.update(changes)
        self.stamp(record)
        self.remember("COLLECTION", number)
        return number

    def collection_add_products(self, collection: Any, products: Sequence[Any]) -> int:
        number = parse_gid(collection, "Collection")
        record = self.collections.get(number or -1)
        if number is None or record is None:
            raise UserError(["id"], "Collection does not exist")
        ids = [self._product_for(p, ["productIds"]) for p in products]
        record["products"].update(ids)
        self.stamp(record)
        return number

    # -- products -----------------------------------------------------------
    def _product_for(self, value: Any, field: list[str]) -> int:
        number = parse_gid(value, "Product")
        if number is None or number not in self.products:
            raise UserError(field, "Product does not exist")
        return number

    def _collections_for(self, values: Sequence[Any], field: list[str]) -> set[int]:
        found: set[int] = set()
        for position, value in enumerate(values):
            number = parse_gid(value, "Collection")
            if number is None or number not in self.collections:
                raise UserError([*field, str(position)], "Collection does not exist")
            found.add(number)
        return found

    def product_set(
        self, data: Mapping[str, Any], identifier: Mapping[str, Any] | None = None
    ) -> int:
        """``productSet``: create, or make an existing product look exactly like the input.

        ``identifier`` (2026-01) names the product to update: by ``id``, by
        ``handle``, or by ``customId``, an upsert: the product holding that
        unique metafield value is updated, or one is created holding it.
        """
        own = parse_gid(data.get("id"), "Product") if data.get("id") else None
        if data.get("id") and (own is None or own not in self.products):
            raise UserError(["input", "id"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")
        creates_with: dict[str, Any] | None = None
        if identifier:
            if identifier.get("id"):
                own = parse_gid(identifier["id"], "Product")
                if own is None or own not in self.products:
                    raise UserError(
                        ["identifier", "id"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST"
                    )
            elif identifier.get("customId"):
                custom = identifier["customId"]
                own = self.custom_id("PRODUCT", custom, ["identifier", "customId"])
                for given in data.get("metafields") or ():
                    if (given.get("namespace"), given.get("key")) == (
                        custom.get("namespace"),
                        custom.get("key"),
                    ) and given.get("value") != custom.get("value"):
                        raise UserError(
                            ["input", "metafields"],
                            "The metafield does not match the identifier",
                            "METAFIELD_MISMATCH",
                        )
                if own is None:
                    definition = self.definitions[
                        ("PRODUCT", custom.get("namespace") or "$app", custom["key"])
                    ]
                    creates_with = {
                        "namespace": definition["namespace"],
                        "key": definition["key"],
                        "value": custom["value"],
                        "type": definition["type"],
                    }
        current = self.products.get(own) if own is not None else None
        title = data.get("title", current["title"] if current else None)
        if not (title or "").strip():
            raise UserError(["input", "title"], "Title can't be blank", "BLANK")
        handle = self._unique_handle(
            self.products,
            data.get("handle", current["handle"] if current else None),
            title,
            own,
        )
        options = [
            {"name": o.get("name"), "values": [v.get("name") for v in o.get("values") or ()]}
            for o in data.get("productOptions") or ()
        ]
        if current is not None and "productOptions" not in data:
            options = current["options"]
        variants_in = data.get("variants")
        if variants_in is None:
            variants_in = [] if current is None else None
        if not options:
            options = [{"name": "Title", "values": ["Default Title"]}]
            if variants_in == []:
                variants_in = [{"optionValues": [{"optionName": "Title", "name": "Default Title"}]}]
        if len(options) > 3:
            raise UserError(["input", "productOptions"], "Can only specify a maximum of 3 options")
        collections = (
            self._collections_for(data["collections"], ["input", "collections"])
            if "collections" in data
            else None
        )
        planned: list[dict[str, Any]] = []
        if variants_in is not None:
            if len(variants_in) > 2048:
                raise UserError(["input", "variants"], "Too many variants")
            seen: set[tuple[str, ...]] = set()
            names = [o["name"] for o in options]
            for position, variant in enumerate(variants_in):
                where = ["input", "variants", str(position)]
                chosen = {v.get("optionName"): v.get("name") for v in variant["optionValues"]}
                if sorted(chosen) != sorted(names):
                    raise UserError(
                        [*where, "optionValues"],
                        "The variant option values must match the product options",
                        "INVALID_VARIANT",
                    )
                for option in options:
                    if chosen[option["name"]] not in option["values"]:
                        raise UserError(
                            [*where, "optionValues"],
                            f"Option value '{chosen[option['name']]}' does not exist",
                            "INVALID_VARIANT",
                        )
                combination = tuple(chosen[n] for n in names)
                if combination in seen:
                    raise UserError(
                        [*where, "optionValues"],
                        f"The variant '{' / '.join(combination)}' already exists.",
                        "VARIANT_ALREADY_EXISTS",
                    )
                seen.add(combination)
                plan: dict[str, Any] = {
                    "selectedOptions": [{"name": n, "value": chosen[n]} for n in names],
                    "price": _money(variant.get("price") or "0", [*where, "price"]),
                    "compareAtPrice": (
                        _money(variant["compareAtPrice"], [*where, "compareAtPrice"])
                        if variant.get("compareAtPrice") is not None
                        else None
                    ),
                    "sku": variant.get("sku") or None,
                    "inventoryPolicy": variant.get("inventoryPolicy") or "DENY",
                    "tracked": bool((variant.get("inventoryItem") or {}).get("tracked", False)),
                    "weight": _weight(variant, where),
                    "position": position + 1,
                    "levels": {},
                    "metafields": {},
                }
                self.set_metafields(plan, variant.get("metafields"), where)
                for level in variant.get("inventoryQuantities") or ():
                    location = parse_gid(level.get("locationId"), "Location")
                    if location not in self.locations:
                        raise UserError([*where, "inventoryQuantities"], "Location not found")
                    if level.get("name") not in ("available", "on_hand"):
                        raise UserError(
                            [*where, "inventoryQuantities", "name"],
                            "The quantity name must be either 'available' or 'on_hand'",
                        )
                    plan["levels"][location] = int(level["quantity"])
                if variant.get("id"):
                    existing = parse_gid(variant["id"], "ProductVariant")
                    if existing is None or self.variants.get(existing, {}).get("product") != own:
                        raise UserError([*where, "id"], "Variant does not exist on this product")
                    plan["id"] = existing
                planned.append(plan)
        files = data.get("files")
        for position, file in enumerate(files or ()):
            source = str(file.get("originalSource") or "")
            if not source.startswith(("http://", "https://")):
                raise UserError(["input", "files", str(position), "originalSource"], "Invalid URL")
        metafield_holder: dict[str, Any] = {"metafields": {}}
        given = [*(data.get("metafields") or ()), *([creates_with] if creates_with else [])]
        self.set_metafields(metafield_holder, given, ["input"], owner="PRODUCT", own=own)
        # Every check passed: apply.
        created = current is None
        number = own if own is not None else self.new_id()
        record: dict[str, Any] = (
            current if current is not None else {"id": number, "variants": [], "images": []}
        )
        record.update(
            title=title,
            handle=handle,
            options=options,
            descriptionHtml=data.get("descriptionHtml", record.get("descriptionHtml") or ""),
            vendor=data.get("vendor", record.get("vendor") or ""),
            status=data.get("status", record.get("status") or "ACTIVE"),
            tags=list(data.get("tags", record.get("tags") or [])),
            seo=data.get("seo", record.get("seo") or {}),
        )
        record.setdefault("metafields", {}).update(metafield_holder["metafields"])
        if files is not None:
            record["images"] = [str(f["originalSource"]) for f in files]
        if variants_in is not None:
            keep: list[int] = []
            for plan in planned:
                variant_id = plan.pop("id", None)
                if variant_id is None:
                    variant_id = self.new_id()
                    plan["inventoryItem"] = self.new_id()
                    plan["createdAt"] = self.now().isoformat()
                    self.variants[variant_id] = {"id": variant_id, "product": number, **plan}
                else:
                    levels = plan.pop("levels")
                    self.variants[variant_id].update(plan)
                    self.variants[variant_id]["levels"].update(levels)
                self.variants[variant_id]["updatedAt"] = self.now().isoformat()
                keep.append(variant_id)
            for old in record["variants"]:
                if old not in keep:
                    del self.variants[old]
            record["variants"] = keep
        self.stamp(record, created=created)
        self.products[number] = record
        self.remember("PRODUCT", number)
        if collections is not None:
            for cid, collection in self.collections.items():
                if cid in collections:
                    collection["products"].add(number)
                else:
                    collection["products"].discard(number)
        return number

    def product_update(self, data: Mapping[str, Any]) -> int:
        number = self._product_for(data.get("id"), ["id"])
        record = self.products[number]
        join = self._collections_for(data.get("collectionsToJoin") or [], ["collectionsToJoin"])
        leave = self._collections_for(data.get("collectionsToLeave") or [], ["collectionsToLeave"])
        if "title" in data and not (data.get("title") or "").strip():
            raise UserError(["title"], "Title can't be blank")
        handle = record["handle"]
        if "handle" in data:
            handle = self._unique_handle(self.products, data["handle"], record["title"], number)
        holder: dict[str, Any] = {"metafields": {}}
        self.set_metafields(holder, data.get("metafields"), [], owner="PRODUCT", own=number)
        for key in ("title", "descriptionHtml", "vendor", "status", "seo"):
            if key in data:
                record[key] = data[key] if data[key] is not None else ""
        if "tags" in data:
            record["tags"] = list(data["tags"] or [])
        record["handle"] = handle
        record["metafields"].update(holder["metafields"])
        for cid in join:
            self.collections[cid]["products"].add(number)
        for cid in leave:
            self.collections[cid]["products"].discard(number)
        self.stamp(record)
        self.remember("PRODUCT", number)
        return number

    def variants_bulk_update(self, product: Any, variants: Sequence[Mapping[str, Any]]) -> int:
        number = self._product_for(product, ["productId"])
        plans: list[tuple[int, dict[str, Any]]] = []
        for position, variant in enumerate(variants):
            where = ["variants", str(position)]
            variant_id = parse_gid(variant.get("id"), "ProductVariant")
            if variant_id is None or self.variants.get(variant_id, {}).get("product") != number:
                raise UserError([*where, "id"], "Product variant does not exist")
            changes: dict[str, Any] = {}
            if "price" in variant:
                changes["price"] = _money(variant["price"], [*where, "price"])
            if "compareAtPrice" in variant:
                value = variant["compareAtPrice"]
                changes["compareAtPrice"] = (
                    None if value is None else _money(value, [*where, "compareAtPrice"])
                )
            if "inventoryPolicy" in variant:
                changes["inventoryPolicy"] = variant["inventoryPolicy"]
            item = variant.get("inventoryItem") or {}
            if "sku" in item:
                changes["sku"] = item["sku"] or None
            if "tracked" in item:
                changes["tracked"] = bool(item["tracked"])
            if "measurement" in item:
                changes["weight"] = _weight(variant, where)
            plans.append((variant_id, changes))
        for variant_id, changes in plans:
            self.variants[variant_id].update(changes)
            self.variants[variant_id]["updatedAt"] = self.now().isoformat()
        self.stamp(self.products[number])
        return number

    def product_delete(self, value: Any) -> int:
        number = self._product_for(value, ["id"])
        for variant_id in self.products[number]["variants"]:
            self.variants.pop(variant_id, None)
        del self.products[number]
        for collection in self.collections.values():
            collection["products"].discard(number)
        return number

    def variant_by_item(self, item: Any) -> dict[str, Any] | None:
        number = parse_gid(item, "InventoryItem")
        for variant in self.variants.values():
            if variant["inventoryItem"] == number:
                return variant
        return None

    def set_quantities(self, data: Mapping[str, Any]) -> None:
        """``inventorySetQuantities``, compare-and-set.

        2026-01: ``changeFromQuantity`` (an int) must equal the persisted
        quantity (``CHANGE_FROM_QUANTITY_STALE`` otherwise); an explicit null
        opts out. The deprecated ``compareQuantity`` / ``ignoreCompareQuantity``
        still work there, and are gone from 2026-04 (the simulator refuses them
        before this runs), where ``changeFromQuantity`` must be given, as a
        number or as null, in every quantity.
        """
        if data.get("name") not in ("available", "on_hand"):
            raise UserError(
                ["input", "name"], "The quantity name must be either 'available' or 'on_hand'"
            )
        if not data.get("reason"):
            raise UserError(["input", "reason"], "Reason can't be blank")
        plans: list[tuple[dict[str, Any], int, int]] = []
        for position, quantity in enumerate(data.get("quantities") or ()):
            where = ["input", "quantities", str(position)]
            variant = self.variant_by_item(quantity.get("inventoryItemId"))
            if variant is None:
                raise UserError(
                    [*where, "inventoryItemId"], "The specified inventory item could not be found."
                )
            location = parse_gid(quantity.get("locationId"), "Location")
            if location not in self.locations:
                raise UserError(
                    [*where, "locationId"], "The specified location could not be found."
                )
            assert location is not None
            persisted = variant["levels"].get(location, 0)
            if "changeFromQuantity" in quantity:
                expected = quantity["changeFromQuantity"]
                if expected is not None and persisted != expected:
                    raise UserError(
                        [*where, "changeFromQuantity"],
                        "The specified compare quantity does not match the current quantity.",
                        "CHANGE_FROM_QUANTITY_STALE",
                    )
                plans.append((variant, location, int(quantity["quantity"])))
                continue
            if self.version >= "2026-04":
                raise UserError(
                    [*where, "changeFromQuantity"],
                    "changeFromQuantity is required: the quantity expected before the change,"
                    " or null to opt out of the check",
                    "COMPARE_QUANTITY_REQUIRED",
                )
            compare = quantity.get("compareQuantity")
            if (
                not data.get("ignoreCompareQuantity")
                and compare is not None
                and variant["levels"].get(location, 0) != compare
            ):
                raise UserError(
                    [*where, "compareQuantity"],
                    "The compareQuantity argument no longer matches the persisted quantity.",
                    "COMPARE_QUANTITY_STALE",
                )
            plans.append((variant, location, int(quantity["quantity"])))
        for variant, location, amount in plans:
            variant["levels"][location] = amount
            variant["updatedAt"] = self.now().isoformat()
            self.stamp(self.products[variant["product"]])


def _weight(variant: Mapping[str, Any], where: list[str]) -> dict[str, Any]:
    """``inventoryItem.measurement.weight`` as Shopify keeps it: a variant never
    weighed weighs 0 kilograms; a negative weight is refused."""
    given = (((variant.get("inventoryItem") or {}).get("measurement")) or {}).get("weight")
    if not given:
        return {"value": 0.0, "unit": "KILOGRAMS"}
    value = float(given["value"])
    if value < 0:
        raise UserError(
            [*where, "inventoryItem", "measurement", "weight", "value"],
            "Weight must be greater than or equal to 0",
        )
    return {"value": value, "unit": str(given["unit"])}
