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

__all__ = ["bundle_options", "downloadable_parts"]

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


def _saved(store: MagentoStore, item: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """A link (``prefix`` "link") or a sample ("sample") as saved: they differ
    only in their keys' prefix and a link's purchase terms."""
    kind = item.get(f"{prefix}_type")
    entry: dict[str, Any] = {
        "id": store.next_id(f"downloadable_{prefix}"),
        "title": item.get("title"),
        "sort_order": int(item.get("sort_order") or 0),
        f"{prefix}_type": kind,
    }
    if kind == "url":
        entry[f"{prefix}_url"] = _url(store, item.get(f"{prefix}_url"))
    else:
        content = item.get(f"{prefix}_file_content")
        entry[f"{prefix}_file"] = item.get(f"{prefix}_file") or _file(content)
    if prefix == "link":
        entry.update(
            is_shareable=int(item.get("is_shareable") or 0),
            price=item.get("price", 0),
            number_of_downloads=int(item.get("number_of_downloads") or 0),
            sample_type=None,
        )
    return entry


def downloadable_parts(
    store: MagentoStore, extension: Mapping[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """The links and samples an ``extension_attributes`` sends, as saved (each
    list replaces the product's; one not sent is kept)."""
    return {
        key: [_saved(store, item, prefix) for item in extension[key] if isinstance(item, Mapping)]
        for key, prefix in (
            ("downloadable_product_links", "link"),
            ("downloadable_product_samples", "sample"),
        )
        if isinstance(extension.get(key), list)
    }
