"""Load a sample store, in WooCommerce's product CSV format, into a simulator.

Without a path it loads ``demo_store.csv``, a small store written for
cartmigrate (MIT, like the package): two variable products, simple ones,
nested categories. WooCommerce's own sample data (``sample_products.csv``
from the WooCommerce 7.9 plugin) is GPL and is never copied into this
project: pass its path to read it at run time. Either is parsed the way
WooCommerce's CSV importer reads it (variations point to their parent by
SKU, categories as ``A > B`` paths, multi-valued cells as ", "-separated lists).
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path
from typing import Any

from ._sim import WooCommerceSimulator

__all__ = ["load_sample_store"]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(",") if part.strip()]


def load_sample_store(
    path: str | Path | None = None, simulator: WooCommerceSimulator | None = None
) -> WooCommerceSimulator:
    """A simulator holding the sample store's categories, products and variations
    (the bundled demo store when ``path`` is None).

    Grouped and external products are loaded as simple ones without price
    logic of their own; stock is managed where the CSV gives a quantity.
    """
    sim = simulator or WooCommerceSimulator()
    if path is None:
        text = (resources.files(__package__) / "demo_store.csv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    categories: dict[tuple[str, ...], int] = {}
    if not any(c.get("slug") == "uncategorized" for c in sim.store.categories.values()):
        # Every WordPress install has it (the default product category).
        sim.seed("categories", {"name": "Uncategorized", "slug": "uncategorized"})

    def category(path_text: str) -> int:
        parts = tuple(p.strip() for p in path_text.split(">"))
        for depth in range(1, len(parts) + 1):
            key = parts[:depth]
            if key not in categories:
                parent = categories.get(parts[: depth - 1], 0)
                categories[key] = sim.seed("categories", {"name": key[-1], "parent": parent})["id"]
        return categories[parts]

    products: dict[str, int] = {}
    for row in rows:
        kind = _split(row["Type"])[0] if row["Type"] else "simple"
        if kind == "variation":
            continue
        body: dict[str, Any] = {
            "name": row["Name"],
            "type": "variable" if kind == "variable" else "simple",
            "status": "publish" if row["Published"] == "1" else "draft",
            "sku": row["SKU"],
            "description": row["Description"],
            "short_description": row["Short description"],
            "categories": [{"id": category(c)} for c in _split(row["Categories"])],
            "images": [{"src": src} for src in _split(row["Images"])],
            "weight": row["Weight (lbs)"],
        }
        if kind != "variable":
            body["regular_price"] = row["Regular price"]
            body["sale_price"] = row["Sale price"]
        if row["Stock"]:
            body.update(manage_stock=True, stock_quantity=int(row["Stock"]))
        else:
            body["stock_status"] = "instock" if row["In stock?"] != "0" else "outofstock"
        attributes = []
        for n in (1, 2):
            name = row.get(f"Attribute {n} name") or ""
            if name:
                attributes.append(
                    {
                        "name": name,
                        "options": _split(row[f"Attribute {n} value(s)"]),
                        "visible": True,
                        "variation": kind == "variable",
                    }
                )
        body["attributes"] = attributes
        products[row["SKU"]] = sim.seed("products", body)["id"]
    for row in rows:
        if not row["Type"].startswith("variation"):
            continue
        parent = products.get(row["Parent"])
        if parent is None:
            continue
        variation: dict[str, Any] = {
            "sku": row["SKU"],
            "regular_price": row["Regular price"],
            "sale_price": row["Sale price"],
            "attributes": [
                {"name": row[f"Attribute {n} name"], "option": row[f"Attribute {n} value(s)"]}
                for n in (1, 2)
                if row.get(f"Attribute {n} name") and row.get(f"Attribute {n} value(s)")
            ],
        }
        if row["Stock"]:
            variation.update(manage_stock=True, stock_quantity=int(row["Stock"]))
        sim.seed("variations", variation, parent=parent)
    return sim
