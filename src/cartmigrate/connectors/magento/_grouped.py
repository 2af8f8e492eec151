"""Grouped products: a set of other products, held as ``associated`` product links.

Magento keeps a grouped product's children as links from its SKU to theirs
(``product_links``, ``link_type: associated``, in position order). The models
refer to products by id, so a page's links are resolved to ids in one search
by SKU, and written back from the children's SKUs, which the engine has
created before their group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..._exceptions import EntityRejected
from ...models import Product
from .._records import positive_int_id
from .._rest import chunked
from ._api import PAGE_SIZE, Filter, MagentoApi
from ._partial_types import bundle_skus

__all__ = ["LINK_TYPE", "children_of", "linked_skus", "links_for"]

LINK_TYPE = "associated"


def linked_skus(raw: Mapping[str, Any]) -> list[str]:
    """The SKUs a grouped product's links name, in their position order."""
    links = raw.get("product_links")
    found = [
        link
        for link in (links if isinstance(links, list) else ())
        if isinstance(link, Mapping)
        and link.get("link_type") == LINK_TYPE
        and isinstance(link.get("linked_product_sku"), str)
    ]
    found.sort(key=lambda link: link.get("position") or 0)
    return [str(link["linked_product_sku"]) for link in found]


def _ids_by_sku(api: MagentoApi, skus: Iterable[str]) -> dict[str, str]:
    """Product id per SKU, for those that exist: one search per page of SKUs.

    A SKU holding a comma cannot go in an ``in`` filter (Magento splits the
    value there): asked alone, with ``eq``.
    """
    wanted = sorted(set(skus))
    plain = [s for s in wanted if "," not in s]
    found: dict[str, str] = {}
    groups = [[Filter("sku", ",".join(chunk), "in")] for chunk in chunked(plain, PAGE_SIZE)]
    groups += [[Filter("sku", s)] for s in wanted if "," in s]
    for filters in groups:
        for page in api.search("products", filters, fields="items[id,sku],total_count"):
            for raw in page:
                if isinstance(raw, Mapping) and positive_int_id(raw.get("id")):
                    found[str(raw.get("sku"))] = str(raw["id"])
    return found


def children_of(api: MagentoApi, raws: Sequence[Any]) -> dict[str, tuple[str, ...]]:
    """Per grouped product of a page (by id), its children's ids in order;
    per bundle, its selections' (it is read as a grouped product: ``_partial_types``).

    A link to a SKU the store no longer holds is left out.
    """
    grouped = [
        raw
        for raw in raws
        if isinstance(raw, Mapping)
        and raw.get("type_id") in ("grouped", "bundle")
        and raw.get("id")
    ]
    if not grouped:
        return {}
    skus = {
        str(raw["id"]): bundle_skus(raw) if raw["type_id"] == "bundle" else linked_skus(raw)
        for raw in grouped
    }
    ids = _ids_by_sku(api, (s for found in skus.values() for s in found))
    return {raw_id: tuple(ids[s] for s in found if s in ids) for raw_id, found in skus.items()}


def links_for(
    product: Product, raw_by_ids: Callable[[Sequence[str]], list[Any]]
) -> list[dict[str, Any]]:
    """A grouped product's ``product_links``, from its children's records
    (``raw_by_ids``: the store's products by id). A child the store does not
    hold fails the product, naming the field: a link needs the child's SKU."""
    wanted = list(dict.fromkeys(product.grouped_product_ids))
    raws = {str(r["id"]): r for r in raw_by_ids(wanted) if isinstance(r, Mapping)}
    missing = [i for i in wanted if i not in raws]
    if missing:
        raise EntityRejected(
            f"magento: grouped product {product.sku!r} holds product {missing[0]},"
            " which is not on the store",
            entity="product",
            field="grouped_product_ids",
        )
    return _links_to(str(product.sku), [raws[i] for i in wanted])


def _links_to(sku: str, children: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``product_links`` of a grouped product ``sku`` holding ``children``
    (their raw records, in order)."""
    return [
        {
            "sku": sku,
            "link_type": LINK_TYPE,
            "linked_product_sku": str(child["sku"]),
            "linked_product_type": str(child.get("type_id") or "simple"),
            "position": position,
            "extension_attributes": {"qty": 0},
        }
        for position, child in enumerate(children)
    ]
