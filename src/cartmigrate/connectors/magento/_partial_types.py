"""Magento's product types the models hold only in part: bundles and downloads.

- A **bundle** is sold as one product whose buyer picks a selection per
  option (a quantity each), priced from the selections (``price_type`` 0,
  where the product's own price reads 0) or fixed. The models have no
  options of selections: a bundle is read as a grouped product of its
  selections (each bought on its own), without a price of its own, and the
  options, quantities and price are reported not read. Read as a simple
  product, as it was, it sold on the target at the 0 its dynamic price
  reads.
- A **downloadable** product's links are read as its downloads where they
  are URLs. A link to a file Magento keeps (``link_type: file``) is served
  only to its buyers, through the storefront, not by the REST API: it is
  reported not read, as are the samples, which the models have no place for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ._categories import custom_attribute

__all__ = ["bundle_skus", "downloads_of", "not_read"]


def _extension(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    extension = raw.get("extension_attributes")
    return extension if isinstance(extension, Mapping) else {}


def _listed(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _options(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    options = _listed(_extension(raw).get("bundle_product_options"))
    return sorted(options, key=lambda o: o.get("position") or 0)


def bundle_skus(raw: Mapping[str, Any]) -> list[str]:
    """The SKUs a bundle's selections name, option after option, each once."""
    skus: dict[str, None] = {}
    for option in _options(raw):
        links = sorted(_listed(option.get("product_links")), key=lambda k: k.get("position") or 0)
        skus.update((str(link["sku"]), None) for link in links if isinstance(link.get("sku"), str))
    return list(skus)


def _links(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    links = _listed(_extension(raw).get("downloadable_product_links"))
    return sorted(links, key=lambda k: k.get("sort_order") or 0)


def downloads_of(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A downloadable product's links that are URLs, as ``Download`` fields."""
    return [
        {"url": link["link_url"], "name": link.get("title") or None}
        for link in _links(raw)
        if link.get("link_type") == "url" and link.get("link_url")
    ]


def not_read(raw: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(field, why) for each value of ``raw`` the models have no place for."""
    kind = raw.get("type_id")
    if kind == "bundle":
        options = _options(raw)
        titles = ", ".join(repr(str(o.get("title") or "")) for o in options) or "none"
        dynamic = custom_attribute(raw, "price_type") in (None, "0", 0)
        price = "dynamic" if dynamic else raw.get("price")
        yield (
            "bundle_product_options",
            f"a bundle product (options {titles}; price {price}): read as a grouped product"
            f" of its {len(bundle_skus(raw))} selections, without its options, their"
            " quantities and its price, which the models have no place for",
        )
    if kind != "downloadable":
        return
    for link in _links(raw):
        if link.get("link_type") == "url" and link.get("link_url"):
            continue  # read, as a download
        yield (
            f"downloadable_product_links[{link.get('id')}]",
            f"the download {str(link.get('title') or '')!r} is a file Magento keeps"
            f" ({link.get('link_file')!r}) and serves only to its buyers, not through"
            " its REST API: not read (give the product a URL link to have it migrated)",
        )
    samples = _listed(_extension(raw).get("downloadable_product_samples"))
    if samples:
        yield (
            "downloadable_product_samples",
            f"{len(samples)} sample(s) of a downloadable product: the models have no place"
            " for samples; not read",
        )
