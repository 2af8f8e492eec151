"""What a webservice key may do, from ``GET /api`` — without writing anything.

The index lists only the resources the key may use, each with its methods as
attributes (``get="true" post="false" ...``): PrestaShop's
``WebserviceOutputBuilder::getResourcesList``. A read-only key (GET on a few
resources) is told apart from a full one before a migration writes anything.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

from ..._exceptions import TransientError

__all__ = ["READS", "WRITES", "missing_permissions", "permissions_of"]

#: Resources every read of the connector uses (entities, follow-ups, lookups).
READS = frozenset(
    {
        "addresses",
        "carriers",
        "carts",
        "categories",
        "combinations",
        "configurations",
        "countries",
        "currencies",
        "customers",
        "groups",
        "languages",
        "manufacturers",
        "order_carriers",
        "order_details",
        "order_histories",
        "order_states",
        "orders",
        "product_option_values",
        "product_options",
        "products",
        "specific_prices",
        "states",
        "stock_availables",
        "tags",
    }
)

#: What a migration into the shop writes, per resource.
WRITES: Mapping[str, frozenset[str]] = {
    "addresses": frozenset({"POST", "PATCH", "DELETE"}),
    "carts": frozenset({"POST"}),
    "order_carriers": frozenset({"POST", "PATCH", "DELETE"}),
    "order_details": frozenset({"PATCH", "DELETE"}),
    "order_histories": frozenset({"POST", "PATCH", "DELETE"}),
    "order_states": frozenset({"PATCH"}),
    "orders": frozenset({"POST", "PATCH", "DELETE"}),
    "categories": frozenset({"POST", "PATCH", "DELETE"}),
    "combinations": frozenset({"POST", "PATCH", "DELETE"}),
    "customers": frozenset({"POST", "PATCH", "DELETE"}),
    "manufacturers": frozenset({"POST", "PATCH", "DELETE"}),
    "product_option_values": frozenset({"POST"}),
    "product_options": frozenset({"POST"}),
    "products": frozenset({"POST", "PATCH", "DELETE"}),
    "specific_prices": frozenset({"POST", "DELETE"}),
    "stock_availables": frozenset({"PATCH"}),
    "tags": frozenset({"POST"}),
}

_METHODS = ("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD")


def permissions_of(index: str) -> dict[str, frozenset[str]]:
    """resource -> the methods the key may use on it, from the XML index."""
    try:
        root = ET.fromstring(index)
    except ET.ParseError:
        raise TransientError("prestashop: GET /api did not answer with its XML index") from None
    api = root.find("api") if root.tag != "api" else root
    if api is None:
        raise TransientError("prestashop: GET /api answered without an <api> index")
    return {
        node.tag: frozenset(m for m in _METHODS if node.get(m.lower()) == "true") for node in api
    }


def missing_permissions(
    granted: Mapping[str, frozenset[str]], *, write: bool, images: bool
) -> list[str]:
    """One sentence per kind of permission the key lacks, saying how to grant it."""
    how = "(Advanced Parameters > Webservice > the key's permissions)"
    problems: list[str] = []
    unread = sorted(r for r in READS if "GET" not in granted.get(r, frozenset()))
    if unread:
        problems.append(f"the webservice key cannot GET {', '.join(unread)}; tick GET {how}")
    if not write:
        return problems
    needed = dict(WRITES)
    if images:
        needed["images"] = frozenset({"POST"})
    for method in ("POST", "PATCH", "DELETE"):
        lacking = sorted(
            r
            for r, methods in needed.items()
            if method in methods and method not in granted.get(r, frozenset())
        )
        if lacking:
            problems.append(
                f"the webservice key cannot {method} {', '.join(lacking)}; tick {method} {how}"
            )
    return problems
