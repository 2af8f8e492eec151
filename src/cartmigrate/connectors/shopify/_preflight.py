"""What ``engine.check()`` asks a Shopify store before anything is written.

One cheap query (``PREFLIGHT``) tells three things at once:

- the store answers and takes the token (``check_access``; the engine asks
  it before each call, so a wrong token fails once, at once);
- the access scopes the app was actually granted
  (``currentAppInstallation.accessScopes``): a scope a migration needs and
  lacks is named per entity type, instead of an ``ACCESS_DENIED`` halfway;
- the API versions the shop serves (``publicApiVersions``) and the version
  that answered (the ``X-Shopify-API-Version`` header): Shopify answers a
  request to a retired version with the oldest version it still supports,
  so a pinned version the shop no longer serves is an error here, not a
  run against a schema the documents were not written for.

The limits the connector knows (``_limits``: variants per product, new
variants a day past 50,000, a development store's orders a minute) and the
query-cost bucket the shop reported are listed by ``check_limits``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...models import Category, Customer, Entity, Manufacturer, Order, Product
from . import _graphql as docs
from ._limits import (
    DEV_ORDERS_A_MINUTE,
    MAX_VARIANTS,
    NEW_VARIANTS_A_DAY,
    STORE_VARIANTS,
    Limits,
)
from ._shop import ShopifyBase

__all__ = ["READ_SCOPES", "REDIRECT_SCOPE", "WRITE_SCOPES", "Preflight"]

#: Scopes reading each type needs. A write scope grants its read scope too.
READ_SCOPES: Mapping[type[Entity], tuple[str, ...]] = {
    Category: ("read_products",),
    Manufacturer: ("read_products",),
    Product: ("read_products", "read_inventory", "read_locations"),
    Customer: ("read_customers",),
    Order: ("read_orders",),
}
#: Scopes writing each type needs; a tuple inside is "any one of these".
WRITE_SCOPES: Mapping[type[Entity], tuple[str | tuple[str, ...], ...]] = {
    Category: ("write_products",),
    Manufacturer: ("write_products",),
    Product: ("write_products", "write_inventory", "read_locations"),
    Customer: ("write_customers",),
    Order: (
        "write_orders",
        # fulfillmentCreate works on the order's fulfillment orders.
        (
            "write_merchant_managed_fulfillment_orders",
            "write_assigned_fulfillment_orders",
            "write_third_party_fulfillment_orders",
        ),
    ),
}
#: ``urlRedirectCreate`` and ``urlRedirects``.
REDIRECT_SCOPE = "write_online_store_navigation"

_GRANT = (
    "grant it in the app's Admin API access scopes (Settings > Apps and sales channels >"
    " Develop apps > Configuration), then reinstall the app"
)


def _granted(scope: str, granted: frozenset[str]) -> bool:
    if scope in granted:
        return True
    action, _, resource = scope.partition("_")
    return action == "read" and f"write_{resource}" in granted


class Preflight(ShopifyBase):
    """``check_access``, ``check_permissions`` and ``check_limits`` for Shopify."""

    _preflight: dict[str, Any] | None = None
    limits: Limits

    def check_access(self) -> None:
        """One query: the token works, and what it was granted (kept for the checks)."""
        data = self.run("Preflight", docs.PREFLIGHT)
        self._preflight = {**data, "served": self.graphql.served_version}

    def _answers(self) -> dict[str, Any]:
        if self._preflight is None:
            self.check_access()
        assert self._preflight is not None
        return self._preflight

    @property
    def granted_scopes(self) -> frozenset[str]:
        """The access scopes the app holds on this shop (asked once, then kept)."""
        installation = self._answers().get("currentAppInstallation") or {}
        return frozenset(
            str(s.get("handle")) for s in installation.get("accessScopes") or () if s.get("handle")
        )

    def missing_scopes(self, kind: type[Entity], *, write: bool) -> list[str]:
        """The scopes reading (or writing) ``kind`` needs that the app lacks."""
        granted = self.granted_scopes
        needed: tuple[str | tuple[str, ...], ...] = (
            WRITE_SCOPES.get(kind, ()) if write else READ_SCOPES.get(kind, ())
        )
        missing: list[str] = []
        for scope in needed:
            options = (scope,) if isinstance(scope, str) else scope
            if not any(_granted(option, granted) for option in options):
                missing.append(" or ".join(options))
        return missing

    def check_permissions(self, *, write: bool) -> list[str]:
        """Missing scopes per type (read as a source, write as the target), and the
        API version: one the shop no longer serves (or never did) is an error."""
        problems = self._version_problems()
        kinds = self.capabilities.writes if write else self.capabilities.reads
        for kind in sorted(kinds, key=lambda k: k.kind):
            missing = self.missing_scopes(kind, write=write)
            if missing:
                verb = "write" if write else "read"
                problems.append(
                    f"{kind.kind}: the app lacks the scope {', '.join(missing)} needed to"
                    f" {verb} {kind.kind} entities; {_GRANT}"
                )
        return problems

    def _version_problems(self) -> list[str]:
        answers = self._answers()
        pinned = self.api_version
        served = answers.get("served")
        versions = {
            str(v.get("handle")): bool(v.get("supported"))
            for v in answers.get("publicApiVersions") or ()
        }
        if served and served != pinned:
            return [
                f"API version {pinned} is no longer served by this shop (Shopify answered with"
                f" {served}): the connector's documents are written for {pinned}; upgrade"
                " cartmigrate or pass a supported api_version"
            ]
        if versions and pinned != "unstable" and not versions.get(pinned, False):
            listed = sorted(v for v, supported in versions.items() if supported)
            return [
                f"API version {pinned} is not supported by this shop (supported:"
                f" {', '.join(listed) or 'none listed'}); pass a supported api_version"
            ]
        return []

    def check_limits(self) -> list[str]:
        """What the shop will refuse or slow down, listed before writing."""
        answers = self._answers()
        lines = [
            f"query cost bucket: {self.bucket.capacity:g} points, restoring"
            f" {self.bucket.restore_rate:g} a second (the shop's plan)",
            f"a product holds at most {MAX_VARIANTS} variants; bigger ones are refused",
        ]
        supported = sorted(
            str(v.get("handle"))
            for v in answers.get("publicApiVersions") or ()
            if v.get("supported") and str(v.get("handle")) != "unstable"
        )
        if supported and supported[0] == self.api_version:
            lines.append(
                f"API version {self.api_version} is the oldest this shop supports: Shopify"
                " retires it next"
            )
        data = self.run("VariantsCount", self.doc("VARIANTS_COUNT"))
        count = (data.get("productVariantsCount") or {}).get("count")
        if isinstance(count, int):
            lines.append(
                f"the store holds {count} variants; from {STORE_VARIANTS} on, at most"
                f" {NEW_VARIANTS_A_DAY} new variants a day are accepted (all but Plus shops)"
            )
        if self.limits.development_store:
            lines.append(
                f"a development store accepts at most {DEV_ORDERS_A_MINUTE} orders a minute"
            )
        return lines
