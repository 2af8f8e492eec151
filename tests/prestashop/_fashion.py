"""PrestaShop's fashion demo fixtures (the installer's XML) as webservice rows.

The installer's files name entities by symbols (``Hummingbird_printed_t-shirt``,
``product_attribute_46``) and keep multilingual text in ``langs/en/data``;
the shop numbers entities in file order. This turns them into the rows the
webservice lists, so the simulator can serve them and the connector read
them: a second check of the read side, on data nobody here wrote. The files
stay in ``../shared`` (OSL-3.0): they are read from there, never copied.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

Row = dict[str, Any]


class Fixtures:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._ids: dict[str, dict[str, int]] = {}

    def entities(self, name: str, *, start: int = 1) -> list[Row]:
        """Rows of ``data/<name>.xml``, with their ``langs/en`` text merged in."""
        tree = ET.parse(self.root / "data" / f"{name}.xml")
        rows: list[Row] = []
        for node in tree.getroot().iterfind("entities/*"):
            row: Row = dict(node.attrib)
            for child in node:
                row[child.tag] = child.text or ""
            rows.append(row)
        lang = self.root / "langs" / "en" / "data" / f"{name}.xml"
        if lang.is_file():
            texts = {
                node.get("id"): {child.tag: child.text or "" for child in node}
                for node in ET.parse(lang).getroot()
            }
            for row in rows:
                row.update(texts.get(row["id"], {}))
        self._ids[name] = {row["id"]: i for i, row in enumerate(rows, start=start)}
        return rows

    def ref(self, name: str, value: str, extra: dict[str, int] | None = None) -> str:
        """A symbol of entity ``name`` as the shop's id ("0" for none)."""
        if not value:
            return "0"
        if value.isdigit():
            return value
        found = (extra or {}).get(value, self._ids.get(name, {}).get(value))
        return str(found) if found is not None else "0"


def load_rows(root: Path, countries: dict[str, int]) -> dict[str, list[Row]]:
    """The fixtures' catalogue, customers and orders, as webservice rows per resource."""
    fx = Fixtures(root)
    frame = {"Root": 1, "Home": 2}
    categories = [
        {"id": 1, "id_parent": "0", "name": "Root", "link_rewrite": "root", "active": "1"},
        {
            "id": 2,
            "id_parent": "1",
            "name": "Home",
            "link_rewrite": "home",
            "active": "1",
            "is_root_category": "1",
        },
    ]
    for i, row in enumerate(fx.entities("category", start=3), start=3):
        categories.append(
            {
                "id": i,
                "id_parent": fx.ref("category", row["id_parent"], frame),
                "active": row.get("active", "1"),
                "name": row.get("name", row["id"]),
                "link_rewrite": row.get("link_rewrite", ""),
                "description": row.get("description", ""),
            }
        )
    manufacturers = [
        {"id": i, "name": row.get("name", row["id"]), "active": row.get("active", "1")}
        for i, row in enumerate(fx.entities("manufacturer"), start=1)
    ]
    options = [
        {
            "id": i,
            "name": row.get("name", row["id"]),
            "public_name": row.get("public_name", ""),
            "is_color_group": row.get("is_color_group", "0"),
            "group_type": row.get("group_type", "select"),
        }
        for i, row in enumerate(fx.entities("attribute_group"), start=1)
    ]
    values = [
        {
            "id": i,
            "id_attribute_group": fx.ref("attribute_group", row["id_attribute_group"]),
            "name": row.get("name", row["id"]),
            "color": row.get("color", ""),
        }
        for i, row in enumerate(fx.entities("attribute"), start=1)
    ]
    products_raw = fx.entities("product")
    combinations_raw = fx.entities("product_attribute")
    links = fx.entities("product_attribute_combination")
    in_categories = fx.entities("category_product")
    stock = [
        {k: row[k] for k in ("id_product", "id_product_attribute", "quantity", "out_of_stock")}
        | {"id": i, "id_shop": "1"}
        for i, row in enumerate(fx.entities("stock_available"), start=1)
    ]
    combinations: list[Row] = []
    for i, row in enumerate(combinations_raw, start=1):
        option_values = [
            {"id": fx.ref("attribute", link["id_attribute"])}
            for link in links
            if link["id_product_attribute"] == row["id"]
        ]
        combinations.append(
            {
                "id": i,
                "id_product": fx.ref("product", row["id_product"]),
                "reference": row.get("reference", ""),
                "price": row.get("price", "0"),
                "minimal_quantity": row.get("minimal_quantity", "1"),
                "default_on": row.get("default_on", ""),
                "associations": {"product_option_values": option_values},
            }
        )
    products: list[Row] = []
    plain = (
        "reference",
        "price",
        "wholesale_price",
        "weight",
        "active",
        "available_for_order",
        "show_price",
        "minimal_quantity",
        "condition",
        "product_type",
        "on_sale",
    )
    texts = (
        "name",
        "link_rewrite",
        "description",
        "description_short",
        "meta_title",
        "meta_description",
    )
    for i, row in enumerate(products_raw, start=1):
        own = [c for c in combinations if c["id_product"] == str(i)]
        categories_of = [
            {"id": fx.ref("category", link["id_category"], frame)}
            for link in in_categories
            if link["id_product"] == row["id"]
        ]
        products.append(
            {
                "id": i,
                **{k: row.get(k, "") for k in plain + texts},
                "state": "1",
                "id_manufacturer": fx.ref("manufacturer", row.get("id_manufacturer", "")),
                "id_category_default": fx.ref(
                    "category", row.get("id_category_default", ""), frame
                ),
                "associations": {
                    "categories": categories_of,
                    "combinations": [{"id": str(c["id"])} for c in own],
                },
            }
        )
    customers = [
        {
            "id": i,
            "email": row.get("email", ""),
            "firstname": row.get("firstname", ""),
            "lastname": row.get("lastname", ""),
            "active": row.get("active", "1"),
            "id_default_group": row.get("id_default_group", "3"),
            "deleted": "0",
            "is_guest": row.get("is_guest", "0"),
        }
        for i, row in enumerate(fx.entities("customer"), start=1)
    ]
    addresses = [
        {
            "id": i,
            "id_customer": fx.ref("customer", row.get("id_customer", "")),
            "id_country": str(countries.get(row.get("id_country", ""), 0)),
            "alias": row.get("alias", ""),
            "firstname": row.get("firstname", ""),
            "lastname": row.get("lastname", ""),
            "address1": row.get("address1", ""),
            "address2": row.get("address2", ""),
            "city": row.get("city", ""),
            "postcode": row.get("postcode", ""),
            "phone": row.get("phone", ""),
            "company": row.get("company", ""),
            "deleted": "0",
        }
        for i, row in enumerate(fx.entities("address"), start=1)
    ]
    details = fx.entities("order_detail")
    orders: list[Row] = []
    totals = (
        "total_paid",
        "total_paid_tax_incl",
        "total_paid_tax_excl",
        "total_products",
        "total_products_wt",
        "total_shipping_tax_excl",
        "total_shipping_tax_incl",
        "total_discounts_tax_excl",
    )
    for i, row in enumerate(fx.entities("orders"), start=1):
        lines = [
            {
                "id": str(n),
                "product_id": fx.ref("product", d.get("product_id", "")),
                "product_attribute_id": fx.ref(
                    "product_attribute", d.get("product_attribute_id", "")
                ),
                "product_quantity": d.get("product_quantity", "0"),
                "product_name": d.get("product_name", ""),
                "product_reference": d.get("product_reference", ""),
                "unit_price_tax_excl": d.get("unit_price_tax_excl", d.get("product_price", "0")),
            }
            for n, d in enumerate(details, start=1)
            if d.get("id_order") == str(i)
        ]
        orders.append(
            {
                "id": i,
                "reference": row.get("reference", ""),
                "id_currency": "1",
                "id_customer": fx.ref("customer", row.get("id_customer", "")),
                "current_state": row.get("current_state", "0"),
                "payment": row.get("payment", ""),
                **{k: row.get(k, "0") for k in totals},
                "associations": {"order_rows": lines},
            }
        )
    return {
        "categories": categories,
        "manufacturers": manufacturers,
        "product_options": options,
        "product_option_values": values,
        "products": products,
        "combinations": combinations,
        "stock_availables": stock,
        "customers": customers,
        "addresses": addresses,
        "orders": orders,
        "order_histories": [],
        "order_carriers": [],
        "carts": [],
    }
