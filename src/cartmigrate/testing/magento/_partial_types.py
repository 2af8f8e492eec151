"""Bundles and downloadable products, as the real 2.4.7 store saves and shows them.

Measured on it: a bundle's ``bundle_product_options`` come back with an
``option_id`` each, and each selection with a string ``id``, its option's
id, ``position`` 0 unless given, a ``price`` that is the selected product's
own (in a bundle of dynamic price, the one simulated) and a ``price_type``
of null; a downloadable product's links with an integer ``id`` and
``sample_type`` null, a file link's content stored as
``/<first letter>/<second letter>/<name>``, and its samples with an ``id``.
A URL must be on a host of the store's ``downloadable_domains`` (env.php),
which never holds an IP address: the real store refuses those whatever
the list says.
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

from ._store import MagentoStore, SimError

__all__ = ["bundle_options", "download_links", "download_samples"]

_NOT_LISTED = "Link URL's domain is not in list of downloadable_domains in env.php."


def bundle_options(store: MagentoStore, options: Sequence[Any]) -> list[dict[str, Any]]:
    saved: list[dict[str, Any]] = []
    for option in options:
        if not isinstance(option, Mapping):
            continue
        option_id = store.next_id("bundle_option")
        links = []
        for link in option.get("product_links") or ():
            child = store.product_by_sku(str(link.get("sku")))  # 404 as the real store
            links.append(
                {
                    "id": str(store.next_id("bundle_selection")),
                    "sku": child["sku"],
                    "option_id": option_id,
                    "qty": link.get("qty", 1),
                    "position": int(link.get("position") or 0),
                    "is_default": bool(link.get("is_default")),
                    "price": child.get("price"),
                    "price_type": None,
                    "can_change_quantity": int(link.get("can_change_quantity") or 0),
                }
            )
        saved.append(
            {
                "option_id": option_id,
                "title": option.get("title"),
                "required": bool(option.get("required")),
                "type": option.get("type"),
                "position": int(option.get("position") or 0),
                "sku": option.get("sku"),
                "product_links": links,
            }
        )
    return saved


def _url(store: MagentoStore, url: Any) -> str:
    host = urllib.parse.urlsplit(str(url or "")).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host in store.downloadable_domains:
            return str(url)
    raise SimError(400, _NOT_LISTED)


def _file(content: Any) -> str:
    name = str((content or {}).get("name") or "file")
    return f"/{name[0]}/{name[1] if len(name) > 1 else '_'}/{name}"


def download_links(store: MagentoStore, links: Sequence[Any]) -> list[dict[str, Any]]:
    saved: list[dict[str, Any]] = []
    for link in links:
        if not isinstance(link, Mapping):
            continue
        kind = link.get("link_type")
        entry: dict[str, Any] = {
            "id": store.next_id("downloadable_link"),
            "title": link.get("title"),
            "sort_order": int(link.get("sort_order") or 0),
            "is_shareable": int(link.get("is_shareable") or 0),
            "price": link.get("price", 0),
            "number_of_downloads": int(link.get("number_of_downloads") or 0),
            "link_type": kind,
        }
        if kind == "url":
            entry["link_url"] = _url(store, link.get("link_url"))
        else:
            entry["link_file"] = link.get("link_file") or _file(link.get("link_file_content"))
        entry["sample_type"] = None
        saved.append(entry)
    return saved


def download_samples(store: MagentoStore, samples: Sequence[Any]) -> list[dict[str, Any]]:
    saved: list[dict[str, Any]] = []
    for sample in samples:
        if not isinstance(sample, Mapping):
            continue
        kind = sample.get("sample_type")
        entry: dict[str, Any] = {
            "id": store.next_id("downloadable_sample"),
            "title": sample.get("title"),
            "sort_order": int(sample.get("sort_order") or 0),
            "sample_type": kind,
        }
        if kind == "url":
            entry["sample_url"] = _url(store, sample.get("sample_url"))
        else:
            entry["sample_file"] = sample.get("sample_file") or _file(
                sample.get("sample_file_content")
            )
        saved.append(entry)
    return saved
