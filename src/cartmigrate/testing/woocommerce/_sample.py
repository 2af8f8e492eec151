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
import re
from collections.abc import Iterable, Mapping
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

    Grouped products point to their children (by SKU in the CSV), external
    ones keep their link and button, downloadable ones their files, and
    dimensions are in the CSV's unit (its column headers name it: "Length
    (in)"), which becomes the store's; stock is managed where the CSV gives
    a quantity.
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

    units = _units(rows[0].keys() if rows else ())
    sim.store.units.update(units)
    length, weight = units["woocommerce_dimension_unit"], units["woocommerce_weight_unit"]
    products: dict[str, int] = {}
    grouped: list[tuple[int, list[str]]] = []
    for row in rows:
        flags = _split(row["Type"]) if row["Type"] else ["simple"]
        kind = flags[0]
        if kind == "variation":
            continue
        body: dict[str, Any] = {
            "name": row["Name"],
            "type": kind if kind in ("variable", "grouped", "external") else "simple",
            "status": "publish" if row["Published"] == "1" else "draft",
            "sku": row["SKU"],
            "description": row["Description"],
            "short_description": row["Short description"],
            "categories": [{"id": category(c)} for c in _split(row["Categories"])],
            "images": [{"src": src} for src in _split(row["Images"])],
            "weight": _decimal(row.get(f"Weight ({weight})")),
            "dimensions": _dimensions(row, length),
            "virtual": "virtual" in flags,
            "downloadable": "downloadable" in flags,
            "downloads": [
                {"name": row.get(f"Download {n} name") or "", "file": row[f"Download {n} URL"]}
                for n in (1, 2)
                if row.get(f"Download {n} URL")
            ],
        }
        for column, key in (
            ("Download limit", "download_limit"),
            ("Download expiry days", "download_expiry"),
        ):
            if (row.get(column) or "").strip():
                body[key] = int(row[column])
        if kind == "external":
            body["external_url"] = row.get("External URL") or ""
            body["button_text"] = row.get("Button text") or ""
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
        if kind == "grouped":
            grouped.append((products[row["SKU"]], _split(row.get("Grouped products") or "")))
    for parent_id, skus in grouped:
        sim.store.products[parent_id]["grouped_products"] = [
            products[sku] for sku in skus if sku in products
        ]
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
        if row.get(f"Weight ({weight})"):
            variation["weight"] = _decimal(row[f"Weight ({weight})"])
        if any(_dimensions(row, length).values()):
            variation["dimensions"] = _dimensions(row, length)
        sim.seed("variations", variation, parent=parent)
    return sim


def _units(columns: Iterable[str]) -> dict[str, str]:
    """The units the CSV's headers name ("Length (in)"), else WooCommerce's defaults."""
    found = {"woocommerce_dimension_unit": "cm", "woocommerce_weight_unit": "kg"}
    for column in columns:
        match = re.fullmatch(r"(Length|Weight) \((\w+)\)", column)
        if match:
            key = (
                "woocommerce_dimension_unit" if match[1] == "Length" else "woocommerce_weight_unit"
            )
            found[key] = match[2]
    return found


def _decimal(cell: str | None) -> str:
    """A CSV number as the importer stores it (``wc_format_decimal``: ".5" is "0.5")."""
    text = (cell or "").strip()
    return f"0{text}" if text.startswith(".") else text


def _dimensions(row: Mapping[str, str], unit: str) -> dict[str, str]:
    return {
        edge.lower(): _decimal(row.get(f"{edge} ({unit})"))
        for edge in ("Length", "Width", "Height")
    }
